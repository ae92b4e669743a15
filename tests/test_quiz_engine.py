"""Grading by the real exam's rule, mock totals, the review schedule, and import checks.

Expected values come from the exam rule (初级《社会工作实务》 and 《社会工作综合能力》 alike: 单选 1 分; 多选 2 分, 错选 0 分, 全对 2 分,
少选每个正确选项 0.5 分) and from the 1-2-4-7-15-30-day schedule, not from running the code.
"""

import pytest

from engine import dates, quiz, storage


def question(kind, correct, n=None):
    n = n or (4 if kind == "single" else 5)
    return {
        "id": "x",
        "chapter": "casework",
        "type": kind,
        "options": [{"text": str(i), "correct": i in correct, "why": "w"} for i in range(n)],
    }


SINGLE = question("single", {2})
MULTI3 = question("multi", {0, 2, 4})
MULTI2 = question("multi", {1, 3})


@pytest.mark.parametrize(
    "q, chosen, points, correct",
    [
        (SINGLE, [2], 1.0, True),
        (SINGLE, [1], 0.0, False),
        (SINGLE, [], 0.0, False),
        (MULTI3, [0, 2, 4], 2.0, True),  # all correct options: full 2 points
        (MULTI3, [0, 2], 1.0, False),  # 少选: 0.5 per correct option chosen
        (MULTI3, [4], 0.5, False),
        (MULTI3, [0, 2, 3], 0.0, False),  # any wrong option: 0
        (MULTI3, [0, 1, 2, 3, 4], 0.0, False),
        (MULTI3, [], 0.0, False),
        (MULTI2, [1, 3], 2.0, True),
        (MULTI2, [3], 0.5, False),
        (question("case", {1}), [1], 1.0, True),  # case with one right answer: single rule
        (question("case", {0, 1}, 5), [0], 0.5, False),  # case with several: multi rule
    ],
)
def test_grade_follows_exam_rule(q, chosen, points, correct):
    graded = quiz.grade(q, chosen)
    assert graded["points"] == points
    assert graded["correct"] is correct


@pytest.mark.parametrize(
    "chosen, points",
    [
        ([0], 0.5),
        ([0, 1, 2], 1.5),
        ([0, 1, 2, 3], 2.0),  # 0.5 per correct option while none is wrong
        ([0, 1, 2, 3, 4], 0.0),
        ([4], 0.0),
        ([0, 4], 0.0),  # one wrong option: nothing
    ],
)
def test_multi_with_four_correct_options(chosen, points):
    assert quiz.grade(question("multi", {0, 1, 2, 3}), chosen)["points"] == points


def test_mock_paper_with_drills_and_questions_totals_by_rule():
    """A 综合能力 paper: 单选 drawn from questions and technique drills alike, 多选 from questions."""
    singles = [dict(SINGLE, id=f"q{i}", chapter="casework") for i in range(30)]
    singles += [dict(question("single", {1}), id=f"dr{i}", chapter="interview") for i in range(30)]
    multis = [dict(MULTI2, id=f"m{i}") for i in range(20)]
    answers = (
        {f"q{i}": [2] for i in range(30)} | {f"dr{i}": [1] for i in range(15)} | {f"dr{i}": [0] for i in range(15, 30)}
    )
    answers |= {f"m{i}": [1, 3] for i in range(10)} | {f"m{i}": [1] for i in range(10, 20)}
    scored = quiz.exam_score(singles + multis, answers)
    assert scored["max"] == 100.0
    assert scored["points"] == 30 + 15 + 10 * 2 + 10 * 0.5
    assert scored["by_chapter"]["interview"]["points"] == 15.0


def test_grade_reports_what_was_missed_and_wrong():
    graded = quiz.grade(MULTI3, [0, 1])
    assert graded["wrong_chosen"] == [1]
    assert graded["missed"] == [2, 4]
    assert graded["right"] == [0, 2, 4]


@pytest.mark.parametrize(
    "q, chosen, message",
    [
        (SINGLE, [0, 1], "只能选一个"),
        (SINGLE, [7], "不存在的选项"),
        (SINGLE, "A", "作答格式"),
        (SINGLE, [True], "作答格式"),
        (question("single", set()), [0], "没有正确选项"),
    ],
)
def test_grade_refuses_bad_input(q, chosen, message):
    with pytest.raises(quiz.QuizError, match=message):
        quiz.grade(q, chosen)


def test_full_mock_paper_is_out_of_100():
    paper = [dict(SINGLE, id=f"s{i}") for i in range(60)] + [dict(MULTI3, id=f"m{i}") for i in range(20)]
    perfect = {f"s{i}": [2] for i in range(60)} | {f"m{i}": [0, 2, 4] for i in range(20)}
    assert quiz.exam_score(paper, perfect)["points"] == 100.0
    assert quiz.exam_score(paper, perfect)["max"] == 100.0
    # 50 singles right, 10 multis full, 5 multis with two of three, 5 with a wrong option, one blank single.
    mixed = {f"s{i}": [2] for i in range(50)} | {f"s{i}": [0] for i in range(50, 59)}
    mixed |= {f"m{i}": [0, 2, 4] for i in range(10)} | {f"m{i}": [0, 4] for i in range(10, 15)}
    mixed |= {f"m{i}": [1, 2] for i in range(15, 20)}
    scored = quiz.exam_score(paper, mixed)
    assert scored["points"] == 50 + 10 * 2 + 5 * 1.0
    assert scored["by_chapter"]["casework"] == {"points": 75.0, "max": 100.0, "count": 80, "correct": 60}


def test_review_schedule_is_1_2_4_7_15_30_days():
    entry = quiz.review(None, False, "2026-11-24")
    assert entry == {"step": 0, "due": "2026-11-25", "wrong": 1}
    seen = []
    day = "2026-11-25"
    for _ in range(5):
        entry = quiz.review(entry, True, day)
        seen.append(dates.day_number(entry["due"]) - dates.day_number(day))
        day = entry["due"]
    assert seen == [2, 4, 7, 15, 30]
    assert quiz.review(entry, True, day) is None  # sixth right answer in a row: mastered


def test_wrong_answer_restarts_schedule_and_counts():
    entry = {"step": 3, "due": "2026-12-01", "wrong": 2}
    assert quiz.review(entry, False, "2026-12-01") == {"step": 0, "due": "2026-12-02", "wrong": 3}


def test_right_first_time_never_enters_notebook():
    assert quiz.review(None, True, "2026-11-24") is None


def test_due_lists_overdue_first():
    book = {
        "b": {"step": 0, "due": "2026-11-24", "wrong": 1},
        "a": {"step": 1, "due": "2026-11-20", "wrong": 1},
        "c": {"step": 2, "due": "2026-11-25", "wrong": 1},
    }
    assert quiz.due(book, "2026-11-24") == ["a", "b"]


@pytest.mark.parametrize(
    "iso, n, expected",
    [
        ("2026-12-31", 1, "2027-01-01"),
        ("2028-02-28", 1, "2028-02-29"),
        ("2027-02-28", 1, "2027-03-01"),
        ("2026-11-24", 30, "2026-12-24"),
        ("2000-03-01", -1, "2000-02-29"),
        ("1970-01-01", 0, "1970-01-01"),
    ],
)
def test_calendar_arithmetic(iso, n, expected):
    assert dates.add_days(iso, n) == expected


def test_day_number_epoch():
    assert dates.day_number("1970-01-01") == 0
    assert dates.day_number("2000-01-01") == 10957


GOOD = storage.envelope(
    "exam-progress",
    {
        "answers": {"cw-001": {"correct": False, "date": "2026-11-24"}},
        "notebook": {"cw-001": {"step": 0, "due": "2026-11-25", "wrong": 1}},
        "exams": [{"date": "2026-11-24", "points": 71.5, "max": 100}],
    },
)


def test_import_accepts_own_export():
    assert storage.check_import("exam-progress", GOOD) == GOOD["data"]


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda e: e.update(app="other"), "不是本手册导出的文件"),
        (lambda e: e.update(kind="cases"), "个案进度"),
        (lambda e: e.update(format=2), "更新的版本"),
        (lambda e: e.pop("format"), "格式版本号"),
        (lambda e: e["data"]["notebook"]["cw-001"].update(step=9), "数值无效"),
        (lambda e: e["data"]["notebook"]["cw-001"].update(due="tomorrow"), "日期无效"),
        (lambda e: e["data"].update(exams="x"), "格式损坏"),
        (lambda e: e.update(data=[1]), "格式损坏"),
    ],
)
def test_import_refuses_foreign_newer_or_corrupt(mutate, message):
    import copy

    bad = copy.deepcopy(GOOD)
    mutate(bad)
    with pytest.raises(storage.StorageError, match=message):
        storage.check_import("exam-progress", bad)


def test_import_refuses_non_object():
    with pytest.raises(storage.StorageError, match="已保存的内容没有改动"):
        storage.check_import("cases", [1, 2])


def test_case_store_checked():
    good = storage.envelope(
        "cases",
        {
            "cases": {
                "床位A": {
                    "checklists": {"intake": {"checks": {"a": True}, "fields": {"n": "x"}}},
                    "updated": "2026-11-24",
                }
            }
        },
    )
    assert storage.check_import("cases", good)["cases"]["床位A"]["checklists"]["intake"]["checks"]["a"] is True
    good["data"]["cases"]["床位A"]["checklists"]["intake"]["checks"]["a"] = "yes"
    with pytest.raises(storage.StorageError, match="勾选项 a"):
        storage.check_import("cases", good)


# ---- redoing mistakes at once, and the stored paper in progress and practice places ----


def test_redo_before_due_right_keeps_schedule_wrong_restarts_it():
    entry = {"step": 0, "due": "2026-11-25", "wrong": 1}  # wrong on 11-24, due the next day
    assert quiz.review(entry, True, "2026-11-24", True) == entry  # redone right the same day: nothing moves
    assert quiz.review(entry, False, "2026-11-24", True) == {"step": 0, "due": "2026-11-25", "wrong": 2}
    # Once due, a redo counts like a review: the next interval is 2 days.
    assert quiz.review(entry, True, "2026-11-25", True) == {"step": 1, "due": "2026-11-27", "wrong": 1}
    # Outside redo mode the schedule keeps its old rule.
    assert quiz.review(entry, True, "2026-11-24") == {"step": 1, "due": "2026-11-26", "wrong": 1}


BOOK = {
    "a": {"step": 0, "due": "2026-11-25", "wrong": 1},
    "b": {"step": 2, "due": "2026-11-20", "wrong": 3},
    "c": {"step": 0, "due": "2026-11-25", "wrong": 2},
}
ANSWERS = {
    "a": {"correct": False, "date": "2026-11-24"},
    "b": {"correct": False, "date": "2026-11-10"},
    "c": {"correct": False, "date": "2026-11-24"},
    "d": {"correct": False, "date": "2026-11-24"},  # not in the notebook (mastered or cleared): not offered
}


def test_todays_mistakes_are_offered_at_once_though_not_due():
    assert quiz.due(BOOK, "2026-11-24") == ["b"]
    assert quiz.due(BOOK, "2026-11-24", "today", ANSWERS) == ["a", "c"]
    redone = dict(ANSWERS, a={"correct": True, "date": "2026-11-24"})
    assert quiz.due(BOOK, "2026-11-24", "today", redone) == ["c"]  # put right already: off today's list


def test_all_mistakes_most_often_wrong_first():
    assert quiz.due(BOOK, "2026-11-24", "all", ANSWERS) == ["b", "c", "a"]


def test_unknown_work_list_refused():
    with pytest.raises(quiz.QuizError, match="未知的错题列表"):
        quiz.due(BOOK, "2026-11-24", "tomorrow")


MOCK = {
    "paper": "quick",
    "ids": ["cw-001", "cw-002", "dr-003"],
    "responses": {"cw-001": [2], "cw-002": [0, 3]},
    "at": 1,
    "left": 1130,
    "deadline": 1796000000,
    "started": "2026-11-24",
}


def stored(**fields):
    value = {"format": 1, "answers": {}, "notebook": {}, "exams": []}
    value.update(fields)
    return value


def test_store_with_paper_in_progress_places_and_paper_ids_loads():
    value = stored(
        mock=MOCK,
        practice={"casework": "cw-007", "drills": "dr-010"},
        exams=[{"date": "2026-11-24", "points": 9.5, "max": 20, "paper": "quick"}],
    )
    assert storage.check_store("exam", value) == value
    exported = storage.envelope("exam-progress", {k: v for k, v in value.items() if k != "format"})
    assert storage.check_import("exam-progress", exported)["mock"] == MOCK


def test_old_store_without_new_fields_loads():
    assert storage.check_store("exam", stored())["exams"] == []
    assert storage.check_store("exam", stored(mock=None))["mock"] is None


def mock_with(**changes):
    paper = dict(MOCK, responses=dict(MOCK["responses"]))
    paper.update(changes)
    return paper


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"mock": "yes"}, "未交卷的模拟试卷格式损坏"),
        ({"mock": mock_with(ids=[])}, "题目列表无效"),
        ({"mock": mock_with(ids=["cw-001", "cw-001"])}, "题目列表有重复"),
        ({"mock": mock_with(ids=["cw-001", 7])}, "题号无效"),
        ({"mock": mock_with(responses={"zz-999": [0]})}, "作答 zz-999 无效"),
        ({"mock": mock_with(responses={"cw-001": [5]})}, "数值无效"),
        ({"mock": mock_with(responses={"cw-001": 2})}, "作答 cw-001 无效"),
        ({"mock": mock_with(at=3)}, "位置的数值无效"),
        ({"mock": mock_with(left=-1)}, "剩余时间的数值无效"),
        ({"mock": mock_with(left=2.5)}, "剩余时间的数值无效"),
        ({"mock": {k: v for k, v in MOCK.items() if k != "deadline"}}, "截止时间的数值无效"),
        ({"mock": mock_with(started="today")}, "开始日期的日期无效"),
        ({"mock": mock_with(paper="")}, "试卷编号无效"),
        ({"practice": ["cw-001"]}, "练习进度的位置格式损坏"),
        ({"practice": {"casework": 3}}, "练习 casework 的位置无效"),
        ({"exams": [{"date": "2026-11-24", "points": 1, "max": 2, "paper": None}]}, "试卷编号无效"),
    ],
)
def test_bad_new_fields_refuse_the_store(fields, message):
    """A refused store is set aside by the page (files.js), never overwritten."""
    with pytest.raises(storage.StorageError, match=message):
        storage.check_store("exam", stored(**fields))
