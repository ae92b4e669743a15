"""The mock page at 390 × 844: start buttons first, the answer sheet (答题卡) shows answered / unanswered /
marked and jumps to a question, 交卷 asks first when questions are blank, and the report (decided by
engine/quiz.py exam_report) counts unanswered apart from wrong and offers the weakest 考点 to practise again."""

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import answer_key

pytestmark = pytest.mark.browser
QUICK = "快速模拟（15 题，20 分钟）"


@pytest.fixture(scope="module")
def keys(site_dir):
    return answer_key(site_dir)


def start(page, base_url, dialogs):
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.goto(base_url + "exam/mock.html")
    # The start buttons sit on the first screen of a phone, above the explanations.
    expect(page.locator("[data-mock]").first).to_be_in_viewport()
    page.get_by_role("button", name="开始" + QUICK).click()
    expect(page.locator("[data-question-id]")).to_have_count(15, timeout=60000)
    expect(page.locator("[data-question-id] input:disabled")).to_have_count(0, timeout=60000)
    return page.locator("[data-question-id]")


def test_sheet_marks_jumps_and_report_separates_blank_from_wrong(page, base_url, keys):
    dialogs = []
    cards = start(page, base_url, dialogs)
    sheet = page.locator(".hb-sheet")
    expect(sheet).to_be_in_viewport()  # pinned at the bottom while the paper scrolls
    expect(sheet.locator("[data-sheet-count]")).to_have_text("已答 0/15")

    # Answer the first card right and the second wrong; mark the third; leave the rest blank.
    first, second = cards.nth(0), cards.nth(1)
    right, _ = keys[first.get_attribute("data-question-id")]
    for i in right:
        first.locator("input").nth(i).check()
    wrong_right, _ = keys[second.get_attribute("data-question-id")]
    wrong = next(i for i in range(4) if i not in wrong_right)
    # Answered and read in one turn of the page (no tick of the clock between): the clock's count is drawn
    # with the answer, never a second later.
    clock_then = second.evaluate(
        "(card, i) => { card.querySelectorAll('input')[i].click(); return document.querySelector('.hb-quiz__clock').textContent; }",
        wrong,
    )
    assert "已答 2/15 题" in clock_then, clock_then
    cards.nth(2).get_by_role("button", name="标记").click()
    expect(sheet.locator("[data-sheet-count]")).to_have_text("已答 2/15 · 标记 1")

    sheet.get_by_role("button", name="答题卡").click()
    cells = sheet.locator(".hb-sheet__grid .hb-sheet__cell")
    expect(cells).to_have_count(15)
    expect(cells.nth(0)).to_have_class("hb-sheet__cell is-answered")
    expect(cells.nth(2)).to_have_class("hb-sheet__cell is-marked")
    first.evaluate("(card) => { card.dataset.drawn = 'once'; }")
    cells.nth(13).click()
    expect(cards.nth(13)).to_be_in_viewport()
    expect(page.locator(".hb-q:focus-within")).to_have_attribute(
        "data-question-id", cards.nth(13).get_attribute("data-question-id")
    )

    page.get_by_role("button", name="交卷").click()
    assert any("还有 13 题未作答" in m for m in dialogs), dialogs  # asked first
    report = page.locator(".hb-quiz__result")
    expect(report.locator("[data-exam-score]")).to_have_text("1")
    # The quick paper is not a full paper: no pass line; 13 blank are not counted as wrong.
    expect(report).to_contain_text("本卷不是整卷，不对照合格线。")
    expect(report).to_contain_text("全对 1 题，部分得分 0 题，答错 1 题，未作答 13 题。")
    expect(report.locator(".hb-report__weak li")).to_have_count(5)
    report.get_by_role("button", name="再练这些").click()
    expect(report.locator(".hb-report__retry [data-question-id]").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll on a phone
    # The jump only scrolled: the paper on screen is the one answered, never fetched and drawn again.
    expect(page.locator(".hb-quiz__paper [data-question-id]").first).to_have_attribute("data-drawn", "once")
    assert [u for u in page.context.requests.urls if u.endswith("exam/mock.html")] == [base_url + "exam/mock.html"]


def test_a_page_drawn_again_at_once_reads_the_answer_just_given(page, base_url):
    """The theme can draw the page again at any moment (its instant navigation on some links); the paper is
    then drawn from what is saved. An answer whose write is still with the engine must be in what it reads."""
    start(page, base_url, [])
    given = page.evaluate(
        """async (root) => {
        const { openStore } = await import(root + "assets/js/store.js");
        const card = document.querySelector("[data-question-id]");
        card.querySelector("input").click();  // the page sends the answer to the engine
        const saved = await openStore("exam").get();  // read at once, as a page drawn again would
        return saved.mock.responses[card.dataset.questionId];
    }""",
        base_url,
    )
    assert given == [0]
