"""Content conventions: sources at the foot of a page, the bibliography and the glossary."""

from catalog import syllabus
from catalog.datafiles import DATA, DataFileError, load_records
from macros.links import relative
from macros.pages import page_markdown, page_src

REFERENCE_FIELDS = {"id": (str, True), "file": (str, False), "text": (str, True), "note": (str, False)}
GLOSSARY_FIELDS = {"term": (str, True), "en": (str, True), "page": (str, True), "brief": (str, True)}
BIBLIOGRAPHY_PAGE = "reference/bibliography.md"
# One note per paper a page's 考点 boxes name, so the note never claims a basis the page does not use.
EXAM_BASIS = {
    "《社会工作综合能力》": "本页标为《社会工作综合能力》的“考点”，按该科目个案工作方法一章的备考笔记（文献 s003）整理；"
    "笔记未注明教材版次，备考时请以当年考试大纲和指定教材为准。",
    "《社会工作实务》": "本页标为《社会工作实务》的“考点”，依据上列备考资料对该科目教材相应章节的整理；"
    "备考时请以当年考试大纲和指定教材为准。",
}


def references():
    """All references by id, validated."""
    return load_records(DATA / "references.yml", REFERENCE_FIELDS, top="references")


def _tool_targets():
    """Every tool a page may point to, by kind and id: one source of truth for the links."""
    from macros import checklists, instruments, quiz

    targets = {f"scale:{i}": (f"scales/{i}.md", spec["names"]["abbr"]) for i, spec in instruments.load_all().items()}
    targets.update(
        {
            f"checklist:{i}": (f"practice/checklists/{i}.md", spec["title"])
            for i, spec in checklists.load_all().items()
            if i != "case_record"
        }
    )
    targets.update({f"practice:{c}": (f"{c}/exercises.md", f"{name}·本章练习") for c, name in quiz.CHAPTERS.items()})
    targets.update(
        {
            "tool:navigator": ("practice/navigator.md", "个案流程导航"),
            "tool:case-record": ("practice/case-record.md", "个案记录表"),
            "tool:drills": ("exam/drills.md", "技巧辨析"),
            "tool:mock": ("exam/mock.md", "模拟考试"),
        }
    )
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
    def sources(*ids):
        """The page's 参考来源 section: each cited reference, linked to the bibliography."""
        if not ids:
            raise DataFileError(DATA / "references.yml", page_src(env), "sources() 至少要引用一条来源")
        unknown = [i for i in ids if i not in refs]
        if unknown:
            raise DataFileError(DATA / "references.yml", page_src(env), f"未知来源编号 {', '.join(unknown)}")
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
        terms = {}
        for path in sorted((DATA / "glossary").glob("*.yml")):
            for term, item in load_records(path, GLOSSARY_FIELDS, key="term", top="terms").items():
                if term in terms:
                    raise DataFileError(path, term, "术语在另一个术语表文件中已出现")
                terms[term] = item
        rows = ["| 术语 | English | 释义 |", "| --- | --- | --- |"]
        for term, item in sorted(terms.items(), key=lambda kv: kv[1]["en"].lower()):
            rows.append(f"| [{term}]({relative(env, item['page'])}) | {item['en']} | {item['brief']} |")
        return "\n".join(rows) + "\n"
