"""Search ranks a concept's own page above the pages that only mention it.

Exercise, summary, glossary, bibliography, exam and index pages name every concept of their chapter, and checklists
repeat the concepts they serve, so without a lower weight they outrank the page that explains it. Material's
`search: boost:` front matter sets that weight; this sets it from the page's path (front matter still wins).
"""

import re

from macros.pages import page_src

# First matching pattern decides the weight of a page (1.0, Material's default, for everything else).
WEIGHTS = [
    (re.compile(r"(^|/)(exercises|summary)\.md$"), 0.25),
    (re.compile(r"^reference/"), 0.25),
    (re.compile(r"^exam/"), 0.25),
    (re.compile(r"(^|/)index\.md$"), 0.5),
    (re.compile(r"^(conventions|contributing|privacy|offline)\.md$"), 0.5),
    (re.compile(r"^practice/"), 0.6),
    (re.compile(r"^process/compare\.md$"), 0.6),
]


def weight(src_uri):
    """The search weight of a page by its docs-relative path, or None for Material's default."""
    for pattern, value in WEIGHTS:
        if pattern.search(src_uri):
            return value
    return None


def set_weight(env):
    """Called before a page's macros run: the search plugin reads page.meta afterwards."""
    value = weight(page_src(env))
    if value is not None:
        env.page.meta.setdefault("search", {}).setdefault("boost", value)
