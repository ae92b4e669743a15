"""The foundation: Chinese search, no third-party requests, offline use, phone layout."""

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
DATA_ATTRIBUTE = re.compile(r"\s(data-[a-z][a-z0-9-]*)[\s=>]")

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


def page_kinds(site_dir):
    """{kind: [pages]}: pages whose content carries the same data attributes (Material's own aside) run the same
    scripts, so they make the same requests after their load event."""
    kinds = {}
    for path in sorted(site_dir.rglob("*.html")):
        names = set(DATA_ATTRIBUTE.findall(path.read_text(encoding="utf-8")))
        kinds.setdefault(frozenset(n for n in names if not n.startswith("data-md-")), []).append(path)
    return {kind: [p.relative_to(site_dir).as_posix() for p in paths] for kind, paths in kinds.items()}


def crawl(page, context, base_url, pages, idle):
    """Visit every page, waiting for the network to fall idle on the pages in `idle` and for the load event on the
    others; no request may leave the local server, and the server must have seen every page."""
    for rel in pages:
        page.goto(base_url + rel, wait_until="networkidle" if rel in idle else "load")
    assert context.requests.foreign() == []
    visited = {u.split("?")[0].split("#")[0] for u in context.requests.urls}
    assert all(base_url + rel in visited for rel in pages)
    print(f"crawled {len(pages)} pages ({len(idle)} to network idle), {len(context.requests.urls)} requests, all local")


def test_no_page_requests_another_host(page, context, base_url, site_dir):
    """Each page to its load event (every request its HTML and styles make); one page of each kind until the
    network is idle (what its scripts fetch afterwards: engine, specs, search index)."""
    kinds = page_kinds(site_dir)
    pages = sorted(rel for group in kinds.values() for rel in group)
    assert len(pages) > 40 and len(kinds) > 5
    crawl(page, context, base_url, pages, idle={group[0] for group in kinds.values()})


@pytest.mark.slow
def test_no_page_requests_another_host_once_the_network_is_idle(page, context, base_url, site_dir):
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    crawl(page, context, base_url, pages, idle=set(pages))


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
