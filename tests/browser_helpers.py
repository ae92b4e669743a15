"""Helpers shared by the browser tests: reading the site's hidden answer keys, waiting for the engine."""

import base64
import json
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect

from engine import contract
from tests import golden_walker
from tools.browser import PHONE

# Storage keys of the site as the tests serve it (at the server's root).
CASES_KEY = contract.storage_key("/", "cases")
EXAM_KEY = contract.storage_key("/", "exam")


def answer_key(site_dir):
    """{question id: (correct option indices, explanations)} decoded from the built bank."""
    bank = json.loads((site_dir / "assets/exam/bank.json").read_text(encoding="utf-8"))
    keys = {}
    for q in bank["questions"] + bank["drills"]:
        key = (q["id"] + contract.HIDE_SUFFIX).encode()
        raw = bytes(b ^ key[i % len(key)] for i, b in enumerate(base64.b64decode(q["key"])))
        hidden = json.loads(raw)
        keys[q["id"]] = (hidden["c"], hidden["w"])
    return keys


def wired_checklist(page, cid=None, timeout=60000):
    """The checklist root once its script has wired it: a tick made before then is overwritten by the saved
    state the script restores, so every test that ticks waits for this first."""
    where = f"[data-checklist='{cid}']" if cid else "[data-checklist]"
    root = page.locator(f"{where}[data-wired]").first
    root.wait_for(timeout=timeout)
    return root


def shows_decision(page, spec, cid, checks):
    """Wait until checklist `cid` shows the decision CPython's engine gives for the same ticks; return it."""
    from engine import casework

    expected = casework.evaluate(spec, {"checks": checks, "fields": {}})
    page.wait_for_function(
        "([cid, m]) => document.querySelector(`[data-checklist=${cid}] [data-checklist-result]`).textContent.includes(m)",
        arg=[cid, expected["message"]],
        timeout=60000,
    )
    return expected


def engine_ready(page, timeout=60000):
    """Wait until the page's Python engine has started (or failed, which the caller then sees)."""
    page.wait_for_function("performance.getEntriesByName('hb-engine-ready').length > 0", timeout=timeout)


# A page has drawn what its scripts draw: its engine (if its head names engine files) started, every tool that
# shows the engine's phase shows it ready, and no quiz still says it is loading.
SETTLED = f"""() => (!document.querySelector('meta[name="{contract.ENGINE_FILES_META}"]')
                     || performance.getEntriesByName('hb-engine-ready').length > 0)
    && Array.from(document.querySelectorAll('[data-engine]')).every((el) => el.dataset.engine === 'ready')
    && !document.querySelector('.hb-quiz__loading')"""


def settled(page, path, base_url):
    """Open `path` to its load event and wait until its scripts have drawn (SETTLED): cheaper than waiting for
    the network to be idle, and it waits for exactly what is drawn."""
    page.goto(base_url + path, wait_until="load")
    page.wait_for_function(SETTLED)


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page):
    """axe-core's serious and critical violations on the page as it is now (at most three elements each)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)""")


def result_of(page, instrument, name):
    """A calculator's output slot (total, band, missing, error, status)."""
    return page.locator(f"[{contract.ATTR['instrument']}='{instrument}'] [{contract.ATTR['result']}='{name}']")


def wait_total(page, instrument, text, timeout=120000):
    """Wait until the calculator shows exactly this total."""
    expect(result_of(page, instrument, "total")).to_have_text(text, timeout=timeout)


@contextmanager
def offline_after_first_visit(browser, base_url, online=None):
    """A phone-sized page that visited the home page once (service worker installed), did `online(page)` if
    given, then lost the network."""
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(base_url)
        page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=60000)
        if online:
            online(page)
        ctx.set_offline(True)
        yield page
    finally:
        ctx.close()


# An init script that counts the queries sent to Material's search worker and the results it returned (message
# types 2 and 3), so a test reads the result list only once the worker has answered the last query, the one for
# the whole typed word (results arrive first for a partial word, and the list keeps the previous query's results
# until then).
WATCH_SEARCH = """
    window.__search = {query: null, pending: 0, ready: 0};
    const Base = window.Worker;
    window.Worker = class extends Base {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', e => {
                if (e.data && e.data.type === 3) window.__search.pending--;
                if (e.data && e.data.type === 1) window.__search.ready++;
            });
        }
        postMessage(message, ...rest) {
            if (message && message.type === 2) { window.__search.query = message.data; window.__search.pending++; }
            return super.postMessage(message, ...rest);
        }
    };
"""


def search_answered(page, word):
    """Type `word` into Material's search box as a reader would (opening the box unless it is open: one page serves
    many queries) and wait until the worker has answered the query for the whole word. The page must have been
    loaded with WATCH_SEARCH."""
    if not page.locator("#__search").is_checked():
        page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.fill("")
    box.type(word)
    box.press("End")  # Material listens to keyup; CJK typed by Playwright needs one more key.
    # The worker is ready twice: with the small first index, then with the whole one (tools/search_gate.js). Results
    # are judged on the whole index: the gate asks the latest query again once it is in.
    answered = """(word) => window.__search.query !== null && window.__search.query.trim() === word
                            && window.__search.pending === 0 && window.__search.ready >= 2"""
    page.wait_for_function(answered, arg=word, timeout=30000)


# Bridge requests sent, in order, through the page's own engine (the worker answers them in order).
ENGINE_CALLS = """async (requests) => {
    const { call } = await import(new URL("assets/js/engine.js", window.handbookRoot).href);
    const out = [];
    for (const { fn, args } of requests) {
        try { out.push({ ok: await call(fn, ...args) }); }
        catch (e) { out.push({ error: e.message }); }
    }
    return out;
}"""


def replay_goldens(page, walk, label):
    """Replay golden cases ([(where, request, case)], tests.golden_walker) through the page's engine and judge each."""
    replies = page.evaluate(ENGINE_CALLS, [request for _, request, _ in walk])
    for (where, _, case), reply in zip(walk, replies, strict=True):
        golden_walker.check(f"{label} {where}", case, reply)
