"""Practice pages read on a 390 × 844 phone (issue 23): a pinned result panel takes at most 15 % of the screen, and
distinct pages have distinct titles (the 30 秒速查 card in the first screen and tables that never squeeze a column:
the walk over every page in tests/test_every_page_browser.py)."""

import re

import pytest

from tools.browser import PHONE

pytestmark = pytest.mark.browser
SCREEN = PHONE["height"]
PANEL_MAX = 0.15 * SCREEN


def built_pages(site_dir):
    return sorted(str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html") if p.name != "404.html")


def test_distinct_pages_have_distinct_titles(site_dir):
    titles = {}
    for path in built_pages(site_dir):
        html = (site_dir / path).read_text(encoding="utf-8")
        match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        if not match:
            continue
        title = re.sub(r"<[^>]+>|&para;", "", match.group(1)).strip()
        titles.setdefault(title, []).append(path)
    twins = {t: p for t, p in titles.items() if len(p) > 1}
    assert twins == {}
    assert "本章导读" not in titles


def test_pinned_panels_take_at_most_15_percent_of_the_screen(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    root = page.locator("[data-instrument='phq9']")
    for number in range(1, 10):  # 9 × 3 = 27, with the item-9 flag: the tallest PHQ-9 panel
        root.locator(f"input[data-item='{number}'][value='3']").check()
    result = root.locator(".hb-calc__result")
    page.wait_for_function(
        "() => document.querySelector(\"[data-instrument='phq9'] [data-flag-note='item9']\")?.offsetParent !== null",
        timeout=120000,
    )
    assert result.bounding_box()["height"] <= PANEL_MAX + 1
    page.goto(base_url + "practice/checklists/crisis.html")
    page.locator("[data-checklist='crisis'] [data-check='self_harm_now']").check()
    verdict = page.locator("[data-checklist='crisis'] [data-checklist-result]")
    page.wait_for_function(
        "() => document.querySelector(\"[data-checklist='crisis'] [data-checklist-result]\")?.dataset.level === 'stop'",
        timeout=30000,
    )
    verdict.locator("summary").click()
    assert verdict.bounding_box()["height"] <= PANEL_MAX + 1
