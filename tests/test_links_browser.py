"""Links taken from input: one rule (assets/js/links.js) decides which ones a page may follow.

The corpus is what a crafted link to a colleague would try: other schemes, the same schemes split
or padded the way the browser's URL parser forgives, and hosts written so that a naive text check
reads them as paths. Issue 25's reproduction: offline.html?from=%09javascript:… made «重新打开刚才的页面»
run script that read the stored cases.
"""

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "\tjavascript:alert(1)",
    " javascript:alert(1)",
    "\x00javascript:alert(1)",
    "\x1fjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "javascript\t:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "blob:http://127.0.0.1/x",
    "//evil.example/x",
    "\\\\evil.example/x",
    "\\/evil.example/x",
    "/\\evil.example/x",
    "/\t/evil.example/x",
    " //evil.example/x",
    "https://evil.example/x",
    "http://evil.example/x",
    "https:evil.example/x",
    "http://127.0.0.1.evil.example/x",
    "ftp://127.0.0.1/x",
]
# Links that stay on the site (relative to its root, as the offline page gets them).
FRIENDLY = ["hospital/", "scales/phq9.html", "/scales/phq9.html#f", "scales/phq9.html?h=抑郁"]


def _safe_link(page, root, text, within=True):
    """links.safeLink as the page runs it, with `root` as the site's root."""
    return page.evaluate(
        "async ([text, root, within]) => (await import('/assets/js/links.js'))"
        ".safeLink(text, root, within ? root : null)",
        [text, root, within],
    )


@pytest.mark.browser
def test_hostile_links_are_refused(page, base_url):
    page.goto(base_url + "offline.html")
    refused = {text: _safe_link(page, base_url, text) for text in HOSTILE}
    assert refused == dict.fromkeys(HOSTILE)


@pytest.mark.browser
def test_site_links_are_followed_normalised(page, base_url):
    page.goto(base_url + "offline.html")
    assert _safe_link(page, base_url, FRIENDLY[0]) == base_url + "hospital/"
    assert _safe_link(page, base_url, FRIENDLY[1]) == base_url + "scales/phq9.html"
    assert _safe_link(page, base_url, FRIENDLY[2]) == base_url + "scales/phq9.html#f"
    assert _safe_link(page, base_url, FRIENDLY[3]).startswith(base_url + "scales/phq9.html?h=")
    # Encoded once more, the tab stays text: a path on this site (at worst «page not found»).
    assert _safe_link(page, base_url, "%09javascript:alert(1)") == base_url + "%09javascript:alert(1)"
    # Another handbook on the same host (another folder) is another site.
    assert _safe_link(page, base_url + "handbook/", "../other/", within=True) is None


@pytest.mark.browser
@pytest.mark.parametrize(
    "crafted", ["\tjavascript:document.body.textContent='pwned'", "\\\\evil.example/x", "//evil.example/x"]
)
def test_offline_page_retry_link_stays_on_site(page, base_url, crafted):
    """The reproduction: the retry link keeps its own target; a click never runs script or leaves."""
    page.goto(base_url + "offline.html?from=" + quote(crafted, safe=""))
    retry = page.locator("[data-offline-retry]")
    expect(page.locator("[data-offline-list] p, [data-offline-list]").first).to_be_attached()
    page.wait_for_function("() => document.querySelector('[data-offline-list] ul, [data-offline-list] p')")
    href = retry.evaluate("a => a.href")
    assert href == base_url + "index.html" or href == base_url
    retry.click()
    page.wait_for_load_state()
    assert page.url.startswith(base_url)
    assert "pwned" not in page.locator("body").inner_text()


@pytest.mark.browser
def test_offline_page_retry_link_follows_a_site_page(page, base_url):
    page.goto(base_url + "offline.html?from=" + quote("scales/phq9.html"))
    expect(page.locator("[data-offline-retry]")).to_have_attribute("href", base_url + "scales/phq9.html")
