"""How the tests and the benchmark start Debian Chromium (Playwright's own browser download is not reachable)."""

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The tests drive Debian's headless shell of the same Chromium release when it is installed (.ci/run installs
# it): the same Blink, V8 and network stack without the desktop browser's own machinery, which Playwright
# also uses for headless tests. Measured on a two-core machine, a page load costs about 15 % less CPU and the
# suite, which is CPU-bound, runs faster by about as much. The benchmark keeps the full browser (CHROMIUM): it
# measures what a reader's browser does.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
TEST_CHROMIUM = os.environ.get("CHROMIUM") or (HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else CHROMIUM)
# Without the background-networking flags Chromium itself tries Google's hosts at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def launch(playwright, executable=CHROMIUM):
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    # The pages' Content-Security-Policy (tools/csp.py) refuses the string evaluation Playwright's
    # wait_for_function uses for an expression, so contexts bypass it unless asked with
    # bypass_csp=False (tests/test_every_page_browser.py and tests/test_csp_browser.py check the pages with the policy in force).
    plain = browser.new_context
    browser.new_context = lambda **options: plain(**{"bypass_csp": True, **options})
    return browser
