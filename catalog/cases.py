"""Case-analysis practice cases (data/cases/<id>.yml): schema, loader and checks.

Each file is one case of the kind 中级《社会工作实务》 sets: a scenario and 3–4 sub-questions worth 20
marks in all, each with a rubric of answer points (要点). A point carries its marks, the handbook
sections that teach it (checked to exist, anchors included), and its key terms for the engine's
pre-check (engine/rubric.py): groups of synonyms, of which `need` (at least two) must appear.
Errors name the file, the entry and the rule. Files are read once per change.
"""

from pathlib import Path

from catalog import syllabus
from catalog.datafiles import DATA, ROOT, DataFileError, check_fields, load_yaml
from engine import contract, rubric

CASES = DATA / "cases"
DOCS = ROOT / "docs"
REFERENCES = DATA / "references.yml"

# Syllabus chapters a case may be labelled with, until data/syllabus.yml (issue 22) is wired in:
# chapters of 中级《社会工作实务》 named without numbers, because the sources seen do not agree on them.
# The paper whose chapters (data/syllabus.yml) label the cases: 中级《社会工作实务》.
PAPER = "zhongji-shiwu"


def chapters():
    """{chapter id: (paper title, chapter title)} of the syllabus chapters a case may be labelled with."""
    found = syllabus.load_syllabus()["chapters"]
    return {cid: (c["paper"]["title"], c["title"]) for cid, c in found.items() if c["paper"]["id"] == PAPER}


KINDS = contract.CASE_PRACTICE["kinds"]
# Each case question of the real paper is worth 20 marks (four cases and one service-plan design,
# 5 × 20 = 100 marks in 150 minutes; see docs/exam/cases/index.md for the sources).
CASE_MARKS = 20
PAPER_MINUTES = 150
PAPER_QUESTIONS = 5
# The parts a service-plan design (方案设计) is marked on; a `plan` question has one point for each.
PLAN_ELEMENTS = ("背景与需求", "目标", "理论依据", "内容与活动", "人员与资源", "风险与应对", "评估")

CASE_FIELDS = {
    "id": (str, True),
    "title": (str, True),
    "chapter": (str, True),
    "setting": (str, True),
    "scenario": (str, True),
    "sources": (list, True),
    "questions": (list, True),
}
QUESTION_FIELDS = {
    "id": (str, True),
    "kind": (str, True),
    "marks": (int, True),
    "prompt": (str, True),
    "points": (list, True),
    "mistakes": (list, True),
    "model": (str, True),
}
POINT_FIELDS = {
    "id": (str, True),
    "text": (str, True),
    "marks": (int, True),
    "terms": (list, True),
    "need": (int, True),
    "sections": (list, True),
    "element": (str, False),
}

_loaded = {}


def slug(heading):
    """The anchor MkDocs gives a heading here (pymdownx slugify, lower case): word characters, spaces
    and hyphens kept, the rest dropped, spaces become hyphens."""
    kept = "".join(ch for ch in heading.strip() if ch.isalnum() or ch in " -_")
    return kept.strip().replace(" ", "-").lower()


def headings(page):
    """{anchor: heading text} of a docs page, and its title (the first level-1 heading)."""
    anchors, title, fenced = {}, "", False
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not line.startswith("#"):
            continue
        level = len(line) - len(line.lstrip("#"))
        text = line[level:].strip()
        if level == 1 and not title:
            title = text
        anchors.setdefault(slug(text), text)
    return anchors, title


def section(path, entry, target):
    """{"page", "anchor", "label"} of a docs-relative link 'folder/page.md#anchor', checked to exist."""
    page, _, anchor = target.partition("#")
    if page.startswith("/") or ".." in page or not page.endswith(".md") or not (DOCS / page).is_file():
        raise DataFileError(path, entry, f"sections 指向的页面不存在：{target}")
    anchors, title = headings(page)
    if anchor and anchor not in anchors:
        raise DataFileError(path, entry, f"sections 指向的小节不存在：{target}")
    label = title + (" · " + anchors[anchor] if anchor else "")
    return {"page": page, "anchor": anchor, "label": label}


def _reference_ids():
    raw = load_yaml(REFERENCES)
    records = raw.get("references", raw) if isinstance(raw, dict) else raw
    return {r.get("id") for r in records if isinstance(r, dict)}


def _check_terms(path, entry, point):
    groups = point["terms"]
    if len(groups) < 2 or any(
        not isinstance(g, list) or not g or any(not isinstance(t, str) or not rubric.normalise(t) for t in g)
        for g in groups
    ):
        raise DataFileError(path, entry, "terms 应为至少两组关键词，每组是非空的同义词列表")
    if point["need"] < 2 or point["need"] > len(groups):
        raise DataFileError(path, entry, f"need 应在 2 到 {len(groups)} 之间（一个词不足以说明覆盖了要点）")


def _check_question(path, case_id, question, refs_seen):
    entry = f"{case_id} / {question.get('id', '?') if isinstance(question, dict) else '?'}"
    check_fields(path, entry, question, QUESTION_FIELDS)
    if question["kind"] not in KINDS:
        raise DataFileError(path, entry, f"kind 应为 {', '.join(KINDS)} 之一")
    if not question["points"]:
        raise DataFileError(path, entry, "points 不能为空")
    if not question["mistakes"] or any(not isinstance(m, str) or not m for m in question["mistakes"]):
        raise DataFileError(path, entry, "mistakes 应为至少一条文字")
    ids, marks, elements = set(), 0, []
    for point in question["points"]:
        where = f"{entry} / {point.get('id', '?') if isinstance(point, dict) else '?'}"
        check_fields(path, where, point, POINT_FIELDS)
        if point["id"] in ids:
            raise DataFileError(path, where, "要点 id 重复")
        ids.add(point["id"])
        if point["marks"] < 1:
            raise DataFileError(path, where, "marks 应至少为 1")
        marks += point["marks"]
        _check_terms(path, where, point)
        if not point["sections"]:
            raise DataFileError(path, where, "sections 至少要有一个手册小节")
        point["sections"] = [section(path, where, s) for s in point["sections"]]
        refs_seen.update(s["page"] for s in point["sections"])
        if "element" in point:
            if point["element"] not in PLAN_ELEMENTS:
                raise DataFileError(path, where, f"element 应为 {'、'.join(PLAN_ELEMENTS)} 之一")
            elements.append(point["element"])
    if marks != question["marks"]:
        raise DataFileError(path, entry, f"各要点分值之和 {marks} 不等于本小题分值 {question['marks']}")
    if question["kind"] == "plan" and sorted(elements) != sorted(PLAN_ELEMENTS):
        raise DataFileError(path, entry, f"服务方案设计题的要点应各对应一个方案要素：{'、'.join(PLAN_ELEMENTS)}")
    if question["kind"] != "plan" and elements:
        raise DataFileError(path, entry, "只有服务方案设计题（kind: plan）的要点写 element")


def load_case(path):
    """One case file, checked; sections become {"page", "anchor", "label"}."""
    path = Path(path)
    case = load_yaml(path)
    entry = case.get("id", path.stem) if isinstance(case, dict) else path.stem
    check_fields(path, entry, case, CASE_FIELDS)
    if case["id"] != path.stem:
        raise DataFileError(path, entry, f"id 应与文件名一致（{path.stem}）")
    if case["chapter"] not in chapters():
        raise DataFileError(
            path, entry, f"chapter 应为 data/syllabus.yml 中 {PAPER} 的章节之一：{', '.join(chapters())}"
        )
    known = _reference_ids()
    for ref in case["sources"]:
        if ref not in known:
            raise DataFileError(path, entry, f"sources 里的文献 {ref!r} 不在 data/references.yml 中")
    questions = case["questions"]
    if not 3 <= len(questions) <= 4:
        raise DataFileError(path, entry, "每个案例应有 3–4 道小题")
    pages, ids = set(), set()
    for question in questions:
        _check_question(path, entry, question, pages)
        if question["id"] in ids:
            raise DataFileError(path, entry, f"小题 id 重复：{question['id']}")
        ids.add(question["id"])
    total = sum(q["marks"] for q in questions)
    if total != CASE_MARKS:
        raise DataFileError(
            path, entry, f"各小题分值之和应为 {CASE_MARKS}（真实试卷每道案例题 {CASE_MARKS} 分），实际 {total}"
        )
    return case


def load_all():
    """{id: case} for every data/cases/*.yml, in file-name order; read again only when a file changed."""
    files = sorted(CASES.glob("*.yml"))
    key = tuple((p.name, p.stat().st_mtime_ns) for p in files) + ((REFERENCES.stat().st_mtime_ns,),)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = {p.stem: load_case(p) for p in files}
    return _loaded[key]
