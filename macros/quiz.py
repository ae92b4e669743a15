"""Quiz pages: the practice, mock-exam and review roots the browser fills from the bank's bundle, the exam-label
macros and the bank's tables. The bank itself is loaded and checked in catalog/questions.py."""

import re

from catalog import syllabus
from catalog.chapters import load_chapters
from catalog.datafiles import DATA, DataFileError
from catalog.questions import SHAPES, check_papers, load_drills, load_exam, load_questions, paper_plans
from engine import contract
from macros.pages import page_src


def _root(kind, **attrs):
    extra = "".join(f' {contract.ATTR["quiz_" + k]}="{v}"' for k, v in attrs.items())
    return (
        f'<div class="hb-quiz" {contract.ATTR["quiz"]}="{kind}"{extra}>'
        '<p class="hb-quiz__loading">正在加载题目……</p>'
        "<noscript><p>练习需要 JavaScript。</p></noscript></div>\n"
    )


def _nav_titles(nav):
    """Nav titles may name a chapter as {chapter:<id>}: MkDocs builds the nav after the macros load, so the title
    is rendered here from data/syllabus.yml (an unknown id stops the build)."""
    for n, item in enumerate(nav or []):
        if isinstance(item, dict):
            for title, value in list(item.items()):
                new = re.sub(
                    r"\{chapter:([a-z0-9-]+)\}",
                    lambda m: syllabus.chapter(m.group(1), where="mkdocs.yml")["paper"]["short"],
                    title,
                )
                nav[n] = {new: _nav_titles(value) if isinstance(value, list) else value}
    return nav


def register(env):
    questions = load_questions()
    drills = load_drills()
    codes, papers = load_exam()
    check_papers(questions, drills)
    syllabus.check_chapter_numbers()
    if getattr(env, "conf", None) and env.conf.get("nav"):
        _nav_titles(env.conf["nav"])

    @env.macro
    def exam_box(cid):
        """The title of a 考点 box: `!!! exam "{{ exam_box('shiwu-medical') }}"`."""
        return f"考点 · {syllabus.chapter_label(cid, where=page_src(env))}"

    @env.macro
    def exam_chapter(cid, style="label"):
        """A chapter named in running text: label (paper and title), short (实务·医务社会工作), former (its number in
        the earlier edition, said as such) or title alone."""
        ch = syllabus.chapter(cid, where=page_src(env))
        if style == "short":
            return f"{ch['paper']['short']}·{ch['title']}"
        if style == "former":
            return syllabus.former_note(cid)
        if style == "title":
            return ch["title"]
        return syllabus.chapter_label(cid)

    @env.macro
    def exam_name():
        """The exam's current official name."""
        return syllabus.exam_name()

    @env.macro
    def exam_synonyms():
        """The exam's earlier names, kept so a reader who types them still finds the pages."""
        return "、".join(syllabus.load_syllabus()["exam"].get("synonyms", [])[:1])

    @env.macro
    def syllabus_note():
        """Which syllabus and textbooks the labels follow, how chapters are numbered, and the sources."""
        syl = syllabus.load_syllabus()
        ed = syl["syllabus"]
        lines = [
            f"本站的考点与题目标签依据{ed['edition']}（{ed['revised_by']}修订，{ed['published']} 在"
            f"{ed['publisher']}发布，{ed['applies_from']}起使用）和{ed['textbooks']}。{ed['numbering']}",
            "",
            "| 科目 | 本站覆盖的章节 | 旧版章序 |",
            "| --- | --- | --- |",
        ]
        for cid, ch in syl["chapters"].items():
            lines.append(f"| {ch['paper']['title']} | {ch['title']} | {syllabus.former_note(cid) or '—'} |")
        lines += ["", "新版大纲的主要变化：", ""] + [f"- {c}" for c in ed.get("changes", [])]
        lines += ["", "**来源**", ""]
        for src in syl["sources"]:
            note = f"<br><small>{src['note']}</small>" if src.get("note") else ""
            lines.append(f"- [{src['id']}] {src['text']}{note}")
        return "\n".join(lines) + "\n"

    @env.macro
    def practice_set(chapter):
        """Chapter practice: every question of one chapter, answered one at a time."""
        if chapter not in load_chapters():
            raise DataFileError(DATA / "questions", page_src(env), f"未知章节 {chapter}")
        return _root("practice", set=chapter)

    @env.macro
    def technique_drills():
        """All technique drills."""
        return _root("practice", set="drills")

    @env.macro
    def mock_exam():
        """The mock papers defined in data/exam.yml, drawn from the bank."""
        return _root("mock")

    @env.macro
    def mistakes_notebook():
        """The 错题本 with the questions due for review today."""
        return _root("review")

    @env.macro
    def bank_table():
        """Question counts per chapter and type, then per exam chapter code."""
        rows = ["| 章节 | 单选 | 多选 | 案例分析 | 合计 |", "| --- | --- | --- | --- | --- |"]
        for chapter, name in load_chapters().items():
            mine = [q for q in questions if q["chapter"] == chapter]
            if not mine:
                continue
            counts = [sum(q["type"] == t for q in mine) for t in SHAPES]
            rows.append(f"| {name} | {' | '.join(map(str, counts))} | {len(mine)} |")
        rows.append(f"| 技巧辨析（单选） | {len(drills)} | 0 | 0 | {len(drills)} |")
        rows += [
            "",
            "按考试科目与章节（`exam` 编号）：",
            "",
            "| 科目与章节 | 编号 | 单选 | 多选 | 案例分析 | 技巧辨析 | 合计 |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for code, record in codes.items():
            mine = [q for q in questions if q["exam"] == code]
            counts = [sum(q["type"] == t for q in mine) for t in SHAPES]
            drilled = sum(d["exam"] == code for d in drills)
            rows.append(
                f"| {record['label']} | `{code}` | {' | '.join(map(str, counts))} | {drilled} | {len(mine) + drilled} |"
            )
        return "\n".join(rows) + "\n"

    @env.macro
    def paper_table():
        """Each mock paper the page offers: items it holds against what one paper needs, and how many of its
        单选 are case questions (a scenario before the stem) or technique drills."""
        questions_by_id = {q["id"]: q for q in questions + drills}
        rows = ["| 试卷 | 单选 | 其中案例材料题 / 技巧辨析 | 多选 |", "| --- | --- | --- | --- |"]
        for paper in papers:
            for plan in paper_plans(paper, questions, drills):
                singles = plan["pool"]["single"] + plan["pool"]["drill"]
                cased = sum(bool(questions_by_id[i].get("scenario")) for i in plan["pool"]["single"])
                size = "每次抽 " if not plan["fixed"] else ""
                rows.append(
                    f"| {plan['name']} | {size}{plan['parts'][0]['count']} / {paper['single']}"
                    f"{'（题库 ' + str(len(singles)) + '）' if not plan['fixed'] else ''} | "
                    f"{cased if plan['fixed'] else '—'} / {len(plan['pool']['drill']) if plan['fixed'] else paper['drills']} | "
                    f"{plan['parts'][1]['count']} / {paper['multi']} |"
                )
        return "\n".join(rows) + "\n"
