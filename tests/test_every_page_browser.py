"""One walk over every built page, on a 390 × 844 phone with the Content-Security-Policy in force, checking on
each page everything that needs a page in a browser (one visit per page, not one per check):

- the page carries the policy (tools/csp.py) and nothing on it breaks it;
- no request leaves the local server (third-party requests: none, from any page);
- nothing runs off the phone screen: no sideways page scroll, no prose box the reader must scroll sideways
  (code listings may; a wide table scrolls inside its own box);
- the 30 秒速查 card starts in the first screen, and no table squeezes a column below four characters of its
  own text.

Each page is visited to its load event (every request its HTML and styles make); one page of each kind until
the network is idle, for what its scripts fetch afterwards (engine, specs). The slow tier visits every page to
network idle.
"""

import re

import pytest

from tests.conftest import Requests
from tools import csp
from tools.browser import PHONE

pytestmark = pytest.mark.browser
SCREEN = PHONE["height"]
DATA_ATTRIBUTE = re.compile(r"\s(data-[a-z][a-z0-9-]*)[\s=>]")
# Reported to the test from inside the page, on every page the context opens.
LISTEN = """document.addEventListener("securitypolicyviolation", (e) =>
  window.hbViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`));"""

# Everything measured on one page, in one call.
MEASURE = """() => {
  const policy = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null;
  const sideways = [];
  const d = document.documentElement;
  if (d.scrollWidth > d.clientWidth) sideways.push(`page ${d.scrollWidth}px`);
  for (const el of document.querySelectorAll('.md-content *')) {
    if (el.closest('pre, code, .md-typeset__scrollwrap') || el.clientWidth === 0) continue;
    if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      sideways.push(`${el.tagName}.${el.className} ${el.scrollWidth}/${el.clientWidth}`);
  }
  const card = Array.from(document.querySelectorAll('.md-content .admonition'))
    .find((box) => box.querySelector('.admonition-title')?.textContent.trim() === '30 秒速查');
  const narrow = [];
  for (const cell of document.querySelectorAll('.md-content table:not([class]) th, .md-content table:not([class]) td')) {
    if (cell.textContent.trim().length < 4) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 4 * parseFloat(style.fontSize)) narrow.push(`${cell.textContent.trim().slice(0, 8)} ${Math.round(inner)}px`);
  }
  return {policy, sideways, narrow, card: card ? card.getBoundingClientRect().top + scrollY : null};
}"""


def page_kinds(site_dir):
    """{kind: [pages]}: pages whose content carries the same data attributes (Material's own aside) run the same
    scripts, so they make the same requests after their load event."""
    kinds = {}
    for path in sorted(site_dir.rglob("*.html")):
        names = set(DATA_ATTRIBUTE.findall(path.read_text(encoding="utf-8")))
        kinds.setdefault(frozenset(n for n in names if not n.startswith("data-md-")), []).append(path)
    return {kind: [p.relative_to(site_dir).as_posix() for p in paths] for kind, paths in kinds.items()}


@pytest.fixture
def enforced(browser, base_url):
    """A phone context with the policy in force (tools/browser.py has others bypass it) that records every
    request and every policy violation its pages report."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN", bypass_csp=False)
    ctx.requests = Requests(base_url)
    ctx.on("request", ctx.requests.record)
    ctx.violations = []
    ctx.expose_function("hbViolation", lambda text: ctx.violations.append(text))
    ctx.add_init_script(LISTEN)
    yield ctx
    ctx.close()


def walk(context, base_url, pages, idle):
    """Visit `pages` in one tab (to network idle for those in `idle`, else to the load event) and measure each."""
    page = context.new_page()
    # The browser's own report of a blocked script also reaches the console.
    page.on("console", lambda m: "Content Security Policy" in m.text and context.violations.append(m.text))
    measured = {}
    for rel in pages:
        page.goto(base_url + rel, wait_until="networkidle" if rel in idle else "load")
        measured[rel] = page.evaluate(MEASURE)
    visited = {u.split("?")[0].split("#")[0] for u in context.requests.urls}
    assert [rel for rel in pages if base_url + rel not in visited] == []
    return measured


def test_every_page_on_a_phone_under_the_policy(enforced, base_url, site_dir):
    kinds = page_kinds(site_dir)
    pages = sorted(rel for group in kinds.values() for rel in group)
    assert len(pages) > 150 and len(kinds) > 5
    measured = walk(enforced, base_url, pages, idle={group[0] for group in kinds.values()})

    assert [rel for rel, m in measured.items() if m["policy"] != csp.POLICY] == [], "pages without the policy"
    assert enforced.violations == []
    assert enforced.requests.foreign() == []
    assert {rel: m["sideways"][:3] for rel, m in measured.items() if m["sideways"]} == {}
    cards = {rel: round(m["card"]) for rel, m in measured.items() if m["card"] is not None}
    assert len(cards) >= 20, "the practice pages carry a 30 秒速查 card"
    assert {rel: top for rel, top in cards.items() if top >= SCREEN} == {}, f"30 秒速查 below the first {SCREEN} px"
    assert {rel: m["narrow"][:3] for rel, m in measured.items() if m["narrow"]} == {}, "columns under four characters"


@pytest.mark.slow
def test_every_page_to_network_idle(enforced, base_url, site_dir):
    pages = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))
    walk(enforced, base_url, pages, idle=set(pages))
    assert enforced.violations == []
    assert enforced.requests.foreign() == []
