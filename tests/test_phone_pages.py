"""On a 390 px phone: boxes read at body size, the drawer reaches the main sections, the home page opens on search
and the ward links; axe on one page of every kind at two widths and in both palettes (nothing runs off the screen on any page: the walk over
every page in tests/test_every_page_browser.py)."""

import pytest

from tests.browser_helpers import serious_violations, settled
from tools.browser import DESKTOP, PHONE

pytestmark = pytest.mark.browser
MAIN_SECTIONS = ("手册", "量表计算器", "实务工具", "备考练习", "术语与文献")


@pytest.mark.parametrize(
    "path, box",
    [
        ("interview/empathy.html", ".admonition.abstract"),  # 30 秒速查
        ("casework/intake.html", ".admonition.abstract"),  # 提要
        ("scales/phq9.html", ".admonition.danger"),  # 警示
        ("casework/summary.html", ".admonition"),
    ],
)
def test_boxes_read_at_body_size(page, base_url, path, box):
    page.goto(base_url + path)
    sizes = page.evaluate(
        """(box) => {
        const body = getComputedStyle(document.querySelector('.md-content .md-typeset > p')).fontSize;
        const inside = getComputedStyle(document.querySelector(`.md-typeset ${box} p:not(.admonition-title)`)).fontSize;
        return [body, inside];
    }""",
        box,
    )
    assert sizes[0] == sizes[1]


def test_home_page_opens_on_search_and_the_ward_links(page, base_url):
    page.goto(base_url + "index.html")
    ward = page.locator(".md-content h2", has_text="病房速查")
    last_link = page.locator(".hb-paths__ward li a").last
    search = page.locator(".md-content label[for='__search']")
    for element in (ward, last_link, search):
        box = element.bounding_box()
        assert box and box["y"] + box["height"] <= PHONE["height"], element
    search.click()
    page.wait_for_function("document.getElementById('__search').checked")


@pytest.mark.parametrize("path", ["index.html", "casework/intake.html", "scales/phq9.html"])
def test_phone_drawer_shows_the_main_sections(page, base_url, path):
    page.goto(base_url + path)
    page.locator("label.md-header__button[for='__drawer']").click()
    page.wait_for_function("document.getElementById('__drawer').checked")
    # The drawer opens at the page's own section (menu.js); the back arrows lead to the main sections.
    for _ in range(3):
        back = page.locator(".md-nav--primary .md-nav__toggle:checked:not(#__toc) ~ nav > .md-nav__title:visible")
        if not back.count():
            break
        back.last.click()
    for name in MAIN_SECTIONS:
        page.wait_for_function(
            """(name) => Array.from(document.querySelectorAll('.md-nav--primary .md-nav__link'))
            .some((el) => {
                if (el.textContent.trim() !== name) return false;
                const r = el.getBoundingClientRect();
                if (r.width === 0 || r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight) return false;
                const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                return el.contains(at) || at === el;
            })""",
            arg=name,
            timeout=5000,
        )


# One page of every kind, for axe.
PAGES = [
    "index.html",
    "casework/index.html",
    "interview/empathy.html",
    "reference/glossary.html",
    "scales/index.html",
    "scales/phq9.html",
    "scales/zbi22.html",
    "scales/cdrisc25.html",  # score entry
    "practice/checklists/service_plan.html",
    "practice/checklists/closing.html",
    "practice/navigator.html",
    "exam/drills.html",
    "exam/mistakes.html",
    "exam/mock.html",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_axe_at_two_widths_in_both_palettes(browser, base_url, viewport, scheme):
    ctx = browser.new_context(viewport=viewport, color_scheme=scheme, service_workers="block", locale="zh-CN")
    page = ctx.new_page()
    found = {}
    for path in PAGES:
        settled(page, path, base_url)
        page.wait_for_function(
            "(s) => document.body.getAttribute('data-md-color-scheme') === s",
            arg="slate" if scheme == "dark" else "default",
        )
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    ctx.close()
    assert found == {}
