"""What a phone reader feels (issue 26): one engine call per answer, the newest answer's score shown,
every file a tool page preloads requested once, and a chapter page that asks for no search index until
the reader uses search."""

import collections
import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

from engine import contract
from tests.browser_helpers import engine_ready, result_of
from tools import serve
from tools.browser import PHONE

pytestmark = pytest.mark.browser

# Records what the page sends to the engine worker: requests carry {id, request: {fn, args}}.
COUNT_ENGINE_CALLS = """
    window.__engineCalls = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, ...rest) {
        if (message && message.request) window.__engineCalls.push(message.request);
        return post.call(this, message, ...rest);
    };
"""


def phq9_item(page, item, value):
    return page.locator(f"[data-instrument='phq9'] input[data-item='{item}'][value='{value}']")


def test_one_tap_sends_exactly_one_engine_call(context, page, base_url):
    context.add_init_script(COUNT_ENGINE_CALLS)
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page)
    expect(page.locator("[data-instrument='phq9'][data-engine='ready']")).to_be_visible(timeout=60000)
    before = page.evaluate("window.__engineCalls.length")
    phq9_item(page, 1, 2).check()
    # The PHQ-9 total is the sum of the item scores (Kroenke, Spitzer & Williams 2001); with eight items
    # unanswered the engine names them instead of a total, so wait for the missing-items line.
    expect(result_of(page, "phq9", "missing")).not_to_be_empty(timeout=60000)
    calls = [request["fn"] for request in page.evaluate("window.__engineCalls")[before:]]
    assert calls == ["view"], calls


@pytest.mark.parametrize(
    ("path", "first"),
    [
        ("scales/phq9.html", {"fn": "view", "args": ["phq9", {}]}),
        ("practice/checklists/intake.html", {"fn": "checklist", "args": ["intake", {}]}),
    ],
)
def test_a_tool_page_reads_its_spec_before_the_first_answer(context, page, base_url, path, first):
    """The spec the head hands over is read, and its module imported, while the page loads: its kind's first
    call, with nothing answered, goes to the engine before any script of the page asks anything."""
    context.add_init_script(COUNT_ENGINE_CALLS)
    page.goto(base_url + path)
    engine_ready(page)
    assert page.evaluate("window.__engineCalls")[0] == first


def test_the_newest_answer_is_the_one_shown(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page)
    for item in range(1, 10):
        phq9_item(page, item, 0).check()
    expect(result_of(page, "phq9", "total")).to_have_text("0", timeout=60000)
    # Three taps on item 1 without waiting: 3, then 1, then 2; the sum of the items is then 2.
    page.evaluate("""() => {
        for (const v of [3, 1, 2]) document.querySelector(`[data-instrument="phq9"] input[data-item="1"][value="${v}"]`).click();
    }""")
    expect(result_of(page, "phq9", "total")).to_have_text("2", timeout=60000)


class CountingHandler(serve.Handler):
    """The site's server, counting the requests that reach it (a request the browser answers from a
    preload or its cache never does)."""

    asked = collections.Counter()

    def log_request(self, code="-", size="-"):
        self.asked[self.path.split("?")[0]] += 1


@pytest.fixture
def counted_url(site_dir):
    CountingHandler.asked.clear()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(site_dir))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_a_tool_page_requests_each_file_once_and_its_spec_from_the_head(browser, counted_url):
    """The head preloads the scripts and names the instrument's spec, which engine.js fetches as it starts
    the worker and hands over with the engine bundle: nothing is asked for twice (the worker's own fetch
    of a file the page had loaded would be a second request)."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    page = ctx.new_page()
    page.goto(counted_url + "scales/phq9.html")
    engine_ready(page)
    phq9_item(page, 1, 0).check()
    expect(result_of(page, "phq9", "missing")).not_to_be_empty(timeout=60000)
    page.wait_for_load_state("networkidle")
    head = page.evaluate("""() => Array.from(document.head.querySelectorAll('link[rel=modulepreload]'),
        (l) => new URL(l.href).pathname)""")
    named = page.evaluate(f"document.querySelector('meta[name={contract.ENGINE_FILES_META}]').content.split(' ')")
    ctx.close()
    asked = CountingHandler.asked
    for wanted in ("/assets/engine/data/instruments/phq9.json", "/assets/engine/engine.json", "/assets/js/files.js"):
        assert asked[wanted] == 1, asked
    twice = [u for u, n in asked.items() if n > 1]
    assert not twice, twice
    for wanted in ("/assets/js/calculators.js", "/assets/js/files.js"):
        assert wanted in head, head
    assert "assets/engine/data/instruments/phq9.json" in named, named


def test_a_chapter_page_asks_for_the_search_index_only_once_search_is_used(context, page, base_url):
    index = base_url + "search/search_index.json"
    page.goto(base_url + "interview/empathy.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert index not in context.requests.urls
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    box.type("共情")
    box.press("End")  # Material listens to keyup; CJK typed by Playwright needs one more key.
    expect(page.locator(".md-search-result__item a[href*='interview/empathy.html']").first).to_be_attached(
        timeout=60000
    )
    assert context.requests.urls.count(index) == 1
