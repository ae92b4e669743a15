"""Accessibility (keyboard-only use, labels, live regions) and privacy while tools are used; axe-core runs on one page of
every kind in tests/test_phone_pages.py."""

import pytest

from tests.browser_helpers import answer_key, engine_ready, settled, wired_checklist

pytestmark = pytest.mark.browser
SENTINEL = "隐私哨兵Q7"


def unlabeled_controls(page):
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            '.md-content input, .md-content select, .md-content textarea, .md-content button'))
        .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
        .map(el => el.outerHTML.slice(0, 120))""")


@pytest.mark.parametrize(
    "path",
    [
        "scales/phq9.html",
        "scales/zbi22.html",
        "scales/ssrs.html",
        "practice/navigator.html",
        "practice/case-record.html",
        "exam/drills.html",
    ],
)
def test_every_control_has_a_label(page, base_url, path):
    settled(page, path, base_url)
    assert unlabeled_controls(page) == []


def test_results_and_errors_are_announced(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    assert page.locator(".hb-calc__result[aria-live='polite']").count() == 1
    assert page.locator("[data-result='error'][role='alert']").count() == 1
    page.goto(base_url + "practice/checklists/intake.html")
    assert page.locator("[data-checklist-result][aria-live='polite']").count() == 1


def test_calculator_by_keyboard_alone(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page)
    page.locator("[data-instrument='phq9'] input").first.focus()
    for item in range(9):
        page.keyboard.press("ArrowDown" if item == 8 else "Space")  # item 9: move to "好几天" (1)
        page.keyboard.press("Tab")
    page.wait_for_function(
        "document.querySelector(\"[data-instrument='phq9'] [data-result='total']\").textContent === '1'"
    )
    assert page.locator("[data-flag-note='item9']").is_visible()


def test_checklist_by_keyboard_alone(page, base_url):
    page.goto(base_url + "practice/checklists/intake.html")
    page.locator("[data-checklist='intake'] [data-check]").first.focus()
    page.keyboard.press("Space")
    first = page.locator("[data-checklist='intake'] [data-check]").first
    assert first.is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.locator("[data-checklist='intake'] [data-check]").nth(1).is_checked()


def test_quiz_by_keyboard_alone(page, base_url, site_dir):
    keys = answer_key(site_dir)
    page.goto(base_url + "exam/drills.html")
    card = page.locator("[data-question-id]").first
    card.wait_for()
    right, _ = keys[card.get_attribute("data-question-id")]
    card.locator("input").first.focus()
    for _ in range(right[0]):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    while page.evaluate("document.activeElement.textContent.trim()") != "提交":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    card.locator(".hb-q__verdict").wait_for()
    assert "回答正确" in card.locator(".hb-q__verdict").inner_text()


def test_nothing_typed_leaves_the_device(context, page, base_url):
    requests = []
    context.on("request", lambda r: requests.append((r.url, r.post_data or "")))
    page.goto(base_url + "scales/cdrisc10.html")
    engine_ready(page)
    for key in range(1, 11):
        page.locator(f"[data-instrument='cdrisc10'] input[data-item='{key}']").fill("4")
    page.wait_for_function(
        "document.querySelector(\"[data-instrument='cdrisc10'] [data-result='total']\").textContent === '40'"
    )
    page.goto(base_url + "practice/navigator.html")
    wired_checklist(page)
    page.locator("textarea[data-field]").first.fill(SENTINEL)
    page.locator("[data-check]").first.check()
    page.fill("#hb-case-label", SENTINEL)
    page.get_by_role("button", name="新建并切换").click()
    page.goto(base_url + "exam/drills.html")
    card = page.locator("[data-question-id]").first
    card.wait_for()
    card.locator("input").first.check()
    page.get_by_role("button", name="提交").click()
    card.locator(".hb-q__verdict").wait_for()
    page.wait_for_load_state("networkidle")
    assert context.requests.foreign() == []
    assert requests and all(r[1] == "" for r in requests), "a page sent a request body"
    assert not [u for u, _ in requests if SENTINEL in u or "%E9%9A%90%E7%A7%81" in u]
