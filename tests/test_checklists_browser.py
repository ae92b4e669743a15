"""Checklists and the case navigator in Chromium: saved per case in this browser only, moved by file."""

import json

import pytest
from playwright.sync_api import expect

from engine import casework
from macros.checklists import load_all
from tests.browser_helpers import CASES_KEY, offline_after_first_visit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def specs():
    return load_all()


def first_items(spec, n):
    return [item["id"] for group in spec["groups"] for item in group["items"]][:n]


def checklist(page, cid):
    root = page.locator(f"[data-checklist='{cid}']").first
    root.wait_for()
    return root


def shows_decision(page, specs, cid, checks):
    """Wait until the page shows the decision CPython's engine gives for the same ticks."""
    expected = casework.evaluate(specs[cid], {"checks": checks, "fields": {}})
    page.wait_for_function("([cid, m]) => document.querySelector(`[data-checklist=${cid}] [data-checklist-result]`).textContent.includes(m)",
                           arg=[cid, expected["message"]], timeout=60000)
    return expected


def test_tick_reload_persists_and_decision_matches_engine(page, base_url, specs):
    page.goto(base_url + "practice/checklists/intake.html")
    root = checklist(page, "intake")
    root.locator("[data-check='outside_area']").check()
    shows_decision(page, specs, "intake", {"outside_area": True})
    page.reload()
    root = checklist(page, "intake")
    page.wait_for_function("document.querySelector(\"[data-check='outside_area']\").checked")
    assert not root.locator("[data-check='outside_scope']").is_checked()
    shows_decision(page, specs, "intake", {"outside_area": True})


def test_closure_helper_names_remaining_steps(page, base_url, specs):
    page.goto(base_url + "practice/checklists/closing.html")
    root = checklist(page, "closing")
    situation = next(i["id"] for g in specs["closing"]["groups"] for i in g["items"] if i.get("role") == "closing_situation")
    root.locator(f"[data-check='{situation}']").check()
    expected = shows_decision(page, specs, "closing", {situation: True})
    assert expected["missing"], "with no handling step done, steps must remain"
    assert expected["missing"][0] in root.locator("[data-checklist-result]").inner_text()


def navigator(page, base_url):
    page.goto(base_url + "practice/navigator.html")
    page.locator(".hb-cases__panel").wait_for()


def new_case(page, label):
    page.fill("#hb-case-label", label)
    page.get_by_role("button", name="新建并切换").click()


def test_cases_are_separate_and_id_numbers_refused(page, base_url, specs):
    navigator(page, base_url)
    new_case(page, "110101199003071234")
    expect(page.locator(".hb-cases__message")).to_contain_text("身份证号")
    new_case(page, "3床-A")
    item = first_items(specs["intake"], 1)[0]
    checklist(page, "intake").locator(f"[data-check='{item}']").check()
    new_case(page, "5床-B")
    assert not checklist(page, "intake").locator(f"[data-check='{item}']").is_checked()
    page.select_option("#hb-case-pick", "3床-A")
    page.wait_for_function(f"document.querySelector(\"[data-checklist='intake'] [data-check='{item}']\").checked")
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('{CASES_KEY}'))")
    assert stored["format"] == 1 and stored["cases"]["3床-A"]["checklists"]["intake"]["checks"][item] is True


def test_export_import_round_trip_clear_and_corrupt_refused(page, base_url, specs, tmp_path):
    navigator(page, base_url)
    new_case(page, "7床")
    root = checklist(page, "intake")
    item = first_items(specs["intake"], 1)[0]
    root.locator(f"[data-check='{item}']").check()
    root.locator("textarea[data-field='request_summary']").fill("希望申请大病救助")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出个案进度").click()
    exported = tmp_path / "cases.json"
    download.value.save_as(exported)
    saved = json.loads(exported.read_text(encoding="utf-8"))
    assert saved["kind"] == "cases" and saved["format"] == 1
    assert saved["data"]["cases"]["7床"]["checklists"]["intake"]["fields"]["request_summary"] == "希望申请大病救助"

    before = page.evaluate(f"localStorage.getItem('{CASES_KEY}')")
    for name, payload in [("bad.json", b"\x00\x01 not json"),
                          ("other.json", json.dumps({"app": "someone-else", "kind": "cases", "format": 1, "data": {}}).encode()),
                          ("newer.json", json.dumps(dict(saved, format=2)).encode())]:
        page.set_input_files(".hb-cases__panel [data-data='import']", files=[{"name": name, "mimeType": "application/json", "buffer": payload}])
        page.wait_for_function("document.querySelector('.hb-cases__panel .hb-data__message').textContent.includes('导入失败')")
        page.evaluate("document.querySelector('.hb-cases__panel .hb-data__message').textContent = ''")
        assert page.evaluate(f"localStorage.getItem('{CASES_KEY}')") == before, name

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="清除全部个案进度").click()
    page.wait_for_function(f"Object.keys(JSON.parse(localStorage.getItem('{CASES_KEY}')).cases).length === 0")
    assert not checklist(page, "intake").locator(f"[data-check='{item}']").is_checked()

    page.set_input_files(".hb-cases__panel [data-data='import']", str(exported))
    page.wait_for_function("document.querySelector('.hb-cases__panel .hb-data__message').textContent.includes('已导入')")
    page.select_option("#hb-case-pick", "7床")
    page.wait_for_function(f"document.querySelector(\"[data-checklist='intake'] [data-check='{item}']\").checked")
    assert checklist(page, "intake").locator("textarea[data-field='request_summary']").input_value() == "希望申请大病救助"


def test_checklist_works_offline_after_one_visit(browser, base_url, specs):
    with offline_after_first_visit(browser, base_url) as page:
        page.goto(base_url + "practice/checklists/intake.html")
        checklist(page, "intake").locator("[data-check='outside_scope']").check()
        shows_decision(page, specs, "intake", {"outside_scope": True})
