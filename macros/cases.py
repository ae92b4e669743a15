"""Case-analysis practice pages (docs/exam/cases/): one page per case of data/cases/, and the list.

The page shows the scenario and the sub-questions with their answer boxes; the rubric and the model
answers travel as JSON in an attribute of the case's element (Material's instant navigation would
run a <script> block as code), which the case-practice script reads, and are drawn only after the
student submits. The sections each point teaches are also listed as Markdown links, so the strict
build checks every page and anchor.
"""

import html
import json

from catalog import cases as catalog
from engine import contract
from macros.links import relative
from macros.pages import needs_engine

ATTR = contract.ATTR
# Ruled answer lines printed per mark of a sub-question (classroom copies), within these bounds.
LINES_PER_MARK = 3
MIN_LINES, MAX_LINES = 6, 30
# Shown until the script takes over (and kept without JavaScript or when opened as a file).
NOT_RUNNING = (
    "作答框、计时和自评需要在网站上打开并启用 JavaScript（直接双击本地文件不能运行）；"
    "案例和题目可以照常阅读和打印。要在本机使用，请运行随附的本地服务器（python3 tools/serve.py site）。"
)


def _paragraphs(text):
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _site_url(sec):
    return sec["page"][:-3] + ".html" + (f"#{sec['anchor']}" if sec["anchor"] else "")


def _bundle(case):
    """What the script needs after 提交: the rubric, key terms, mistakes and model answers."""
    questions = []
    for q in case["questions"]:
        questions.append(
            {
                "id": q["id"],
                "kind": q["kind"],
                "marks": q["marks"],
                "points": [
                    {
                        "id": p["id"],
                        "text": p["text"],
                        "marks": p["marks"],
                        "terms": p["terms"],
                        "need": p["need"],
                        "sections": [{"href": _site_url(s), "label": s["label"]} for s in p["sections"]],
                    }
                    for p in q["points"]
                ],
                "mistakes": q["mistakes"],
                "model": q["model"],
            }
        )
    data = {"case": case["id"], "title": case["title"], "questions": questions}
    return html.escape(json.dumps(data, ensure_ascii=False), quote=True)


def _question(case, number, q):
    lines = max(MIN_LINES, min(MAX_LINES, LINES_PER_MARK * q["marks"]))
    box = f"hb-case-{case['id']}-{q['id']}"
    return (
        f'<section class="hb-case__q" {ATTR["case_question"]}="{q["id"]}">'
        f'<h3 class="hb-case__prompt"><span class="hb-case__num">{number}.</span> {html.escape(q["prompt"])}'
        f'<span class="hb-case__marks">（{q["marks"]} 分 · {catalog.KINDS[q["kind"]]}）</span></h3>'
        f'<label class="hb-case__label hb-noprint" for="{box}">我的作答</label>'
        f'<textarea id="{box}" class="hb-case__answer hb-noprint" rows="8" disabled '
        f'placeholder="正在准备作答框……"></textarea>'
        f'<div class="hb-case__lines" aria-hidden="true">{"<span></span>" * lines}</div>'
        f'<p class="hb-case__saved hb-noprint" aria-live="polite"></p>'
        f'<div class="hb-case__actions hb-noprint"></div>'
        f'<div class="hb-case__marking hb-noprint" aria-live="polite"></div>'
        "</section>"
    )


def case_paper(env, case_id):
    """The whole page body of one case: scenario, sub-questions, the clock, and the sections to revise."""
    case = catalog.load_all()[case_id]
    needs_engine(env)
    minutes = catalog.PAPER_MINUTES // catalog.PAPER_QUESTIONS
    questions = "".join(_question(case, i, q) for i, q in enumerate(case["questions"], 1))
    body = (
        f'<div class="hb-case" {ATTR["case_paper"]}="{case["id"]}" data-minutes="{minutes}" '
        f'{ATTR["case_data"]}="{_bundle(case)}">'
        f'<p class="hb-case__meta">{html.escape(" ".join(catalog.chapters()[case["chapter"]]))} · {html.escape(case["setting"])}'
        f" · 共 {catalog.CASE_MARKS} 分 · 建议用时 {minutes} 分钟</p>"
        f'<p class="hb-case__sheet">姓名：__________　日期：__________　得分：______ / {catalog.CASE_MARKS}</p>'
        f'<div class="hb-case__status hb-noprint" role="status">{NOT_RUNNING}</div>'
        f'<div class="hb-case__tools hb-noprint"></div>'
        f'<div class="hb-case__scenario">{_paragraphs(case["scenario"])}</div>'
        f"{questions}"
        "</div>"
    )
    seen, links = set(), []
    for q in case["questions"]:
        for p in q["points"]:
            for s in p["sections"]:
                target = s["page"] + (f"#{s['anchor']}" if s["anchor"] else "")
                if target not in seen:
                    seen.add(target)
                    links.append(f"- [{s['label']}]({relative(env, target)})")
    revise = (
        "\n\n## 本案涉及的手册小节\n\n案例和评分要点为本手册编写，要点依据下列小节（各小节注明了自己的来源）"
        "和本页末尾的参考来源；交卷评分后，每个要点下面也会列出讲它的小节。\n\n" + "\n".join(links) + "\n"
    )
    # The page's 参考来源 section, drawn by the same macro as every other page's.
    return body + revise + env.macros["sources"](*case["sources"])


def case_list(env):
    """A table of every case: title (linked), chapter, setting and the kinds of its sub-questions."""
    rows = ["| 案例 | 考试章节 | 场景 | 小题类型 |", "| --- | --- | --- | --- |"]
    for case in catalog.load_all().values():
        kinds = "、".join(dict.fromkeys(catalog.KINDS[q["kind"]] for q in case["questions"]))
        link = relative(env, f"exam/cases/{case['id']}.md")
        chapter = catalog.chapters()[case["chapter"]][1]
        rows.append(f"| [{case['title']}]({link}) | {chapter} | {case['setting']} | {kinds} |")
    return "\n".join(rows)


def case_report(env):
    """The place the score report is drawn (the case-practice script fills it from the engine's report)."""
    needs_engine(env)
    titles = {c["id"]: c["title"] for c in catalog.load_all().values()}
    data = html.escape(json.dumps({"titles": titles}, ensure_ascii=False), quote=True)
    return (
        f'<div class="hb-case-report" {ATTR["case_report"]} {ATTR["case_data"]}="{data}">'
        f'<p class="hb-case__status" role="status">{NOT_RUNNING}</p>'
        "</div>"
    )


def register(env):
    env.macro(lambda case_id: case_paper(env, case_id), "case_paper")
    env.macro(lambda: case_list(env), "case_list")
    env.macro(lambda: case_report(env), "case_report")
