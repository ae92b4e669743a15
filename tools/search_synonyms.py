"""Post-build step: everyday words (data/search_synonyms.yml) join the search index of the page that answers them.

Readers type 医闹 or 家属闹事 where the page says 医疗纠纷. Material's worker cuts a Chinese query into the longest
words its index knows, so each everyday word is added to its page's top entry as one whole token (the index
joins jieba's segments with U+200B, the search separator); the page text readers see is unchanged.
"""

import json

from catalog.datafiles import DATA, DataFileError, load_yaml

SEPARATOR = "\u200b"


def load(path=DATA / "search_synonyms.yml"):
    """{page.md: [word, ...]}; each word points to exactly one page."""
    raw = load_yaml(path)
    pages = raw.get("pages") if isinstance(raw, dict) else None
    if not isinstance(pages, dict) or not pages:
        raise DataFileError(path, "（整个文件）", "应在 pages 下写“页面: [日常说法, …]”")
    owner = {}
    for page, words in pages.items():
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise DataFileError(path, page, "应为非空的词语列表")
        for word in words:
            if word in owner:
                raise DataFileError(path, page, f"“{word}”已指向 {owner[word]}：一个词只指向一页")
            owner[word] = page
    return pages


def add(site, pages=None):
    """Append each page's everyday words to its top search entry; returns how many pages were changed."""
    pages = load() if pages is None else pages
    index_path = site / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    tops = {doc["location"]: doc for doc in index["docs"]}
    for page, words in pages.items():
        location = page.removesuffix(".md") + ".html"
        if location not in tops:
            raise DataFileError(DATA / "search_synonyms.yml", page, "搜索索引里没有这一页（页面改名或删除了？）")
        suffix = " " + SEPARATOR.join(words)
        if not tops[location]["text"].endswith(suffix):  # a second post-build run adds nothing
            tops[location]["text"] += suffix
    index_path.write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return len(pages)
