"""MkDocs hook: search ranks a concept's own page above the pages that only mention it, and finds whole Chinese terms.

Exercise, summary, glossary, bibliography, exam and index pages name every concept of their chapter, and checklists
repeat the concepts they serve, so without a lower weight they outrank the page that explains it. Material's
`search: boost:` front matter sets that weight; this hook sets it from the page's path (front matter still wins).
"""

import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.search_weights")

# First matching pattern decides the weight of a page (1.0, Material's default, for everything else).
WEIGHTS = [
    (re.compile(r"(^|/)(exercises|summary)\.md$"), 0.25),
    (re.compile(r"^reference/"), 0.25),
    (re.compile(r"^exam/"), 0.25),
    (re.compile(r"(^|/)index\.md$"), 0.5),
    (re.compile(r"^(conventions|contributing|privacy)\.md$"), 0.5),
    (re.compile(r"^practice/"), 0.6),
    (re.compile(r"^process/compare\.md$"), 0.6),
]

# Material's worker cuts a Chinese query into the longest words its index knows, but its loop stops one character
# short (`j < length`), so the query's last word is never looked up: 共情 is searched as 共*, 出院计划 as 出院*.
# The fix lets the loop reach the end of the query. If a Material upgrade changes the code, the build warns (and
# stops under --strict) so the fix is checked again.
WORKER_LOOP = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e"
WORKER_LOOP_FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e"


def weight(src_uri):
    for pattern, value in WEIGHTS:
        if pattern.search(src_uri):
            return value
    return None


def on_page_markdown(markdown, page, config, files):
    value = weight(page.file.src_uri)
    if value is not None:
        search = page.meta.setdefault("search", {})
        search.setdefault("boost", value)
    return markdown


def on_post_build(config):
    workers = sorted((Path(config["site_dir"]) / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    patched = 0
    for worker in workers:
        code = worker.read_text(encoding="utf-8")
        if WORKER_LOOP in code:
            worker.write_text(code.replace(WORKER_LOOP, WORKER_LOOP_FIXED), encoding="utf-8")
            patched += 1
    if not patched:
        log.warning("search_weights：Material 搜索 worker 的中文分词代码已变，整词查询修正未生效，请检查 tools/search_weights.py")
