"""The foundation: Chinese search, offline use, phone layout (no third-party request from any page: the walk over
every page in tests/test_every_page_browser.py)."""

import contextlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser_helpers import WATCH_SEARCH, offline_after_first_visit, search_answered
from tools.browser import DESKTOP, PHONE

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"

# A key term, and the page that explains it; the term must be found through the search box.
SEARCH_TERMS = [
    ("同理", "interview/empathy.html"),
    ("对质", "interview/confrontation.html"),
    ("结案", "casework/closing.html"),
    ("转介", "casework/intake.html"),
    ("抗逆力", "support/resilience.html"),
    ("优势视角", "support/strengths.html"),
    ("姑息", "palliative/principles.html"),
]


def search(page, word, target):
    """The result links once Material's search worker has answered the whole word (tests.browser_helpers) and
    `target` is among them; on timeout, the links the box showed (the page draws the answer after it arrives)."""
    search_answered(page, word)
    found = """(target) => Array.from(document.querySelectorAll('.md-search-result__item a'), a => a.href)
                            .some(h => h.includes(target))"""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(found, arg=target, timeout=30000)
    return page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")


@pytest.fixture(scope="module")
def search_page(warm_page, base_url):
    """One home page for every term: the search index is built once, as a reader searching twice builds it."""
    warm_page.add_init_script(WATCH_SEARCH)
    warm_page.goto(base_url)
    return warm_page


@pytest.mark.parametrize("word, target", SEARCH_TERMS)
def test_search_finds_word_inside_sentences(search_page, word, target):
    hrefs = search(search_page, word, target)
    assert any(target in h for h in hrefs), f"搜索“{word}”的结果中没有 {target}：{hrefs[:10]}"


def test_works_offline_after_one_visit(browser, base_url):
    def search_once(page):
        # The search index is fetched the first time search is used, and kept for offline use from then on.
        page.add_init_script(WATCH_SEARCH)
        page.reload()
        search(page, "结案", "casework/closing.html")

    with offline_after_first_visit(browser, base_url, online=search_once) as page:
        # Tools are saved on the first visit; reading pages as they are read (tests/test_offline.py).
        page.goto(base_url + "practice/checklists/intake.html")
        expect(page.locator("[data-checklist='intake']")).to_have_count(1)
        hrefs = search(page, "同理", "interview/empathy.html")
        assert any("interview/empathy.html" in h for h in hrefs)


@pytest.mark.parametrize("name, path", [("home", ""), ("technique", "interview/empathy.html")])
def test_readable_at_phone_and_desktop_width(browser, base_url, name, path):
    SHOTS.mkdir(exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        ctx = browser.new_context(viewport=viewport, locale="zh-CN", service_workers="block")
        page = ctx.new_page()
        page.goto(base_url + path, wait_until="networkidle")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        ctx.close()
        assert overflow <= 0, f"{name} 在 {label} 宽度下横向溢出 {overflow}px"


def test_print_expands_collapsed_blocks_and_hides_navigation(page, base_url):
    page.goto(base_url + "conventions.html")
    page.evaluate("""() => { const d = document.createElement('details');
        d.innerHTML = '<summary>s</summary><p id="inside">hidden text</p>';
        document.querySelector('.md-content__inner').append(d); }""")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator("#inside")).to_be_visible()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()


def test_phone_drawer_reaches_every_main_section_from_a_chapter_page(page, base_url):
    """Navigation pruning leaves out other chapters' pages, never the way to them."""
    page.goto(base_url + "casework/intake.html")
    page.locator("label.md-header__button[for='__drawer']").click()
    # The drawer opens on the current chapter; its back arrows uncheck these toggles.
    page.evaluate(
        "document.querySelectorAll('.md-sidebar--primary input.md-nav__toggle').forEach((t) => { t.checked = false; })"
    )
    top = page.locator(".md-sidebar--primary .md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__link")
    expect(top.filter(has_text="量表计算器")).to_be_visible()
    titles = [t.strip() for t in top.all_inner_texts()]
    for section in ("首页", "手册", "量表计算器", "实务工具"):
        assert section in titles, titles
    top.filter(has_text="量表计算器").click()
    expect(page).to_have_url(re.compile(r"/scales/"))
