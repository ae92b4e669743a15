"""The hospital tools in Chromium: each page shows the decision CPython's engine gives for the same
ticks, and the PHQ-9 item-9 flag opens the crisis checklist."""

import re

import pytest
from playwright.sync_api import expect

from catalog.checklists import load_all
from tests.browser_helpers import shows_decision, wired_checklist

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def specs():
    return load_all()


def ids(spec, role):
    return [item["id"] for group in spec["groups"] for item in group["items"] if item.get("role") == role]


def tick(page, cid, item_ids):
    root = wired_checklist(page, cid)
    for item_id in item_ids:
        root.locator(f"[data-check='{item_id}']").check()
    return root


def wait_for_decision(page, specs, cid, item_ids):
    """Wait until the result area shows the engine's message for these ticks; return the expected result."""
    return shows_decision(page, specs[cid], cid, {i: True for i in item_ids})


def test_crisis_indicator_names_the_steps_not_done(page, base_url, specs):
    page.goto(base_url + "practice/checklists/crisis.html")
    root = tick(page, "crisis", ["says_ideation"])
    expected = wait_for_decision(page, specs, "crisis", ["says_ideation"])
    assert expected["level"] == "stop" and expected["missing"]
    result = root.locator("[data-checklist-result]")
    expect(result).to_have_attribute("data-level", "stop")
    expect(result.locator("li")).to_have_text(expected["missing"])
    steps = ids(specs["crisis"], "safety_step") + ids(specs["crisis"], "immediate_step")
    tick(page, "crisis", steps)
    expected = wait_for_decision(page, specs, "crisis", ["says_ideation"] + steps)
    assert expected["status"] == "follow_up"
    expect(result).to_have_attribute("data-level", "warn")


def test_discharge_with_a_risk_factor_asks_to_complete_the_plan(page, base_url, specs):
    page.goto(base_url + "practice/checklists/discharge.html")
    factor = ids(specs["discharge"], "risk_factor")[0]
    root = tick(page, "discharge", [factor])
    expected = wait_for_decision(page, specs, "discharge", [factor])
    assert expected["status"] == "incomplete_high_risk"
    expect(root.locator("[data-checklist-result]")).to_have_attribute("data-level", "stop")
    expect(root.locator("[data-checklist-result] li")).to_have_count(len(ids(specs["discharge"], "discharge_step")))


def test_resource_finder_lists_programmes_with_reasons(page, base_url, specs):
    page.goto(base_url + "practice/checklists/resources.html")
    ticked = ["insured_resident", "high_cost"]
    root = tick(page, "resources", ticked)
    expected = wait_for_decision(page, specs, "resources", ticked)
    assert expected["status"] == "found"
    expect(root.locator("[data-checklist-result] li")).to_have_text(expected["missing"])
    reasons = {p["title"]: p["reason"] for p in specs["resources"]["programmes"]}
    for line in expected["missing"]:
        assert reasons[line.split("：")[0]] in line


def test_phq9_item9_flag_opens_the_crisis_checklist(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    root = page.locator("[data-instrument='phq9']")
    for key in range(1, 10):
        root.locator(f"input[data-item='{key}'][value='{1 if key == 9 else 0}']").check()
    flag = root.locator("[data-flag-note='item9']")
    expect(flag).to_be_visible(timeout=60000)
    link = flag.locator("a")
    expect(link).to_have_text(re.compile("危机"))
    link.click()
    expect(page).to_have_url(re.compile(r"practice/checklists/crisis\.html(#.*)?$"))
    expect(page.locator("[data-checklist='crisis'] [data-check='phq9_item9']")).to_be_visible()
