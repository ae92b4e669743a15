"""Rules every reference in data/references.yml keeps: original sources only.

- Each reference names its original publisher (`publisher`): the body, journal, press or website that
  first published it, not a site that copied it.
- No URL on a known mirror or scraper host (they copy pages without permission and some serve spam).
- A web reference (a URL, or a [../OL] type) carries an access date in the form [YYYY-MM-DD].
- One work, one entry: two entries with the same author and title are a duplicate.
- Every entry is cited somewhere (a page's sources(...), a 文献 <id> mention, or a data file); an
  unused entry is an error, so the bibliography lists only what the handbook relies on.

check(refs, root) raises DataFileError naming the file, the entry and the rule.
"""

import re

from catalog.datafiles import DataFileError

# Hosts that republish other sites' pages (found in the 2026-12 source review, issue 23). A reference
# must point to the original publisher instead, or carry no URL when the original cannot be reached.
MIRROR_HOSTS = (
    "9duwan.com",
    "m.booleo.cn",
    "booleo.cn",
    "m.contery.com",
    "contery.com",
    "empfolio.com",
    "victorzhang.cn",
)
URL = re.compile(r"https?://([^/\s，。；）)\]]+)")
ACCESS_DATE = re.compile(r"\[20\d\d-\d\d-\d\d\]")
ONLINE_TYPE = re.compile(r"\[[A-Z]+/OL\]")
# Files whose text may cite a reference id (the bibliography itself is made from the data file).
CITING_GLOBS = (("docs", "**/*.md"), ("data", "**/*.yml"), ("macros", "*.py"))


def _title_key(text):
    """Author and title, without spaces or punctuation, to spot the same work entered twice."""
    head = text.split("[", 1)[0]
    return re.sub(r"[\s,，.。:：、（）()“”\"'《》]", "", head)


def _cited_ids(root, ids):
    """The ids that appear in some page or data file other than data/references.yml."""
    pattern = re.compile(
        r"(?<![A-Za-z0-9-])("
        + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        + r")(?![A-Za-z0-9-])"
    )
    found = set()
    for folder, glob in CITING_GLOBS:
        for path in sorted((root / folder).glob(glob)):
            if path.name == "references.yml":
                continue
            found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def check(refs, path, root=None):
    """Raise DataFileError for the first reference that breaks a rule; return refs unchanged."""
    seen = {}
    for rid, ref in refs.items():
        if not ref.get("publisher", "").strip():
            raise DataFileError(path, rid, "缺少 publisher（原始出版者：发布机关、期刊、出版社或原网站）")
        words = ref["text"] + " " + ref.get("note", "")
        for host in URL.findall(words):
            host = host.lower().removeprefix("www.")
            if host in MIRROR_HOSTS or any(host.endswith("." + m) for m in MIRROR_HOSTS):
                raise DataFileError(
                    path, rid, f"网址在镜像站 {host} 上：请改为原始出处，找不到原始出处时删去网址并在 note 中说明"
                )
        online = URL.search(ref["text"]) or ONLINE_TYPE.search(ref["text"])
        if online and not ACCESS_DATE.search(ref["text"]):
            raise DataFileError(path, rid, "网络文献缺少访问日期（在 text 中写 [YYYY-MM-DD]）")
        key = _title_key(ref["text"])
        if key in seen:
            raise DataFileError(
                path, rid, f"与文献 {seen[key]} 重复（同一作者、同一题名）：合并为一条，并改引用它的页面"
            )
        seen[key] = rid
    if root is not None:
        unused = sorted(set(refs) - _cited_ids(root, refs))
        if unused:
            raise DataFileError(
                path, "、".join(unused), "没有任何页面或数据文件引用这些文献：删去，或在引用它的页面写 sources(...)"
            )
    return refs
