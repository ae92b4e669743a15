"""Calculators on a 390 × 844 phone: the form comes first, each item is one compact row, and the
pinned one-line result never covers the item being answered."""

import pytest

from catalog.instruments import ids, load_all
from tests.browser_helpers import engine_ready
from tools.browser import PHONE

pytestmark = pytest.mark.browser
SCREEN = PHONE["height"]
# Form heights in px at 390 × 844 before the phone-first layout (measured on the build of 2026-12-03);
# every form must now be at least 40 % shorter.
FORM_BEFORE = {
    "phq9": 2197,
    "gad7": 1619,
    "nccn_dt": 992,
    "family_apgar": 1073,
    "csi": 2181,
    "zbi22": 2540,
    "ssrs": 4178,
    "mspss": 4536,
    "osss3": 831,
    "brs": 1706,
    "cdrisc25": 2888,
    "cdrisc10": 1148,
    "barthel": 2272,
    "kps": 711,
    "ecog": 467,
    "ppsv2": 529,
    "esasr": 5706,
}

GEOMETRY = """(id) => {
  const root = document.querySelector(`[data-instrument='${id}']`);
  const form = root.querySelector('form');
  const bar = root.querySelector('.hb-calc__result');
  return {form: form.getBoundingClientRect().height, bar: bar.getBoundingClientRect().height,
          filled: Array.from(form.querySelectorAll('[data-item]')).filter(el => el.checked || el.value && el.type === 'number').length};
}"""

# For each item: the buttons of a one-row item share one line and one width; every button's centre
# is the button's own input (a tap anywhere on the button lands on it).
ROWS = """(id) => {
  const root = document.querySelector(`[data-instrument='${id}']`);
  const bad = [];
  for (const set of root.querySelectorAll('.hb-item--row')) {
    const boxes = Array.from(set.querySelectorAll('.hb-opt'), (el) => el.getBoundingClientRect());
    if (new Set(boxes.map((b) => Math.round(b.top))).size !== 1) bad.push(set.querySelector('legend').textContent + ': not one row');
    if (new Set(boxes.map((b) => Math.round(b.width))).size !== 1) bad.push(set.querySelector('legend').textContent + ': unequal');
  }
  return bad;
}"""

# The total shows the latest answers' score (an answer sets it to "…" until the engine's reply is drawn).
SCORED = """(id) => document.querySelector(`[data-instrument='${id}'] [data-result='total']`).textContent !== '…'"""


def tap_through(page, sid):
    """Answer every item the way a thumb does: scroll the next item into view above the pinned result,
    then tap the centre of its first choice. Returns (taps, px scrolled, px the form took)."""
    taps, scrolled = 0, 0
    keys = page.evaluate(f"""Array.from(new Set(Array.from(document.querySelectorAll("[data-instrument='{sid}'] [data-item]"),
                               e => e.dataset.item)))""")
    for position, key in enumerate(keys):
        target = page.locator(f"[data-instrument='{sid}'] [data-item='{key}']").first
        # Scroll only when the target is not wholly visible between the header and the pinned bar.
        place = page.evaluate(
            """(el) => {
            const r = el.closest('.hb-opt, .hb-item--entry, label').getBoundingClientRect();
            const bar = el.closest('.hb-calc').querySelector('.hb-calc__result').getBoundingClientRect();
            const top = document.querySelector('.md-header').getBoundingClientRect().bottom;
            return {top: r.top, bottom: r.bottom, limit: innerHeight - bar.height, header: top};
        }""",
            target.element_handle(),
        )
        if place["bottom"] > place["limit"] or place["top"] < place["header"]:
            delta = (
                place["bottom"] - place["limit"] + 8
                if place["bottom"] > place["limit"]
                else place["top"] - place["header"] - 8
            )
            page.evaluate("(d) => window.scrollBy(0, d)", delta)
            scrolled += abs(delta)
        hit = page.evaluate(
            """(el) => { const r = el.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;
                                         const at = document.elementFromPoint(x, y); return [x, y, at === el || el.labels[0]?.contains(at), at && at.outerHTML.slice(0, 80)]; }""",
            target.element_handle(),
        )
        assert hit[2], f"{sid} item {key}: its control is covered at its centre {place} {hit}"
        if target.get_attribute("type") == "number":
            if position == 0 or not page.evaluate("(el) => el === document.activeElement", target.element_handle()):
                page.mouse.click(hit[0], hit[1])
                taps += 1
            page.keyboard.type(target.get_attribute("min"))  # a whole value moves on to the next box
            taps += 1
        else:
            page.mouse.click(hit[0], hit[1])
            taps += 1
        # The reply may grow the pinned result (a prorating note): the next item is placed against the bar as drawn.
        page.wait_for_function(SCORED, arg=sid)
    return taps, scrolled


@pytest.mark.parametrize("sid", ids())
def test_form_is_compact_and_quick_on_a_phone(warm_page, base_url, sid):
    # One page for every instrument: each is answered once, so none finds a draft of its own.
    page = warm_page
    page.goto(base_url + f"scales/{sid}.html")
    engine_ready(page, timeout=120000)
    before = page.evaluate(GEOMETRY, sid)
    assert before["filled"] == 0, "nothing may be pre-filled"
    assert before["form"] <= FORM_BEFORE[sid] * 0.6, f"{sid}: form {before['form']:.0f}px, was {FORM_BEFORE[sid]}px"
    assert page.evaluate(ROWS, sid) == []
    taps, scrolled = tap_through(page, sid)
    spec = load_all()[sid]
    assert taps <= len(spec["items"]) + 1
    page.wait_for_function(
        f"""!['—', '…'].includes(document.querySelector("[data-instrument='{sid}'] [data-result='total']").textContent)""",
        timeout=60000,
    )
    page.wait_for_function(
        f"""getComputedStyle(document.querySelector("[data-instrument='{sid}'] [data-result='status']")).display === 'none'"""
    )
    after = page.evaluate(GEOMETRY, sid)
    # One line (the total) plus at most a red-flag note.
    flags = page.locator(f"[data-instrument='{sid}'] .hb-calc__result [data-flag-note]:visible").count()
    assert after["bar"] <= 60 or flags, f"{sid}: pinned result is {after['bar']:.0f}px tall"
    screens = (scrolled + SCREEN) / SCREEN
    print(
        f"{sid}: form {after['form']:.0f}px ({after['form'] / SCREEN:.2f} screens), scrolled {scrolled:.0f}px "
        f"({screens:.2f} screens), {taps} taps"
    )
    if sid == "phq9":
        assert screens <= 2.5, f"PHQ-9 takes {screens:.2f} screens of scrolling"


def test_pinned_result_opens_on_tap_and_names_what_is_missing(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page, timeout=120000)
    root = page.locator("[data-instrument='phq9']")
    root.locator("input[data-item='1'][value='2']").check()
    page.wait_for_function(
        "document.querySelector(\"[data-instrument='phq9'] [data-result='missing']\").textContent.includes('第 2 题')"
    )
    missing = root.locator("[data-result='missing']")
    assert not missing.is_visible()
    root.locator(".hb-calc__more > summary").click()
    page.wait_for_function("document.querySelector(\"[data-instrument='phq9'] .hb-calc__more\").open")
    assert missing.is_visible()
