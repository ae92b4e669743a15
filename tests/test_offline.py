"""The offline copy: a small first download, pages kept as they are read, a fallback page, one build
at a time (a new one only when the reader asks for it) and no half-deployed build ever installed."""

import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from tools import offline, serve
from tools.browser import PHONE

FIRST_VISIT_BUDGET = 1_200_000  # bytes, gzip-compressed, as the first visit downloads them
CONTROLLED = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"


def shell(site_dir):
    text = (site_dir / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"const SHELL = (\{.*?\});", text).group(1))


def test_first_visit_download_is_small_and_only_what_the_chinese_site_uses(site_dir):
    files = shell(site_dir)
    report = offline.precache_report(site_dir)
    assert report["gzip_bytes"] <= FIRST_VISIT_BUDGET, report
    assert not [f for f in files if f.endswith(".map") or "/lunr/" in f or "pyodide" in f]
    # What the tools need offline is there: the runtime, the engine, every calculator and checklist.
    assert {
        "assets/vendor/micropython/micropython.wasm",
        "assets/engine/engine.json",
        "assets/engine/data/instruments/phq9.json",
        "assets/engine/data/checklists/intake.json",
        "scales/phq9.html",
        "practice/checklists/intake.html",
        "offline.html",
    } <= set(files)
    # Reading pages and the search index are not precached: the first download does not grow with the
    # chapters. A page loads the index once search is used; the worker then keeps it like any file.
    assert "casework/closing.html" not in files
    assert "search/search_index.json" not in (site_dir / "sw.js").read_text(encoding="utf-8")


def test_page_weight_does_not_carry_the_whole_navigation(site_dir):
    html = (site_dir / "casework/intake.html").read_text(encoding="utf-8")
    nav = html[html.index("md-sidebar--primary") : html.index("md-sidebar--secondary")]
    assert "casework/closing.html" in nav or "closing.html" in nav  # own chapter: every page
    assert "empathy.html" not in nav  # another chapter's pages: left out
    assert "interview/index.html" in nav  # ...but the chapter itself is one tap away


def new_context(browser):
    return browser.new_context(viewport=PHONE, locale="zh-CN")


def first_visit(ctx, url):
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_function(CONTROLLED, timeout=60000)
    return page


@pytest.mark.browser
def test_indicator_shows_once_the_offline_copy_is_ready(browser, base_url):
    ctx = new_context(browser)
    try:
        page = first_visit(ctx, base_url)
        expect(page.locator(".hb-offline-ready")).to_have_text("✓ 可离线使用", timeout=30000)
    finally:
        ctx.close()


@pytest.mark.browser
def test_read_pages_stay_and_unsaved_pages_get_the_fallback(browser, base_url):
    ctx = new_context(browser)
    try:
        page = first_visit(ctx, base_url)
        page.goto(base_url + "casework/closing.html")
        expect(page.locator("h1")).to_contain_text("结案")
        ctx.set_offline(True)
        page.goto(base_url + "casework/closing.html")
        expect(page.locator("h1")).to_contain_text("结案")
        page.goto(base_url + "interview/empathy.html")
        expect(page.locator("h1")).to_contain_text("此页尚未保存到本机")
        assert "offline.html?from=interview%2Fempathy.html" in page.url
        saved = page.locator("[data-offline-list] li a")
        expect(saved.first).to_be_visible(timeout=20000)
        titles = saved.all_inner_texts()
        assert any("结案" in t for t in titles) and not any("同理" in t for t in titles), titles
        assert page.locator("[data-offline-retry]").get_attribute("href").endswith("interview/empathy.html")
    finally:
        ctx.close()


@pytest.mark.browser
def test_save_whole_handbook_then_read_any_page_offline(browser, base_url, site_dir):
    catalogue = json.loads((site_dir / "assets/offline.json").read_text(encoding="utf-8"))
    ctx = new_context(browser)
    try:
        page = first_visit(ctx, base_url + "privacy.html")
        button = page.locator("[data-offline-save] button")
        expect(button).to_contain_text("保存整本手册供离线使用", timeout=20000)
        assert re.search(r"约 [\d.]+ (KB|MB)", button.inner_text())
        button.click()
        expect(page.locator("[data-offline-save] [role=status]")).to_contain_text("整本手册已保存", timeout=120000)
        ctx.set_offline(True)
        for entry in [p for p in catalogue["pages"] if not p["shell"]][::10]:
            page.goto(base_url + entry["url"])
            expect(page.locator("h1").first).not_to_contain_text("此页尚未保存到本机")
            assert "offline.html" not in page.url, entry
    finally:
        ctx.close()


@pytest.mark.browser
def test_calculator_never_opened_online_scores_offline(browser, base_url):
    """GAD-7's page and its spec file come from the offline copy: the worker fetches the spec through it."""
    from engine.contract import ATTR
    from tests.browser_helpers import offline_after_first_visit, wait_total

    with offline_after_first_visit(browser, base_url) as page:
        page.goto(base_url + "scales/gad7.html")
        for item in range(1, 8):  # seven items scored 0-3, summed: all "1" gives 7
            page.locator(f"[{ATTR['instrument']}='gad7'] input[{ATTR['item']}='{item}'][value='1']").check()
        wait_total(page, "gad7", "7")


@pytest.fixture
def copy_of_site(site_dir, tmp_path):
    """A served copy of the site that a test may redeploy."""
    target = tmp_path / "site"
    shutil.copytree(site_dir, target)
    server, url = serve.start(target)
    yield target, url
    server.shutdown()


def redeploy(site, bad_revision=None):
    """Publish a new build of the service worker; with bad_revision, its list names a file the server
    does not hold yet (a deploy that uploaded sw.js first)."""
    worker = site / "sw.js"
    text = worker.read_text(encoding="utf-8")
    old = re.search(r'const BUILD = "([0-9a-f]+)"', text).group(1)
    new = "f" * len(old) if old != "f" * len(old) else "e" * len(old)
    text = text.replace(f'const BUILD = "{old}"', f'const BUILD = "{new}"')
    if bad_revision:
        text = re.sub(rf'"{re.escape(bad_revision)}": "[0-9a-f]+"', f'"{bad_revision}": "0000000000000000"', text)
    worker.write_text(text, encoding="utf-8")
    return old, new


def controller_build(page):
    return page.evaluate("""() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data);
        navigator.serviceWorker.controller.postMessage('build', [channel.port2]);
    })""")


@pytest.mark.browser
def test_new_version_waits_for_the_reader_then_reloads_on_one_build(browser, copy_of_site):
    site, url = copy_of_site
    ctx = new_context(browser)
    try:
        page = first_visit(ctx, url + "scales/phq9.html")
        old, new = redeploy(site)
        assert controller_build(page) == old
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        prompt = page.locator(".hb-update")
        expect(prompt).to_have_text("新版本可用，点此刷新", timeout=60000)
        # Until the reader clicks, the page keeps running on its own build.
        assert controller_build(page) == old
        with page.expect_navigation(timeout=60000):
            prompt.click()
        page.wait_for_function(CONTROLLED)
        assert controller_build(page) == new
        expect(page.locator(".hb-update")).to_have_count(0)
    finally:
        ctx.close()


@pytest.mark.browser
def test_half_deployed_version_is_never_installed(browser, copy_of_site):
    site, url = copy_of_site
    ctx = new_context(browser)
    try:
        page = first_visit(ctx, url)
        old, _ = redeploy(site, bad_revision="assets/js/handbook.js")
        outcome = page.evaluate("""async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            await registration.update().catch(() => null);
            const worker = registration.installing || registration.waiting;
            if (!worker) return 'no update';
            if (worker.state === 'redundant') return 'redundant';
            return new Promise((resolve) => worker.addEventListener('statechange', () => {
                if (worker.state === 'redundant' || worker.state === 'installed') resolve(worker.state);
            }));
        }""")
        assert outcome == "redundant"
        assert controller_build(page) == old
        expect(page.locator(".hb-update")).to_have_count(0)
    finally:
        ctx.close()
