"""Content conventions: sources at the foot of a page, the bibliography and the glossary."""

from catalog import checklists, instruments, syllabus
from catalog.chapters import load_chapters
from catalog.datafiles import DataFileError
from catalog.glossary import terms as glossary_terms
from catalog.references import REFERENCE_FILE, references
from engine import contract, kinds
from macros.links import relative
from macros.pages import page_markdown, page_src

BIBLIOGRAPHY_PAGE = "reference/bibliography.md"
# One note per paper a page's 考点 boxes name, so the note never claims a basis the page does not use.
EXAM_BASIS = {
    "《社会工作综合能力》": "本页标为《社会工作综合能力》的“考点”，按该科目个案工作方法一章的备考笔记（文献 s003）整理；"
    "笔记未注明教材版次，备考时请以当年考试大纲和指定教材为准。",
    "《社会工作实务》": "本页标为《社会工作实务》的“考点”，依据上列备考资料对该科目教材相应章节的整理；"
    "备考时请以当年考试大纲和指定教材为准。",
}


# The link text of a tool made from a spec, by the spec's bundle.
LINK_TEXT = {"instruments": lambda spec: spec["names"]["abbr"], "checklists": lambda spec: spec["title"]}
LOADERS = {
    "instruments": instruments.load_all,
    "checklists": lambda: {s["id"]: s for s in checklists.ordered(checklists.load_all())},
}


def _tool_targets():
    """Every tool a page may point to, by kind and id: one source of truth for the links (engine/kinds.py)."""
    targets = {}
    for kind in kinds.KINDS.values():
        made = kind.get("targets")
        if made:
            for ident, spec in LOADERS[kind["bundle"]]().items():
                targets[f"{made['prefix']}:{ident}"] = (made["page"].format(id=ident), LINK_TEXT[kind["bundle"]](spec))
    targets.update({f"practice:{c}": (f"{c}/exercises.md", f"{name}·本章练习") for c, name in load_chapters().items()})
    targets.update(kinds.fixed_targets())
    return targets


def register(env):
    refs = references()
    targets = _tool_targets()

    @env.macro
    def tools(*ids):
        """A 相关工具 box linking this page to calculators, checklists and practice, by id."""
        unknown = [i for i in ids if i not in targets]
        if unknown:
            raise DataFileError(page_src(env), "tools()", f"未知的工具编号 {', '.join(unknown)}")
        links = " · ".join(f"[{targets[i][1]}]({relative(env, targets[i][0])})" for i in ids)
        return f'!!! tip "相关工具"\n    {links}\n'

    @env.macro
    def attr(key):
        """A data attribute of the contract, for a written page (its script finds the element by it)."""
        if key not in contract.ATTR:
            raise DataFileError(
                page_src(env), "attr()", f"契约中没有属性 {key!r}（见 engine/contract.py、engine/kinds.py）"
            )
        return contract.ATTR[key]

    @env.macro
    def sources(*ids):
        """The page's 参考来源 section: each cited reference, linked to the bibliography."""
        if not ids:
            raise DataFileError(REFERENCE_FILE, page_src(env), "sources() 至少要引用一条来源")
        unknown = [i for i in ids if i not in refs]
        if unknown:
            raise DataFileError(REFERENCE_FILE, page_src(env), f"未知来源编号 {', '.join(unknown)}")
        bib = relative(env, BIBLIOGRAPHY_PAGE)
        # The bibliography page is the search hit for a reference; every page's copy is left out.
        lines = ["", "## 参考来源 {#sources data-search-exclude}", ""]
        lines += [f"{n}. {refs[i]['text']} [→ 文献 {i}]({bib}#ref-{i})" for n, i in enumerate(ids, 1)]
        boxed = syllabus.boxed_papers(page_markdown(env))  # 考点 boxes name a syllabus chapter id (issue 22)
        for paper, note in EXAM_BASIS.items():
            if any(title.startswith(paper) for title in boxed):
                lines += ["", f"<small>{note}</small>"]
        return "\n".join(lines) + "\n"

    @env.macro
    def bibliography():
        """Every reference, in one style, each with an anchor `ref-<id>`."""
        out = []
        for rid, ref in refs.items():
            note = f"<br><small>{ref['note']}</small>" if ref.get("note") else ""
            out.append(f"**[{rid}]** {ref['text']}{note}\n{{: #ref-{rid} }}")
        return "\n\n".join(out) + "\n"

    @env.macro
    def glossary():
        """The Chinese–English glossary; each term links to the page that explains it."""
        terms = glossary_terms()
        rows = ["| 术语 | English | 释义 |", "| --- | --- | --- |"]
        for term, item in sorted(terms.items(), key=lambda kv: kv[1]["en"].lower()):
            rows.append(f"| [{term}]({relative(env, item['page'])}) | {item['en']} | {item['brief']} |")
        return "\n".join(rows) + "\n"
