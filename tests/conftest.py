"""Shared fixtures (the built site, a local server for it, Debian Chromium via Playwright) and the suite's tiers.

Tiers (see the Makefile and docs/contributing.md):
- `make check`: everything that needs no browser, builds no copy of the handbook and is not slow
  (`-m "not browser and not build and not slow"`), under a minute;
- `make test`: everything but the slow tier (`-m "not slow"`), the README's command that CI runs;
- `make test-slow`: the slow tier (`-m slow`) and the long hypothesis profile, before a release.

A test that uses a browser fixture is marked `browser` here, so a new file cannot land in the fast tier by
forgetting the marker. A parametrized case that passes without checking anything fails (see
`pytest_runtest_call` below): a case list that outgrew what it checks is a broken test, not a green one.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

# The helpers' asserts report what they compared, and count as checks of the case that called them.
pytest.register_assert_rewrite("tests.golden_walker", "tests.browser_helpers")

from hypothesis import HealthCheck, settings  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tools import serve  # noqa: E402
from tools.browser import PHONE, TEST_CHROMIUM, launch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# A loaded CI machine runs the engine in a worker far slower than an idle one: every expect() waits up to 30 s
# for the state it asserts (it returns as soon as the state holds).
expect.set_options(timeout=30_000)
# Hypothesis fails an example that takes over 200 ms by default: on a loaded machine that is the machine, not
# the engine. Property tests check results, not speed (the benchmark measures speed). `make test` runs a small
# sample on every commit; `make test-slow` passes --hypothesis-profile=release for the long one.
PROFILES = {"loaded-machine": 50, "release": 600}
for _name, _examples in PROFILES.items():
    settings.register_profile(
        _name, max_examples=_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "loaded-machine"))

BROWSER_FIXTURES = {"browser", "context", "page"}


def pytest_report_header():
    return f"browser tests run in {TEST_CHROMIUM}"


def pytest_collection_modifyitems(items):
    for item in items:
        # A parameter that happens to be called `page` (a Markdown page, say) is not the browser fixture.
        params = set(getattr(item, "callspec", None).params) if hasattr(item, "callspec") else set()
        if BROWSER_FIXTURES & (set(item.fixturenames) - params) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


# Checks made by the running test: asserts that held (counted by pytest's assertion rewriting in test modules and
# the helpers above) and pytest.raises blocks. Browser tests are left out: they check by waiting for a state
# (expect(), wait_for_function), and a case that waits for nothing still had to load its page.
_checks = {"count": 0}


def pytest_assertion_pass(item, lineno, orig, expl):
    _checks["count"] += 1


def _counting(function):
    def counted(*args, **kwargs):
        _checks["count"] += 1
        return function(*args, **kwargs)

    counted.__wrapped__ = function
    return counted


pytest.raises = _counting(pytest.raises)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    _checks["count"] = 0
    outcome = yield
    parametrized = getattr(item, "callspec", None) is not None
    if outcome.excinfo is None and parametrized and _checks["count"] == 0 and not item.get_closest_marker("browser"):
        message = f"{item.nodeid}：这组参数没有检查任何东西（一条断言也没有执行），应从参数表中去掉或改写"
        outcome.force_exception(pytest.fail.Exception(message, pytrace=False))


_MADE = set()


def built_site(runtime):
    """The site built for the given Python runtime. The default build is made by `make test`; the other runtime's
    site is made from it once per test session by swapping the runtime (tests/site_variants.py), so it never
    lags behind the sources."""
    site = ROOT / "site"
    if not (site / "index.html").exists():
        pytest.fail(f"{site} 未构建：请用 make test 运行测试")
    if runtime == "micropython":
        return site
    # Each pytest-xdist worker makes its own copy: another worker may be serving its copy at that moment.
    directory = ROOT / f"site-{runtime}{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    if runtime not in _MADE:
        from tests.site_variants import swap_runtime

        _MADE.add(runtime)
        swap_runtime(site, directory, runtime)
    return directory


@pytest.fixture(scope="session")
def site_dir():
    return built_site("micropython")


@pytest.fixture(scope="session")
def base_url(site_dir):
    server, url = serve.start(site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p, TEST_CHROMIUM)
        yield chromium
        chromium.close()


class Requests:
    """Every request a browser context made; `foreign()` lists those not sent to the local server."""

    def __init__(self, base_url):
        self.local = urlparse(base_url).netloc
        self.urls = []

    def record(self, request):
        self.urls.append(request.url)

    def foreign(self):
        return [u for u in self.urls if urlparse(u).scheme not in ("data", "blob") and urlparse(u).netloc != self.local]


def phone_context(browser, base_url):
    """A phone-sized context without service workers that records every request it makes."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN")
    ctx.requests = Requests(base_url)
    ctx.on("request", ctx.requests.record)
    return ctx


@pytest.fixture
def context(browser, base_url):
    """A fresh phone context, for tests that change the context itself (routes, scripts, permissions) or count
    what a first visit requests. A test that asks for it gets its `page` in it."""
    ctx = phone_context(browser, base_url)
    yield ctx
    ctx.close()


def wipe(ctx):
    """Delete everything the site stored in `ctx` (local storage, IndexedDB, caches, cookies) on every origin
    its pages asked for since the last wipe; the browser's HTTP cache stays."""
    origins = {f"{u.scheme}://{u.netloc}" for u in map(urlparse, ctx.requests.urls) if u.scheme in ("http", "https")}
    for origin in sorted(origins):
        ctx.wiper.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    ctx.requests.urls.clear()


@pytest.fixture
def page(request):
    """A new tab with nothing saved. In the module's shared context (the site's storage wiped after each test)
    so a test does not pay for a cold browser profile: pages, scripts and the engine's WebAssembly come from
    the HTTP cache, as on a reader's second visit. In a fresh context when the test asks for `context`."""
    if "context" in request.fixturenames:
        yield request.getfixturevalue("context").new_page()
        return
    ctx = request.getfixturevalue("tab_context")
    tab = ctx.new_page()
    yield tab
    tab.close()
    wipe(ctx)


@pytest.fixture(scope="module")
def tab_context(browser, base_url):
    """The phone context of a module's `page` tests. Its wiper is a blank tab's connection to the browser."""
    ctx = phone_context(browser, base_url)
    ctx.wiper = ctx.new_cdp_session(ctx.new_page())
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def warm_context(browser, base_url):
    """One phone context for a whole module: for tests that read pages and leave no saved data behind, so each
    does not pay for a fresh context, a cold page and a cold engine."""
    ctx = phone_context(browser, base_url)
    yield ctx
    ctx.close()


@pytest.fixture(scope="module")
def warm_page(warm_context):
    """One page for a whole module (see warm_context); each test navigates where it needs to be."""
    return warm_context.new_page()
