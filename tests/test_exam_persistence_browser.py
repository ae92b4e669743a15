"""Exams that never lose work, in Chromium at 390 × 844: the mock paper (answers, place, clock) survives
Back/Forward and reload, an abandoned paper never submits itself, the score opens the paper after 交卷 and
stays listed; chapter practice resumes; the 错题本 offers today's mistakes at once and fits a phone."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import EXAM_KEY, answer_key

pytestmark = pytest.mark.browser
QUICK = "快速模拟（15 题，20 分钟）"  # data/exam.yml: 10 单选 + 5 多选, 20 minutes
CLOCK_SECONDS = """([lo, hi]) => {
  const m = /(\\d+) 分 (\\d+) 秒/.exec(document.querySelector('.hb-quiz__clock')?.textContent || '');
  if (!m) return false;
  const s = Number(m[1]) * 60 + Number(m[2]);
  return s >= lo && s <= hi;
}"""


@pytest.fixture(scope="module")
def keys(site_dir):
    return answer_key(site_dir)


@pytest.fixture
def asked(page):
    """Every dialog the page opens (confirm before leaving, beforeunload), accepted and recorded."""
    messages = []

    def accept(dialog):
        messages.append((dialog.type, dialog.message))
        dialog.accept()

    page.on("dialog", accept)
    return messages


def stored(page):
    return page.evaluate(f"JSON.parse(localStorage.getItem('{EXAM_KEY}'))")


def wait_stored(page, condition, arg=None):
    """Wait until the saved exam store satisfies `condition`, a JS function of (store, arg)."""
    page.wait_for_function(
        f"(arg) => {{ const s = JSON.parse(localStorage.getItem('{EXAM_KEY}') || 'null'); return !!s && ({condition})(s, arg); }}",
        arg=arg,
    )


def paper_ready(page):
    """Wait for the 15 cards of the quick paper with every option answerable (the engine has said which
    questions take several answers)."""
    expect(page.locator("[data-question-id]")).to_have_count(15, timeout=60000)
    expect(page.locator("[data-question-id] input:disabled")).to_have_count(0, timeout=60000)


def start_quick_mock(page, base_url):
    page.goto(base_url + "exam/mock.html")
    page.get_by_role("button", name="开始" + QUICK).click()
    paper_ready(page)
    return page.locator("[data-question-id]")


def answer(card, keys, right=True):
    """Answer a card right (every correct option) or wrong (one wrong option); return the options chosen."""
    correct, _ = keys[card.get_attribute("data-question-id")]
    count = card.locator("input").count()
    pick = correct if right else [next(i for i in range(count) if i not in correct)]
    for i in pick:
        card.locator("input").nth(i).check()
    return pick


def shown_seconds(page):
    minutes, seconds = re.search(r"(\d+) 分 (\d+) 秒", page.locator(".hb-quiz__clock").inner_text()).groups()
    return int(minutes) * 60 + int(seconds)


def leave_by_footer_link(page, asked):
    """Follow the footer link to the next page (an in-site link: Material swaps the page without unloading)."""
    url = page.url
    page.locator("a.md-footer__link").last.click()
    page.wait_for_function("(url) => location.href !== url", arg=url)
    return url


def expect_paper_restored(page, chosen, at):
    cards = page.locator("[data-question-id]")
    paper_ready(page)
    for index, options in chosen.items():
        boxes = cards.nth(index).locator("input")
        for i in range(boxes.count()):
            (expect(boxes.nth(i)).to_be_checked if i in options else expect(boxes.nth(i)).not_to_be_checked)()
    expect(cards.nth(at)).to_be_in_viewport()
    expect(cards.first).not_to_be_in_viewport()


def test_mock_answers_place_and_time_survive_back_forward_and_reload(page, base_url, keys, asked):
    page.clock.install()
    cards = start_quick_mock(page, base_url)
    ids = [cards.nth(i).get_attribute("data-question-id") for i in range(15)]
    chosen = {i: answer(cards.nth(i), keys) for i in (4, 5, 6)}
    page.clock.fast_forward("05:00")  # 5 of the 20 minutes used
    page.wait_for_function(CLOCK_SECONDS, arg=[600, 15 * 60])
    wait_stored(page, "(s) => s.mock && Object.keys(s.mock.responses).length === 3 && s.mock.at === 6")
    left = shown_seconds(page)

    mock_url = leave_by_footer_link(page, asked)
    assert any(kind == "confirm" and "还没有交卷" in text for kind, text in asked), asked
    page.go_back()
    # The page itself, whatever section the theme's URL tracking had put in its hash while scrolling to the footer.
    page.wait_for_function("(url) => location.href.split('#')[0] === url", arg=mock_url.split("#")[0])
    expect_paper_restored(page, chosen, 6)
    expect(page.locator(".hb-quiz__notice")).to_contain_text("已恢复上次未交卷的试卷（已答 3 题）")
    # The clock was stopped while the reader was away: it goes on from what was left, not from 20 minutes.
    page.wait_for_function(CLOCK_SECONDS, arg=[left - 30, left])
    assert [cards.nth(i).get_attribute("data-question-id") for i in range(15)] == ids

    page.go_forward()
    page.wait_for_function("(url) => location.href.split('#')[0] !== url", arg=mock_url.split("#")[0])
    page.go_back()
    expect_paper_restored(page, chosen, 6)

    page.reload()
    expect_paper_restored(page, chosen, 6)
    page.wait_for_function(CLOCK_SECONDS, arg=[left - 60, left])
    assert [cards.nth(i).get_attribute("data-question-id") for i in range(15)] == ids
    assert any(kind == "beforeunload" for kind, _ in asked), "reloading an unfinished paper did not ask first"


def test_paper_left_until_its_time_ran_out_is_not_submitted(page, base_url, keys, asked):
    page.clock.install()
    cards = start_quick_mock(page, base_url)
    answer(cards.first, keys, right=False)
    wait_stored(page, "(s) => s.mock && Object.keys(s.mock.responses).length === 1")
    leave_by_footer_link(page, asked)
    page.clock.fast_forward("30:00")  # longer than the 20 minutes the paper had left
    page.go_back()
    notice = page.locator(".hb-quiz__notice")
    expect(notice).to_contain_text("这段时间已经过去", timeout=60000)
    expect(notice.get_by_role("button", name="交卷")).to_be_visible()
    expect(notice.get_by_role("button", name="重新开始")).to_be_visible()
    expect(page.locator("[data-exam-score]")).to_have_count(0)
    wait_stored(page, "(s) => s.mock !== null && s.exams.length === 0 && Object.keys(s.notebook).length === 0")

    notice.get_by_role("button", name="重新开始").click()
    expect(page.get_by_role("button", name="开始" + QUICK)).to_be_visible()
    wait_stored(page, "(s) => !s.mock && s.exams.length === 0 && Object.keys(s.notebook).length === 0")


def test_score_opens_the_paper_after_submit_and_stays_listed(page, base_url, keys, asked):
    cards = start_quick_mock(page, base_url)
    for i in range(15):
        answer(cards.nth(i), keys, right=i != 0)  # one wrong 单选: 20 − 1 = 19 of 20
    page.get_by_role("button", name="交卷").click()
    score = page.locator("[data-exam-score]")
    expect(score).to_have_text("19")
    expect(score).to_be_in_viewport()
    expect(page.locator(".hb-quiz__clock")).to_be_hidden()
    # Nothing pinned (header, clock) covers the score.
    page.wait_for_function(
        """() => { const s = document.querySelector('[data-exam-score]').getBoundingClientRect();
          const hit = document.elementFromPoint(s.left + s.width / 2, s.top + s.height / 2);
          return !!hit && !!hit.closest('.hb-quiz__result'); }"""
    )
    page.reload()
    past = page.locator(".hb-quiz__past li")
    expect(past).to_have_count(1)
    expect(past.first).to_contain_text(QUICK)
    expect(past.first).to_contain_text("19 / 20")
    assert not any(kind == "beforeunload" for kind, _ in asked), "a submitted paper still asked before leaving"


def test_chapter_practice_resumes_where_it_stopped(page, base_url):
    page.goto(base_url + "casework/exercises.html")
    card = page.locator("[data-question-id]")
    first = card.get_attribute("data-question-id")
    page.get_by_role("button", name="下一题").click()
    expect(card).not_to_have_attribute("data-question-id", first)
    page.get_by_role("button", name="下一题").click()
    expect(page.locator(".hb-q__meta")).to_contain_text("第 3/")
    third = card.get_attribute("data-question-id")
    wait_stored(page, "(s, id) => s.practice && s.practice.casework === id", third)

    page.reload()
    expect(card).to_have_attribute("data-question-id", third)
    expect(page.locator(".hb-quiz__resume")).to_contain_text("上次做到第 3 题")
    page.get_by_role("button", name="从头再来").click()
    expect(card).to_have_attribute("data-question-id", first)


def test_notebook_offers_todays_mistake_at_once_and_explains_it(page, base_url, keys):
    page.goto(base_url + "exam/drills.html")
    card = page.locator("[data-question-id]")
    qid = card.get_attribute("data-question-id")
    answer(card, keys, right=False)
    page.get_by_role("button", name="提交").click()
    expect(card.locator(".hb-q__verdict")).to_contain_text("回答错误", timeout=60000)

    page.goto(base_url + "exam/mistakes.html")
    expect(page.locator(".hb-quiz__status").first).to_contain_text("今天做错 1 题", timeout=60000)
    expect(page.get_by_role("button", name="今天的错题（1）")).to_have_attribute("aria-pressed", "true")
    redo = page.locator(".hb-quiz__work [data-question-id]")
    expect(redo).to_have_attribute("data-question-id", qid)
    right, whys = keys[qid]
    answer(redo, keys)
    page.get_by_role("button", name="提交").click()
    feedback = redo.locator(".hb-q__feedback")
    expect(feedback).to_contain_text("回答正确。正确答案：" + "ABCDE"[right[0]])
    for why in whys:
        expect(feedback).to_contain_text(why)
    # Redone right before it is due: still in the notebook, due as before (tomorrow).
    wait_stored(page, "(s, id) => s.notebook[id] && s.notebook[id].step === 0 && s.answers[id].correct", qid)


def test_notebook_fits_a_phone(browser, base_url, keys):
    from tools.browser import PHONE

    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN")
    ids = sorted(keys)[:6]
    book = {qid: {"step": 0, "due": "2020-01-0" + str(n + 1), "wrong": n + 1} for n, qid in enumerate(ids)}
    store = {"format": 1, "answers": {}, "notebook": book, "exams": []}
    ctx.add_init_script(f"localStorage.setItem({json.dumps(EXAM_KEY)}, {json.dumps(json.dumps(store))});")
    page = ctx.new_page()
    page.goto(base_url + "exam/mistakes.html")
    expect(page.locator(".hb-quiz td a")).to_have_count(6, timeout=60000)
    # Nothing runs off the screen, and no id, date or count is broken over lines to squeeze four columns in.
    page.wait_for_function(
        """() => document.documentElement.scrollWidth <= innerWidth
          && Array.from(document.querySelectorAll('.hb-quiz td, .hb-quiz th, .hb-quiz .hb-q'))
               .every((e) => e.getBoundingClientRect().right <= innerWidth + 0.5)
          && Array.from(document.querySelectorAll('.hb-quiz td'))
               .filter((td) => /^\\S{1,12}$/.test(td.textContent.trim()))
               .every((td) => {
                 const range = document.createRange();
                 range.selectNodeContents(td);
                 return range.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(td).lineHeight);
               })"""
    )
    ctx.close()


def test_import_keeps_practice_places_and_the_paper_in_progress(page, base_url, keys, tmp_path):
    """A file from another device brings its place in a practice set and its unfinished paper along."""
    quick = sorted(k for k in keys if k.startswith("cw-"))[:15]
    data = {
        "answers": {},
        "notebook": {},
        "exams": [{"date": "2026-11-24", "points": 12, "max": 20, "paper": "quick"}],
        "practice": {"casework": "cw-004"},
        "mock": {
            "paper": "quick",
            "ids": quick,
            "responses": {quick[2]: [1]},
            "at": 2,
            "left": 600,
            "deadline": 1,  # long past: the page asks rather than grading
            "started": "2026-11-24",
        },
    }
    envelope = {"app": "medical-social-work-handbook", "kind": "exam-progress", "format": 1, "data": data}
    page.goto(base_url + "exam/mistakes.html")
    expect(page.get_by_role("button", name="导出练习进度")).to_be_visible(timeout=60000)
    page.set_input_files(
        "[data-data='import']",
        files=[{"name": "p.json", "mimeType": "application/json", "buffer": json.dumps(envelope).encode()}],
    )
    expect(page.locator(".hb-data__message")).to_contain_text("已导入错题本")
    wait_stored(page, "(s) => s.practice.casework === 'cw-004' && s.mock && s.mock.ids.length === 15")

    page.goto(base_url + "casework/exercises.html")
    expect(page.locator("[data-question-id]")).to_have_attribute("data-question-id", "cw-004")
    page.goto(base_url + "exam/mock.html")
    expect(page.locator(".hb-quiz__notice")).to_contain_text("这段时间已经过去", timeout=60000)
    expect(page.locator("[data-question-id]").nth(2).locator("input").nth(1)).to_be_checked()
