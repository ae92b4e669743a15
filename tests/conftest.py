"""Shared fixtures: the built site, a local server for it, and Debian Chromium via Playwright."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, settings
from playwright.sync_api import expect

from tools import serve
from tools.browser import PHONE, launch

ROOT = Path(__file__).resolve().parent.parent
# A loaded CI machine runs the engine in a worker far slower than an idle one: every expect() waits up to 30 s
# for the state it asserts (it returns as soon as the state holds).
expect.set_options(timeout=30_000)
# Hypothesis fails an example that takes over 200 ms by default: on a loaded machine that is the machine, not
# the engine. Property tests check results, not speed (the benchmark measures speed).
settings.register_profile("loaded-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("loaded-machine")


_BUILT = set()


def built_site(runtime):
    """The site built with the given Python runtime (the default build is made by `make test`;
    the others are built once per test session, so they never lag behind the sources)."""
    directory = ROOT / ("site" if runtime == "micropython" else f"site-{runtime}")
    if runtime != "micropython" and runtime not in _BUILT:
        _BUILT.add(runtime)
        env = {**os.environ, "HANDBOOK_RUNTIME": runtime, "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run(
            [str(ROOT / ".venv/bin/mkdocs"), "build", "--strict", "--quiet", "-d", str(directory)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run([sys.executable, "-m", "tools.postbuild", str(directory)], cwd=ROOT, env=env, check=True)
    if not (directory / "index.html").exists():
        pytest.fail(f"{directory} 未构建：请用 make test 运行测试")
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
        chromium = launch(p)
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


@pytest.fixture
def context(browser, base_url):
    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN")
    ctx.requests = Requests(base_url)
    ctx.on("request", ctx.requests.record)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
