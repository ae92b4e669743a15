"""The Content-Security-Policy (tools/csp.py): no inline script is left, an injected one does not run, and the
Python engine still runs under it, as a <meta> and as the server header docs/offline.md gives (every page carries
it and breaks none of it: the walk over every page in tests/test_every_page_browser.py)."""

import functools
import http.server
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import result_of
from tests.conftest import built_site
from tools import csp, serve
from tools.browser import PHONE

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
# Reported to the test from inside the page, on every page the context opens.
LISTEN = """document.addEventListener("securitypolicyviolation", (e) =>
  window.hbViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`));"""


def _watch(context):
    seen = []
    context.expose_function("hbViolation", lambda text: seen.append(text))
    context.add_init_script(LISTEN)
    return seen


@pytest.fixture
def enforced(browser):
    """A context with the policy in force (tools/browser.py has others bypass it)."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN", bypass_csp=False)
    yield ctx
    ctx.close()


def test_no_inline_script_is_left(site_dir):
    """Every script a page runs is a file of the site (data blocks like Material's config stay)."""
    inline = []
    for path in site_dir.rglob("*.html"):
        for match in csp.SCRIPT.finditer(path.read_text(encoding="utf-8")):
            attrs = match.group(1)
            if not csp.SRC.search(attrs) and 'type="application/json"' not in attrs:
                inline.append(path.relative_to(site_dir).as_posix())
    assert not inline, inline[:5]


def test_policy_refuses_an_injected_inline_script(enforced, base_url):
    """The policy is in force, not just written: script put into the page by hand does not run."""
    page = enforced.new_page()
    page.goto(base_url + "index.html")
    ran = page.evaluate(
        """() => { window.hbRan = false; const s = document.createElement("script");
        s.textContent = "window.hbRan = true"; document.body.append(s); return window.hbRan; }"""
    )
    assert ran is False


def test_policy_allows_no_inline_script_and_no_eval():
    scripts = next(d for d in csp.POLICY.split("; ") if d.startswith("script-src"))
    assert scripts == "script-src 'self' 'wasm-unsafe-eval'"
    assert "object-src 'none'" in csp.POLICY and "base-uri 'self'" in csp.POLICY and "form-action 'self'" in csp.POLICY


def test_the_deployment_guide_gives_the_same_policy_as_a_header():
    guide = (ROOT / "docs" / "offline.md").read_text(encoding="utf-8") + (ROOT / "docs" / "contributing.md").read_text(
        encoding="utf-8"
    )
    assert csp.HEADER in guide


class _PolicyHandler(serve.Handler):
    """The site served as an intranet server configured by the guide would (the header reaches the worker)."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", csp.HEADER)
        super().end_headers()


@pytest.fixture(scope="module", params=["micropython", "pyodide"])
def header_url(request):
    site = built_site(request.param)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PolicyHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_engine_scores_under_the_server_header(browser, header_url):
    """Both Python runtimes start and score with the header policy on the page and on the worker."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN", bypass_csp=False)
    seen = _watch(ctx)
    page = ctx.new_page()
    try:
        page.goto(header_url + "scales/phq9.html")
        root = page.locator("[data-instrument='phq9']")
        for item in root.locator("fieldset").all():
            item.locator("input").first.check()
        # expect(), not wait_for_function: under the header Playwright's own string evaluation is refused too.
        expect(result_of(page, "phq9", "total")).to_have_text("0", timeout=120000)
        assert not seen, seen[:5]
    finally:
        ctx.close()
