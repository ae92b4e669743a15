"""One build at a time (issue 25): while a new build waits for «新版本可用，点此刷新», every page the
reader opens comes from the build whose scripts are running; only the click switches, and then the
page the reader had asked for opens on the new build."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from tools import offline, serve
from tools.browser import PHONE

pytestmark = pytest.mark.browser
CONTROLLED = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"
# A chapter page neither precached nor visited before the second build is deployed.
UNCACHED = "casework/closing.html"
BUILD = re.compile(r'<meta name="hb-build" content="([0-9a-f]+)">')


@pytest.fixture
def live_site(site_dir, tmp_path):
    target = tmp_path / "site"
    shutil.copytree(site_dir, target)
    server, url = serve.start(target)
    yield target, url
    server.shutdown()


def deploy_second_build(site):
    """A real second build, cheaply: one page's text changes and the offline step runs again, so every
    page carries the new build id and sw.js lists the new build's files."""
    page = site / UNCACHED
    page.write_text(
        page.read_text(encoding="utf-8").replace("</article>", "<p>第二版</p></article>", 1), encoding="utf-8"
    )
    return offline.write(site)["build"]


def shown_build(page):
    return page.evaluate("document.querySelector('meta[name=\"hb-build\"]').content")


def test_uncached_page_waits_for_the_click_then_opens_on_the_new_build(browser, live_site):
    site, url = live_site
    first = BUILD.search((site / "index.html").read_text(encoding="utf-8")).group(1)
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(url + "scales/phq9.html")
        page.wait_for_function(CONTROLLED, timeout=60000)
        second = deploy_second_build(site)
        assert second != first
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        prompt = page.locator(".hb-update")
        expect(prompt).to_have_text("新版本可用，点此刷新", timeout=60000)
        # The reproduction: a page not yet cached, opened while the update waits.
        page.goto(url + UNCACHED)
        assert shown_build(page) == first
        assert "第二版" not in page.content()
        expect(page.locator("[data-offline-newer]")).to_be_visible()
        prompt = page.locator(".hb-update")
        expect(prompt).to_be_visible(timeout=60000)
        with page.expect_navigation(url=url + UNCACHED, timeout=60000):
            prompt.click()
        assert shown_build(page) == second
        expect(page.locator("article")).to_contain_text("第二版")
    finally:
        ctx.close()
