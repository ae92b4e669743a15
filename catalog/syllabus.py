"""The exam syllabus (data/syllabus.yml): the exam's name, the syllabus edition, levels, papers and the chapters the
handbook covers. Validated on load (errors name file, entry and rule) and read once per version of the file.

Chapter titles and numbers are spelled only in that file: `check_chapter_numbers` finds any 第X章 written anywhere
else in the pages or data, so a new edition means editing one file, not forty.
"""

import re
from pathlib import Path

from catalog.datafiles import DATA, ROOT, DataFileError, check_fields, load_yaml

SYLLABUS = DATA / "syllabus.yml"
DOCS = ROOT / "docs"
TOP_FIELDS = {"exam": (dict, True), "syllabus": (dict, True), "sources": (list, True), "levels": (list, True)}
EXAM_FIELDS = {"name": (str, True), "synonyms": (list, False)}
EDITION_FIELDS = {
    "edition": (str, True),
    "published": (str, True),
    "revised_by": (str, True),
    "publisher": (str, True),
    "applies_from": (str, True),
    "textbooks": (str, True),
    "numbering": (str, True),
    "changes": (list, False),
}
SOURCE_FIELDS = {"id": (str, True), "text": (str, True), "note": (str, False)}
LEVEL_FIELDS = {"id": (str, True), "name": (str, True), "papers": (list, True)}
PAPER_FIELDS = {
    "id": (str, True),
    "title": (str, True),
    "short": (str, True),
    "full": (int, True),
    "pass": (int, True),
    "minutes": (int, True),
    "chapters": (list, True),
}
CHAPTER_FIELDS = {
    "id": (str, True),
    "title": (str, True),
    "number": (int, False),
    "former": (dict, False),
    "sections": (list, True),
}
FORMER_FIELDS = {"edition": (str, True), "number": (int, True), "title": (str, True)}
SECTION_FIELDS = {"title": (str, True), "page": (str, True)}
ID = re.compile(r"^[a-z][a-z0-9-]*$")
# A chapter number written out: 第十三章, 第 13 章, 第2章. Only data/syllabus.yml may spell one.
CHAPTER_NUMBER = re.compile(r"第\s*[一二三四五六七八九十百零〇两\d]+\s*章")
# Files allowed to spell chapter numbers, with the reason: the syllabus itself, and the bibliography, whose entries
# quote the titles of cited works verbatim ("第十三章笔记") and cannot be reworded.
NUMBER_ALLOWED = {"data/syllabus.yml": "章序的唯一出处", "data/references.yml": "引用文献的原题"}
_cache = {}


def _digits(n):
    """A chapter number in Chinese numerals (1–99), as textbooks print it."""
    names = "零一二三四五六七八九"
    if n < 10:
        return names[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else names[tens]) + "十" + (names[ones] if ones else "")


def _check_chapter(path, chapter, seen, paper):
    check_fields(path, chapter.get("id", "章节"), chapter, CHAPTER_FIELDS)
    cid = chapter["id"]
    if not ID.match(cid):
        raise DataFileError(path, cid, "章节 id 只能用小写字母、数字和连字符")
    if cid in seen:
        raise DataFileError(path, cid, "章节 id 重复")
    if CHAPTER_NUMBER.search(chapter["title"]):
        raise DataFileError(path, cid, "title 只写章名；章序写在 number 或 former 里")
    if chapter.get("former"):
        check_fields(path, f"{cid} 的 former", chapter["former"], FORMER_FIELDS)
    if not chapter["sections"]:
        raise DataFileError(path, cid, "sections 不能为空")
    for n, section in enumerate(chapter["sections"], 1):
        check_fields(path, f"{cid} 第 {n} 节", section, SECTION_FIELDS)
        if not (DOCS / section["page"]).is_file():
            raise DataFileError(path, cid, f"sections 指向的页面不存在：{section['page']}")
    seen[cid] = {**chapter, "paper": paper}


def _validate(path, raw):
    if not isinstance(raw, dict):
        raise DataFileError(path, "（整个文件）", "应为映射：exam、syllabus、sources、levels")
    check_fields(path, "（顶层）", raw, TOP_FIELDS)
    check_fields(path, "exam", raw["exam"], EXAM_FIELDS)
    check_fields(path, "syllabus", raw["syllabus"], EDITION_FIELDS)
    for n, source in enumerate(raw["sources"], 1):
        check_fields(path, f"sources 第 {n} 条", source, SOURCE_FIELDS)
    chapters, papers = {}, {}
    for level in raw["levels"]:
        check_fields(path, level.get("id", "级别"), level, LEVEL_FIELDS)
        for paper in level["papers"]:
            check_fields(path, paper.get("id", "科目"), paper, PAPER_FIELDS)
            if paper["id"] in papers:
                raise DataFileError(path, paper["id"], "科目 id 重复")
            if not 0 < paper["pass"] <= paper["full"]:
                raise DataFileError(path, paper["id"], "合格线应在 0 与满分之间")
            papers[paper["id"]] = {**paper, "level": level["name"]}
            for chapter in paper["chapters"]:
                _check_chapter(path, chapter, chapters, papers[paper["id"]])
    return {**raw, "chapters": chapters, "papers": papers}


def load_syllabus(path=None):
    """The syllabus, validated: the raw sections plus `chapters` {id: chapter with its paper} and `papers` {id: …}.
    Read once per version of the file (a test that rewrites it gets the new one)."""
    path = Path(path or SYLLABUS)
    try:
        key = (path.resolve(), path.stat().st_mtime_ns)
    except OSError as exc:
        raise DataFileError(path, "（整个文件）", f"无法读取：{exc.strerror}") from None
    if key not in _cache:
        _cache[key] = _validate(path, load_yaml(path))
    return _cache[key]


def chapter(cid, path=None, where=None):
    """One chapter by id; an unknown id stops the build naming where it was used."""
    chapters = load_syllabus(path)["chapters"]
    if cid not in chapters:
        raise DataFileError(where or SYLLABUS, cid, f"未知的考试章节 id，应为 {', '.join(chapters)} 之一")
    return chapters[cid]


def chapter_label(cid, path=None, where=None):
    """How a page names the chapter: paper and title, with the number only where the current edition's is known."""
    ch = chapter(cid, path, where)
    number = f"第{_digits(ch['number'])}章 " if ch.get("number") else ""
    return f"{ch['paper']['title']}{number}{ch['title']}"


def former_note(cid, path=None, where=None):
    """The earlier edition's number for the chapter, e.g. "2018 年修订版大纲配套教材为第十三章“医务社会工作”"."""
    ch = chapter(cid, path, where)
    old = ch.get("former")
    if not old:
        return ""
    return f"{old['edition']}为第{_digits(old['number'])}章“{old['title']}”"


def exam_name(path=None):
    return load_syllabus(path)["exam"]["name"]


def chapter_numbers_outside(docs=DOCS, data=DATA):
    """[(file, line number, text)] for every 第X章 in the pages (docs/**/*.md) and data files (data/**/*.yml)
    except those NUMBER_ALLOWED names."""
    hits = []
    for base, pattern in ((Path(docs), "*.md"), (Path(data), "*.yml")):
        for file in sorted(base.rglob(pattern)):
            rel = f"{base.name}/{file.relative_to(base).as_posix()}"
            if rel in NUMBER_ALLOWED:
                continue
            for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if CHAPTER_NUMBER.search(line):
                    hits.append((file, n, line.strip()))
    return hits


def check_chapter_numbers(docs=DOCS, data=DATA):
    """Stop the build at the first chapter number spelled outside data/syllabus.yml."""
    hits = chapter_numbers_outside(docs, data)
    if hits:
        file, n, line = hits[0]
        raise DataFileError(
            file,
            f"第 {n} 行",
            f"不应直接写章序（“{CHAPTER_NUMBER.search(line).group(0)}”）：章序只写在 data/syllabus.yml，"
            f'页面用 {{{{ exam_chapter("章节 id") }}}} 引用（共 {len(hits)} 处）',
        )


BOX = re.compile(r"""^!!! exam "\{\{ exam_box\(['"]([a-z0-9-]+)['"]\) \}\}"$""", re.M)


def boxed_papers(markdown, path=None):
    """Titles of the papers whose 考点 boxes a page's Markdown (as written) carries, e.g. {"《社会工作实务》（初级）"}."""
    return {chapter(cid, path)["paper"]["title"] for cid in BOX.findall(markdown)}
