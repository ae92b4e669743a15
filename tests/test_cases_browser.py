"""Case-analysis practice in Chromium (MicroPython): the rubric goldens through the page's engine,
drafts that survive reload and navigation, a whole case done on a 390 px phone, stored data that
cannot be read is never overwritten, and the printed paper."""

import json

import pytest
from playwright.sync_api import expect

from catalog import cases
from engine import contract
from tests import golden_walker

pytestmark = pytest.mark.browser
CASE = "ward-dispute"
PAPER = f"[{contract.ATTR['case_paper']}='{CASE}']"
KEY = f"{contract.SITE}:/:{contract.STORES['case_practice']}"


def open_case(page, base_url, case=CASE):
    page.goto(f"{base_url}exam/cases/{case}.html")
    page.wait_for_function(
        "sel => document.querySelector(sel)?.dataset.ready === 'true'",
        arg=f"[{contract.ATTR['case_paper']}='{case}']",
        timeout=120000,
    )


def question(page, qid):
    return page.locator(f"{PAPER} [{contract.ATTR['case_question']}='{qid}']")


def stored(page):
    return page.evaluate("key => JSON.parse(localStorage.getItem(key))", KEY)


def test_rubric_goldens_through_the_page_engine(page, base_url):
    """The same golden files as the CPython walker, answered by the browser's engine."""
    open_case(page, base_url)
    walk = [w for w in golden_walker.cases() if w[1]["fn"] in ("rubric_precheck", "rubric_total", "case_practice_step")]
    assert len(walk) >= 15
    replies = page.evaluate(
        """async (requests) => {
        const { call } = await import(new URL("assets/js/engine.js", window.handbookRoot).href);
        const out = [];
        for (const { fn, args } of requests) {
            try { out.push({ ok: await call(fn, ...args) }); } catch (e) { out.push({ error: e.message }); }
        }
        return out;
    }""",
        [request for _, request, _ in walk],
    )
    for (where, _, case), reply in zip(walk, replies, strict=True):
        golden_walker.check(f"micropython {where}", case, reply)


def test_drafts_survive_reload_and_navigation(page, base_url):
    open_case(page, base_url)
    q1, q3 = question(page, "q1"), question(page, "q3")
    q1.locator("textarea").fill("家属情绪激动，父亲突然病危。")
    expect(q1.locator(".hb-case__saved")).to_have_text("已保存在本机", timeout=30000)
    q3.locator("textarea").fill("说明身份，诚实，不评价医疗过错。")
    expect(q3.locator(".hb-case__saved")).to_have_text("已保存在本机", timeout=30000)
    page.reload()
    open_case(page, base_url)
    expect(question(page, "q1").locator("textarea")).to_have_value("家属情绪激动，父亲突然病危。")
    expect(question(page, "q3").locator("textarea")).to_have_value("说明身份，诚实，不评价医疗过错。")
    # Leave for the list of cases, and come back by its link (the site's instant navigation).
    page.goto(f"{base_url}exam/cases/index.html")
    page.locator(f".md-typeset table a[href$='{CASE}.html']").click()
    page.wait_for_function("sel => document.querySelector(sel)?.dataset.ready === 'true'", arg=PAPER, timeout=120000)
    expect(question(page, "q1").locator("textarea")).to_have_value("家属情绪激动，父亲突然病危。")


def test_a_whole_case_on_a_phone_without_sideways_scroll(page, base_url):
    data = cases.load_all()[CASE]
    open_case(page, base_url)
    assert page.viewport_size["width"] == 390
    for q in data["questions"]:
        section = question(page, q["id"])
        expect(section.locator(".hb-case__key")).to_have_count(0)  # no model answer before marking
        section.locator("textarea").fill(q["model"])
        section.get_by_role("button", name="提交本题").click()
        expect(section.locator(".hb-case__point")).to_have_count(len(q["points"]))
        expect(section.locator(".hb-case__note").first).to_contain_text("不是评分")
        expect(section.locator(".hb-case__key")).to_have_count(0)  # still hidden until the marks are confirmed
        # The student overrides the first suggestion (unticks it) and confirms; the engine totals the ticks.
        boxes = section.locator(".hb-case__point input")
        boxes.first.uncheck()
        earned = sum(p["marks"] for i, p in enumerate(q["points"]) if boxes.nth(i).is_checked())
        full = sum(p["marks"] for p in q["points"])
        section.get_by_role("button", name="确认得分").click()
        expect(section.locator(".hb-case__total")).to_contain_text(f"自评 {earned} / {full} 分")
        expect(section.locator(".hb-case__key")).to_contain_text("参考答案")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"页面横向溢出：{width}px"
    results = stored(page)["results"][CASE]
    assert set(results) == {q["id"] for q in data["questions"]}
    assert all(q["points"][0]["id"] not in results[q["id"]]["covered"] for q in data["questions"])
    # The report on the index page names the kinds that lost points.
    page.goto(f"{base_url}exam/cases/index.html")
    page.wait_for_function(
        "sel => document.querySelector(sel)?.dataset.ready === 'true'",
        arg=f"[{contract.ATTR['case_report']}]",
        timeout=120000,
    )
    table = page.locator(".hb-case__report table")
    for kind in {q["kind"] for q in data["questions"]}:
        expect(table).to_contain_text(cases.KINDS[kind])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_unreadable_store_is_kept_and_not_overwritten(page, base_url):
    page.goto(f"{base_url}exam/cases/index.html")
    damaged = json.dumps(
        {"format": 1, "drafts": {}, "results": {"x": {"q1": {"kind": "needs", "points": 9, "max": 6}}}}
    )
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [KEY, damaged])
    open_case(page, base_url)
    expect(page.locator(f"{PAPER} .hb-case__status")).to_contain_text("不会保存新的草稿")
    section = question(page, "q1")
    section.locator("textarea").fill("新的草稿")
    section.locator("textarea").blur()
    expect(section.locator(".hb-case__saved")).to_contain_text("原内容没有改动", timeout=30000)
    assert page.evaluate("key => localStorage.getItem(key)", KEY) == damaged


def test_printed_case_has_ruled_answer_space_and_no_answer_key(page, base_url):
    open_case(page, base_url)
    page.emulate_media(media="print")
    lines = question(page, "q2").locator(".hb-case__lines span")
    expect(lines.first).to_be_visible()
    assert lines.count() >= 6
    expect(question(page, "q2").locator("textarea")).to_be_hidden()
    expect(page.locator(f"{PAPER} .hb-case__tools")).to_be_hidden()
    expect(page.locator(f"{PAPER} .hb-case__sheet")).to_contain_text("姓名")


def test_import_brings_in_results_and_refuses_other_files(page, base_url):
    page.goto(f"{base_url}exam/cases/index.html")
    page.wait_for_function(
        "sel => document.querySelector(sel)?.dataset.ready === 'true'",
        arg=f"[{contract.ATTR['case_report']}]",
        timeout=120000,
    )
    status = page.locator(f"[{contract.ATTR['case_report']}] .hb-case__status")
    other = {"app": contract.APP, "kind": "exam-progress", "format": 1, "data": {}}
    page.locator(".hb-case__import").set_input_files(
        files=[{"name": "exam.json", "mimeType": "application/json", "buffer": json.dumps(other).encode()}]
    )
    expect(status).to_contain_text("导入失败，已保存的内容没有改动")
    result = {"kind": "ethics", "points": 2, "max": 6, "covered": ["p1"], "date": "2026-12-05"}
    envelope = {
        "app": contract.APP,
        "kind": contract.CASE_PRACTICE["kind"],
        "format": 1,
        "data": {"format": 1, "drafts": {}, "results": {CASE: {"q3": result}}},
    }
    page.locator(".hb-case__import").set_input_files(
        files=[{"name": "cases.json", "mimeType": "application/json", "buffer": json.dumps(envelope).encode()}]
    )
    expect(status).to_contain_text("已导入 1 条小题成绩")
    expect(page.locator(".hb-case__report table")).to_contain_text("伦理困境")
    assert stored(page)["results"][CASE]["q3"]["points"] == 2
