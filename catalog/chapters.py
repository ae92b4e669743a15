"""The handbook's chapters: a folder of docs/ with a summary page (the chapter rhythm: abstract first, summary
and exercises last). A chapter's title is written once, as its section's title in the mkdocs.yml nav (MkDocs
needs it there); the question bank, the practice pages, the bank table and the post-build checks read it here."""

import re

import yaml

from catalog.datafiles import ROOT, DataFileError, once_per_version
from catalog.pages import DOCS

MKDOCS = ROOT / "mkdocs.yml"
# A nav title may name the chapter's exam chapter ("医务社会工作专题（{chapter:shiwu-medical}）"); the
# chapter's own title is the part before it.
EXAM_SUFFIX = re.compile(r"（\{chapter:[a-z0-9-]+\}）$")


class NavLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving its !ENV and !!python tags (only the nav is wanted)."""


NavLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _folders():
    return sorted(p.parent.name for p in DOCS.glob("*/summary.md"))


def _sections(items):
    """Every (title, first page) of a nav section, at any depth."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            for title, children in item.items():
                if isinstance(children, list) and children and isinstance(children[0], str):
                    yield title, children[0]
                yield from _sections(children)


def _sources():
    return [MKDOCS, *DOCS.glob("*/summary.md")]


@once_per_version(_sources)
def load_chapters():
    """{chapter id: title}, in the nav's order. A chapter folder whose section does not open with its
    index.md is an error naming mkdocs.yml and the folder."""
    nav = yaml.load(MKDOCS.read_text(encoding="utf-8"), Loader=NavLoader).get("nav", [])
    folders = set(_folders())
    titles = {}
    for title, first in _sections(nav):
        folder, _, page = first.rpartition("/")
        if page == "index.md" and folder in folders:
            titles[folder] = EXAM_SUFFIX.sub("", title)
    missing = sorted(folders - titles.keys())
    if missing:
        raise DataFileError(MKDOCS, "nav", f"章节文件夹 {', '.join(missing)} 在导航里没有以其 index.md 开头的一节")
    return titles
