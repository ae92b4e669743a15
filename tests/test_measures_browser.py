"""Saving calculator results to a case and the measurement view, in Chromium at phone width.

Expected numbers are worked out by hand: PHQ-9 totals are sums of the clicked answers (0–3 each),
and the verdicts follow Löwe et al. 2004 (Med Care 42:1194): an individual change of 5 points or
more on the 0–27 scale is the minimal clinically important difference; lower PHQ-9 is better.
"""

import json

import pytest
from playwright.sync_api import expect

from engine import contract
from tests.browser_helpers import CASES_KEY, wait_total

pytestmark = pytest.mark.browser
A = contract.ATTR
CASE = "肿瘤科-A"
# (date, answers, total): 9 × 2 = 18 with item 9 > 0; 5 × 2 + 3 × 1 + 1 = 14; 5 × 2 + 3 × 1 + 0 = 13.
MEASURES = [
    ("2026-01-05", {str(i): 2 for i in range(1, 10)}, "18"),
    ("2026-02-05", {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 1, "7": 1, "8": 1, "9": 1}, "14"),
    ("2026-03-05", {"1": 2, "2": 2, "3": 2, "4": 2, "5": 2, "6": 1, "7": 1, "8": 1, "9": 0}, "13"),
]


def answer(page, answers, total):
    root = page.locator(f"[{A['instrument']}='phq9']")
    for key, value in answers.items():
        root.locator(f"input[data-item='{key}'][value='{value}']").check()
    wait_total(page, "phq9", total)
    return root


def save_box(page):
    return page.locator(f"[{A['instrument']}='phq9'] [{A['measure_save']}]")


def stored_measures(page):
    return page.evaluate(
        "([key, label]) => (JSON.parse(localStorage.getItem(key) || '{}').cases?.[label]?.measures || []).length",
        [CASES_KEY, CASE],
    )


def save_three(page):
    page.goto(page.base_url + "scales/phq9.html")
    box = save_box(page)
    for number, (date, answers, total) in enumerate(MEASURES):
        answer(page, answers, total)
        if number == 0:
            # No case yet: the control offers a new one; the label passes the navigator's rules.
            expect(box.locator("select")).to_have_value("")
            box.locator("input[type='text']").fill(CASE)
        else:
            expect(box.locator("select")).to_have_value(CASE)
        box.locator("input[type='date']").fill(date)
        box.get_by_role("button", name="保存到个案").click()
        expect(box.locator("[role='status']")).to_have_text(
            f"已保存到个案“{CASE}”：{date}，总分 {total}（{band(total)}）。"
        )
        page.locator(f"[{A['instrument']}='phq9'] [{A['action']}='reset']").click()
    page.wait_for_function(
        "([key, label]) => JSON.parse(localStorage.getItem(key)).cases[label].measures.length === 3",
        arg=[CASES_KEY, CASE],
    )


def band(total):
    return {"18": "中重度", "14": "中度", "13": "中度"}[total]


def check_view(page):
    page.goto(page.base_url + "practice/measures.html")
    series = page.locator(f"[{A['measure_series']}='phq9']")
    expect(series).to_be_visible(timeout=60000)
    expect(page.locator("#hb-measures-case")).to_have_value(CASE)
    points = series.locator(f"[{A['measure_points']}]")
    expect(points).to_have_attribute(
        A["measure_points"],
        json.dumps(
            [
                {"date": "2026-01-05", "total": 18},
                {"date": "2026-02-05", "total": 14},
                {"date": "2026-03-05", "total": 13},
            ],
            separators=(",", ":"),
        ),
    )
    rows = series.locator("tbody tr")
    expect(rows).to_have_count(3)
    # 18 → 14: −4, below the 5-point MCID; 18 → 13: −5, exactly the MCID, an improvement.
    expect(rows.nth(0)).to_have_text("2026-01-0518 分（中重度）基线—第 9 题 > 0，需评估自杀风险")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("-4 分（未达阈值）")
    expect(rows.nth(2).locator("td").nth(1)).to_have_text("-5 分（达到阈值，好转）")
    expect(rows.nth(2).locator("td").nth(2)).to_have_text("-1 分（未达阈值）")
    expect(rows.nth(2).locator("td").nth(3)).to_have_text("—")
    summary = series.locator(f"[{A['measure_verdict']}]")
    expect(summary).to_have_attribute(A["measure_verdict"], "improved")
    expect(summary).to_contain_text("变化 -5 分；与上一次相比变化 -1 分")
    expect(summary).to_contain_text("为 5 分。与基线相比的变化达到阈值，属于有意义的好转")
    expect(series.locator(".hb-measures__source")).to_contain_text("Löwe B")
    # The chart library was loaded and drew one chart; nothing runs sideways on a phone.
    expect(series.locator(".hb-measures__chart canvas")).to_have_count(1)
    page.wait_for_function("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_three_phq9_scores_saved_to_a_case_are_charted_with_the_loewe_verdict(page, base_url):
    page.base_url = base_url
    save_three(page)
    check_view(page)


def test_a_refused_write_keeps_the_score_and_says_so(page, base_url):
    page.base_url = base_url
    save_three(page)
    page.add_init_script(
        "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page.goto(base_url + "scales/phq9.html")
    answer(page, MEASURES[2][1], "13")
    box = save_box(page)
    box.locator("select").select_option(CASE)
    box.get_by_role("button", name="保存到个案").click()
    expect(box.locator("[role='status']")).to_contain_text("未能保存到个案：浏览器为本站保留的存储空间已满")
    wait_total(page, "phq9", "13")
    assert stored_measures(page) == 3


def test_export_and_import_carry_the_measures(page, base_url, tmp_path):
    page.base_url = base_url
    save_three(page)
    page.goto(base_url + "practice/navigator.html")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出个案进度").click()
    exported = tmp_path / "cases.json"
    download.value.save_as(exported)
    saved = json.loads(exported.read_text(encoding="utf-8"))
    measures = saved["data"]["cases"][CASE]["measures"]
    assert [(m["date"], m["total"], m["version"]) for m in measures] == [
        ("2026-01-05", 18, "phq9-2001.1"),
        ("2026-02-05", 14, "phq9-2001.1"),
        ("2026-03-05", 13, "phq9-2001.1"),
    ]
    assert measures[0]["answers"] == {str(i): 2 for i in range(1, 10)}

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="清除全部个案进度").click()
    page.wait_for_function(f"Object.keys(JSON.parse(localStorage.getItem('{CASES_KEY}')).cases).length === 0")
    page.goto(base_url + "practice/measures.html")
    expect(page.locator(".hb-measures__status")).to_contain_text("本机还没有保存过测量记录")

    page.goto(base_url + "practice/navigator.html")
    page.set_input_files(".hb-cases__panel [data-data='import']", str(exported))
    page.wait_for_function(
        "document.querySelector('.hb-cases__panel .hb-data__message').textContent.includes('已导入')"
    )
    check_view(page)


def test_chart_library_is_served_but_not_precached_and_only_the_view_loads_it(site_dir):
    assert (site_dir / contract.ASSETS["chart_js"]).is_file()
    assert (site_dir / contract.ASSETS["chart_css"]).is_file()
    worker = (site_dir / "sw.js").read_text(encoding="utf-8")
    assert "assets/vendor/micropython/micropython.wasm" in worker
    assert "uplot" not in worker.lower()
    # handbook.js loads the view's script where the page holds the view (no inline script: the page policy).
    assert contract.FEATURES["measures"] == "assets/js/measures.js"
    assert contract.ATTR["measures"] in (site_dir / "practice/measures.html").read_text(encoding="utf-8")
    for page in ("scales/phq9.html", "practice/navigator.html", "index.html"):
        html = (site_dir / page).read_text(encoding="utf-8")
        assert "uplot" not in html.lower() and "measures.js" not in html, page


def test_a_damaged_saved_measure_is_set_aside_not_overwritten(page, base_url):
    damaged = {
        "format": 1,
        "current": CASE,
        "cases": {CASE: {"checklists": {}, "measures": [{"instrument": "phq9", "version": "x", "date": "2026-01-05"}]}},
    }
    raw = json.dumps(damaged, ensure_ascii=False)
    page.goto(base_url + "index.html")
    page.evaluate("([key, raw]) => localStorage.setItem(key, raw)", [CASES_KEY, raw])
    page.goto(base_url + "practice/measures.html")
    expect(page.locator(".hb-measures .hb-data__notice")).to_contain_text("第 1 条测量记录的总分无效")
    expect(page.locator(".hb-measures__status")).to_contain_text("本机还没有保存过测量记录")
    page.wait_for_function(
        "(raw) => Object.keys(localStorage).some((k) => k.includes(':quarantine') && localStorage.getItem(k) === raw)",
        arg=raw,
    )
