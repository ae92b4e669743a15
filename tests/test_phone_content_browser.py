"""Practice pages read on a 390 × 844 phone (issue 23): the 30 秒速查 card starts in the first screen, a table never
squeezes a column to one character per line (it scrolls inside its box instead), a pinned result panel takes at
most 15 % of the screen, and distinct pages have distinct titles."""

import re

import pytest

from tools.browser import PHONE

pytestmark = pytest.mark.browser
SCREEN = PHONE["height"]
PANEL_MAX = 0.15 * SCREEN

# For one page: where the quick card starts, and every table cell narrower than four characters of its own text.
LAYOUT = """() => {
  const card = Array.from(document.querySelectorAll('.md-content .admonition'))
    .find((box) => box.querySelector('.admonition-title')?.textContent.trim() === '30 秒速查');
  const narrow = [];
  for (const cell of document.querySelectorAll('.md-content table:not([class]) th, .md-content table:not([class]) td')) {
    if (cell.textContent.trim().length < 4) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 4 * parseFloat(style.fontSize)) narrow.push(`${cell.textContent.trim().slice(0, 8)} ${Math.round(inner)}px`);
  }
  return {card: card ? card.getBoundingClientRect().top + scrollY : null, narrow};
}"""


def built_pages(site_dir):
    return sorted(str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html") if p.name != "404.html")


def pages_with_cards_or_tables(site_dir):
    """Only pages that have something to measure are opened (the walk is long on a loaded machine)."""
    out = []
    for path in built_pages(site_dir):
        html = (site_dir / path).read_text(encoding="utf-8")
        if "30 秒速查" in html or "<table>" in html:
            out.append(path)
    return out


def test_quick_card_in_first_screen_and_no_one_character_columns(browser, base_url, site_dir):
    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN")
    ctx.route("**/*.wasm", lambda route: route.abort())  # layout only
    page = ctx.new_page()
    late, narrow, cards = {}, {}, 0
    for path in pages_with_cards_or_tables(site_dir):
        page.goto(base_url + path, wait_until="domcontentloaded")
        found = page.evaluate(LAYOUT)
        if found["card"] is not None:
            cards += 1
            if found["card"] >= SCREEN:
                late[path] = round(found["card"])
        if found["narrow"]:
            narrow[path] = found["narrow"][:3]
    ctx.close()
    assert cards >= 20, "the practice pages carry a 30 秒速查 card"
    assert late == {}, f"30 秒速查 starts below the first {SCREEN} px screen"
    assert narrow == {}, "table columns squeezed below four characters"


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
