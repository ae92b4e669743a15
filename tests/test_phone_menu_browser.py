"""The phone menu opens at the reader's own section (docs/assets/js/menu.js), so the pages next to this one are
one tap away and every page is reachable: from the exam section's index the 错题本 link is on screen (issue 23: a
walk through the menu looped 15 taps without reaching it)."""

import pytest

pytestmark = pytest.mark.browser

ON_SCREEN = """(name) => Array.from(document.querySelectorAll('.md-nav--primary a.md-nav__link')).some((el) => {
    if (!el.textContent.trim().startsWith(name)) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight) return false;
    const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return el.contains(at) || at === el;
})"""


def open_drawer(page):
    page.locator("label.md-header__button[for='__drawer']").click()
    page.wait_for_function("document.getElementById('__drawer').checked")


@pytest.mark.parametrize(
    "path, neighbour",
    [
        ("ethics/consent.html", "保密"),  # a sibling page of the same chapter
        ("exam/index.html", "错题本"),
        ("hospital/crisis.html", "出院计划"),
    ],
)
def test_drawer_opens_at_the_current_section(page, base_url, path, neighbour):
    page.goto(base_url + path)
    open_drawer(page)
    page.wait_for_function(ON_SCREEN, arg=neighbour, timeout=10000)


def test_the_next_page_is_one_tap_away_after_instant_navigation(page, base_url):
    page.goto(base_url + "exam/index.html")
    open_drawer(page)
    page.wait_for_function(ON_SCREEN, arg="错题本", timeout=10000)
    page.locator(".md-nav--primary a.md-nav__link", has_text="错题本").first.click()
    page.wait_for_url("**/exam/mistakes.html")
    open_drawer(page)
    page.wait_for_function(ON_SCREEN, arg="模拟考试", timeout=10000)
