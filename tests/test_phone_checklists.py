"""Checklists and the case navigator on a 390 × 844 phone: the pinned verdict is one line that opens
on demand, and never covers a box the reader could tap; on paper they are forms a department files."""

import subprocess

import pytest
from playwright.sync_api import expect

from catalog.checklists import load_all
from tests.browser_helpers import settled, wired_checklist

pytestmark = pytest.mark.browser
PAGES = [
    f"practice/checklists/{sid}.html"
    for sid, spec in sorted(load_all().items())
    if spec.get("kind", "checklist") == "checklist"
] + ["practice/navigator.html", "practice/case-record.html"]

# Scroll the whole page in small steps. A control wholly on screen (below the header) must be what a
# tap at its centre reaches (or part of its label) whenever it lies above the pinned verdict, and the
# one-line verdict may cover it at no more than a quarter of the positions where it is on screen.
COVERED = """(step) => {
  const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
  const controls = Array.from(document.querySelectorAll('.md-content [data-check], .md-content [data-field]'));
  const seen = new Map(controls.map((el) => [el, {on: 0, ok: 0}]));
  const wrong = new Set();
  let positions = 0;
  for (let y = 0; y <= document.documentElement.scrollHeight - innerHeight + step; y += step) {
    window.scrollTo(0, y);
    positions++;
    const bars = Array.from(document.querySelectorAll('[data-checklist-result]'), (b) => b.getBoundingClientRect())
      .filter((b) => b.height && b.top < innerHeight && b.bottom > header);
    const floor = Math.min(innerHeight, ...bars.map((b) => b.top));
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      if (r.height === 0 || r.top < header || r.bottom > innerHeight) continue;
      const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      const ok = at === el || (el.labels && Array.from(el.labels).some((l) => l.contains(at)));
      seen.get(el).on++;
      if (ok) seen.get(el).ok++;
      else if (r.bottom <= floor) wrong.add(`${el.id} at ${y}px under ${at ? at.className || at.tagName : 'nothing'}`);
    }
  }
  const rarely = Array.from(seen).filter(([el, n]) => n.on && n.ok < 0.75 * n.on).map(([el, n]) => `${el.id}: ${n.ok}/${n.on}`);
  return {positions, wrong: Array.from(wrong).slice(0, 5), rarely: rarely.slice(0, 5)};
}"""


def tick_first(page):
    wired_checklist(page)
    page.locator("[data-checklist] [data-check]").first.check()
    if page.locator("[data-checklist-result]").count():
        page.wait_for_function("document.querySelector('[data-checklist-result] summary') !== null", timeout=60000)


@pytest.mark.parametrize("path", PAGES)
def test_no_control_is_ever_covered_while_scrolling(page, base_url, path):
    page.goto(base_url + path)
    page.locator("[data-checklist]").first.wait_for()
    tick_first(page)
    found = page.evaluate(COVERED, 40)
    assert found["positions"] > 5
    assert found["wrong"] == []
    assert found["rarely"] == [], "controls the pinned verdict covers at most scroll positions"


def test_verdict_is_one_line_that_opens_on_demand(page, base_url):
    page.goto(base_url + "practice/checklists/service_plan.html")
    result = page.locator("[data-checklist-result]")
    assert not result.is_visible(), "a blank form lists nothing as missing"
    tick_first(page)
    summary = result.locator("summary")
    page.wait_for_function("/^缺 \\d+ 项/.test(document.querySelector('[data-checklist-result] summary').textContent)")
    assert result.bounding_box()["height"] <= 60
    assert not result.locator("li").first.is_visible()
    summary.click()
    page.wait_for_function("document.querySelector('[data-checklist-result] details').open")
    assert result.locator("li").first.is_visible()
    page.locator("[data-checklist] [data-check]").nth(1).evaluate(
        "el => el.click()"
    )  # the open list stays open as ticks change
    page.wait_for_function(
        "/^缺 \\d+ 项/.test(document.querySelector('[data-checklist-result] summary').textContent)"
        " && document.querySelector('[data-checklist-result] details').open"
    )


def pdf_pages(page, tmp_path, name):
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4")
    count = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    last = subprocess.run(
        ["pdftotext", "-f", str(count), "-l", str(count), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    every = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return count, "".join(last.split()), "".join(every.split())


@pytest.mark.parametrize("path", [p for p in PAGES if "navigator" not in p])
def test_prints_as_a_paper_form(warm_page, base_url, path, tmp_path):
    # Blank forms: nothing on this page is ticked, so the printed forms share one page (the media the last test
    # emulated is undone: page.pdf() prints with the page's own print styles).
    page = warm_page
    page.emulate_media(media="null")
    settled(page, path, base_url)
    wired_checklist(page)
    page.evaluate("document.fonts.ready.then(() => true)")  # the paper is drawn in the page's own fonts
    count, last, every = pdf_pages(page, tmp_path, "blank")
    for field in ("个案代号", "日期", "社会工作者", "社会工作者签名"):
        assert field in every, f"{path}: no {field} on paper"
    assert "姓名：" not in every
    assert f"第{count}/{count}页" in last
    assert "社会工作者签名" in last, f"{path}: the last page is blank after the signatures"
    page.emulate_media(media="print")
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('[data-checklist-result]')).filter(el => el.getClientRects().length).length"
    )
    assert shown == 0, f"{path}: a blank form lists items as missing"


def test_printed_notes_grow_with_the_text(page, base_url, tmp_path):
    page.goto(base_url + "practice/checklists/service_plan.html")
    # Typed before the script has wired the page, the note would be replaced by the saved state.
    box = wired_checklist(page).locator("textarea").first
    note = "本周与家属商定出院后的照护安排，" * 30 + "结尾标记"
    box.fill(note)
    expect(box).to_have_value(note)
    page.emulate_media(media="print")
    page.wait_for_function("(el) => el.scrollHeight <= el.clientHeight + 1", arg=box.element_handle())
    count, last, every = pdf_pages(page, tmp_path, "filled")
    assert count <= 2, f"{count} pages"
    assert "结尾标记" in every
