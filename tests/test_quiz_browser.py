"""Exam practice in Chromium: answer, see why, find it in the 错题本 after a reload, move progress by file."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import EXAM_KEY, answer_key

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def keys(site_dir):
    return answer_key(site_dir)


def open_drills(page, base_url):
    page.goto(base_url + "exam/drills.html")
    card = page.locator("[data-question-id]").first
    card.wait_for()
    return card


def answer_wrong(page, card, keys):
    qid = card.get_attribute("data-question-id")
    right, whys = keys[qid]
    wrong = next(i for i in range(4) if i not in right)
    card.locator("input").nth(wrong).check()
    return qid, whys


def test_answer_hidden_until_answered_then_explained(page, base_url, keys):
    card = open_drills(page, base_url)
    qid, whys = answer_wrong(page, card, keys)
    assert not any(w in page.content() for w in whys), "解析在作答前就出现在页面里"
    page.get_by_role("button", name="提交").click()
    feedback = card.locator(".hb-q__feedback")
    feedback.locator(".hb-q__verdict").wait_for()
    expect(feedback).to_contain_text("回答错误")
    assert feedback.locator("li").count() == 4  # a reason for every option
    for why in whys:
        assert why in feedback.inner_text()


def test_wrong_answer_lands_in_notebook_after_reload(page, base_url, keys):
    card = open_drills(page, base_url)
    qid, _ = answer_wrong(page, card, keys)
    page.get_by_role("button", name="提交").click()
    card.locator(".hb-q__verdict").wait_for()
    page.reload()
    page.goto(base_url + "exam/mistakes.html")
    status = page.locator(".hb-quiz__status").first
    status.wait_for()
    expect(status).to_contain_text("错题本共 1 题")
    assert page.locator("td a", has_text=qid).count() == 1


def test_progress_export_import_clear_and_corrupt_refused(page, base_url, keys, tmp_path):
    card = open_drills(page, base_url)
    qid, _ = answer_wrong(page, card, keys)
    page.get_by_role("button", name="提交").click()
    card.locator(".hb-q__verdict").wait_for()
    page.goto(base_url + "exam/mistakes.html")
    page.locator("td a", has_text=qid).wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="导出练习进度").click()
    exported = tmp_path / "progress.json"
    download.value.save_as(exported)
    saved = json.loads(exported.read_text(encoding="utf-8"))
    assert saved["kind"] == "exam-progress" and qid in saved["data"]["notebook"]

    # A corrupt file and a newer-format file are refused, and nothing saved is lost.
    page.set_input_files("[data-data='import']", files=[{"name": "bad.json", "mimeType": "application/json", "buffer": b"{not json"}])
    expect(page.locator(".hb-data__message")).to_contain_text("导入失败")
    newer = dict(saved, format=99)
    page.set_input_files("[data-data='import']", files=[{"name": "new.json", "mimeType": "application/json",
                                                          "buffer": json.dumps(newer).encode()}])
    page.wait_for_function("document.querySelector('.hb-data__message').textContent.includes('更新的版本')")
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{EXAM_KEY}')).notebook")[qid]["wrong"] == 1

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="清除全部练习进度").click()
    page.wait_for_function(f"Object.keys(JSON.parse(localStorage.getItem('{EXAM_KEY}')).notebook).length === 0")
    page.wait_for_function("document.querySelector('.hb-quiz__status').textContent.includes('错题本共 0 题')")

    page.set_input_files("[data-data='import']", str(exported))
    page.locator("td a", has_text=qid).wait_for()
    assert page.evaluate(f"JSON.parse(localStorage.getItem('{EXAM_KEY}')).notebook") == saved["data"]["notebook"]


def test_quick_mock_exam_scores_by_the_rule(page, base_url, keys):
    page.goto(base_url + "exam/mock.html")
    page.get_by_role("button", name="开始快速模拟（15 题，20 分钟）").click()
    cards = page.locator("[data-question-id]")
    cards.first.wait_for()
    assert cards.count() == 15
    expected = 0.0
    multi_seen = 0
    for i in range(cards.count()):
        card = cards.nth(i)
        right, _ = keys[card.get_attribute("data-question-id")]
        boxes = card.locator("input")
        if boxes.first.get_attribute("type") == "radio":
            pick = right if i else [next(j for j in range(4) if j not in right)]  # first single wrong
            expected += 1 if i else 0
        else:
            multi_seen += 1
            if multi_seen == 1:
                pick = right[:1]  # 少选: one correct option → 0.5
                expected += 0.5
            elif multi_seen == 2:
                pick = right + [next(j for j in range(5) if j not in right)]  # a wrong option → 0
            else:
                pick = right
                expected += 2
        for j in pick:
            boxes.nth(j).check()
    assert multi_seen == 5
    page.get_by_role("button", name="交卷").click()
    score = page.locator("[data-exam-score]")
    score.wait_for(timeout=30000)
    assert float(score.inner_text()) == expected == 9 + 0.5 + 0 + 3 * 2
    assert page.locator(".hb-q__feedback .hb-q__verdict").count() == 15  # every answer reviewed
    assert page.locator(".hb-quiz__result table tbody tr").count() >= 1  # per-chapter breakdown
