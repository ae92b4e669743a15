"""Exam practice: grading by the real exam's rule, mock-exam totals, and the 错题本's spaced review.

Rule (初级《社会工作实务》 and 《社会工作综合能力》 alike): 单选 1 point; 多选 2 points — any wrong option
chosen scores 0, all correct options chosen score 2, otherwise 0.5 for each correct option chosen.
"""

import json

from engine import contract, dates
from engine.errors import EngineError

SINGLE_POINTS = 1.0
MULTI_POINTS = 2.0
PARTIAL_POINTS = 0.5
# Days until the next review after 1, 2, … correct reviews in a row; past the last, it is mastered.
INTERVALS = [1, 2, 4, 7, 15, 30]


class QuizError(EngineError):
    """A question, a response or a progress file is not usable; the message says why, in Chinese."""


def _correct_set(question):
    options = question.get("options") if isinstance(question, dict) else None
    if not isinstance(options, list) or len(options) < 2:
        raise QuizError("题目数据不完整：缺少选项")
    right = [i for i, option in enumerate(options) if option.get("correct") is True]
    if not right:
        raise QuizError("题目数据不完整：没有正确选项")
    return right, len(options)


def is_multi(question):
    """多选 scoring applies to 多选 and to case questions with more than one correct option."""
    return question.get("type") == "multi" or len(_correct_set(question)[0]) > 1


def grade(question, chosen):
    """Grade one response (list of option indices) → points, whether fully right, and what was missed."""
    right, count = _correct_set(question)
    if not isinstance(chosen, list) or any(not isinstance(i, int) or isinstance(i, bool) for i in chosen):
        raise QuizError("作答格式不对：应为所选选项的序号列表")
    picked = sorted(set(chosen))
    if any(i < 0 or i >= count for i in picked):
        raise QuizError("作答里有不存在的选项")
    multi = is_multi(question)
    if not multi and len(picked) > 1:
        raise QuizError("单选题只能选一个选项")
    wrong = [i for i in picked if i not in right]
    hit = [i for i in picked if i in right]
    full = MULTI_POINTS if multi else SINGLE_POINTS
    if wrong or not hit:
        points = 0.0
    elif len(hit) == len(right):
        points = full
    else:
        points = PARTIAL_POINTS * len(hit)
    return {
        "points": points,
        "max": full,
        "correct": points == full,
        "right": right,
        "wrong_chosen": wrong,
        "missed": [i for i in right if i not in picked],
    }


def exam_score(questions, responses):
    """Score a paper: questions [{id, chapter, type, options}], responses {id: [indices]} (absent = blank)."""
    if not isinstance(responses, dict):
        raise QuizError("作答格式不对")
    total, maximum, by_chapter, items = 0.0, 0.0, {}, []
    for question in questions:
        graded = grade(question, responses.get(question["id"]) or [])
        total += graded["points"]
        maximum += graded["max"]
        chapter = by_chapter.setdefault(question["chapter"], {"points": 0.0, "max": 0.0, "count": 0, "correct": 0})
        chapter["points"] += graded["points"]
        chapter["max"] += graded["max"]
        chapter["count"] += 1
        chapter["correct"] += 1 if graded["correct"] else 0
        graded["id"] = question["id"]
        items.append(graded)
    return {"points": total, "max": maximum, "by_chapter": by_chapter, "items": items}


def review(entry, correct, today, extra=False):
    """Next state of one 错题本 entry after an answer on `today`; None once it is mastered.

    A wrong answer (re)starts the schedule: review tomorrow. Each right answer moves to the next interval.
    `extra` marks an answer given outside the schedule (redoing mistakes before they are due): a right
    answer there leaves the schedule as it was, so repeating a question the same day never masters it.
    """
    dates.day_number(today)
    step = entry.get("step", 0) if isinstance(entry, dict) else 0
    wrong = entry.get("wrong", 0) if isinstance(entry, dict) else 0
    if not correct:
        return {"step": 0, "due": dates.add_days(today, INTERVALS[0]), "wrong": wrong + 1}
    if entry is None:
        return None  # right first time: it never enters the notebook
    if extra and dates.day_number(entry["due"]) > dates.day_number(today):
        return entry
    step += 1
    if step >= len(INTERVALS):
        return None
    return {"step": step, "due": dates.add_days(today, INTERVALS[step]), "wrong": wrong}


# What the 错题本 offers to work through: the entries due for review, the questions answered wrong
# today (to redo at once), or every entry.
WORK_LISTS = ("due", "today", "all")


def due(notebook, today, which="due", answers=None):
    """Ids of the 错题本 to work through on `today`.

    "due": entries due on or before today, most overdue first (ties by id); "today": entries whose
    latest answer (in `answers`, {id: {correct, date}}) was wrong today, by id; "all": every entry,
    most often wrong first (ties by id).
    """
    now = dates.day_number(today)
    if which == "due":
        ready = [(dates.day_number(e["due"]), qid) for qid, e in notebook.items() if dates.day_number(e["due"]) <= now]
        return [qid for _, qid in sorted(ready)]
    if which == "today":
        answers = answers if isinstance(answers, dict) else {}
        latest = [qid for qid in notebook if isinstance(answers.get(qid), dict)]
        return sorted(
            qid
            for qid in latest
            if answers[qid].get("correct") is False and dates.day_number(answers[qid].get("date")) == now
        )
    if which == "all":
        return [qid for _, qid in sorted((-e["wrong"], qid) for qid, e in notebook.items())]
    raise QuizError("未知的错题列表：" + str(which)[:24])


def reveal(question):
    """A bundle question with its hidden answer restored: options become [{text, correct, why}].

    The bundle hides {"c": correct indices, "w": explanations} as base64 of its UTF-8 JSON XORed
    with the question id plus contract.HIDE_SUFFIX, so answers are not readable in the page source.
    """
    import binascii

    if (
        not isinstance(question, dict)
        or not isinstance(question.get("id"), str)
        or not isinstance(question.get("key"), str)
    ):
        raise QuizError("题目数据不完整：缺少编号或答案")
    key = (question["id"] + contract.HIDE_SUFFIX).encode("utf-8")
    try:
        raw = binascii.a2b_base64(question["key"].encode("ascii"))
        plain = bytes([raw[i] ^ key[i % len(key)] for i in range(len(raw))])
        hidden = json.loads(plain.decode("utf-8"))
        options = [
            {"text": text, "correct": i in hidden["c"], "why": hidden["w"][i]}
            for i, text in enumerate(question.get("options") or [])
        ]
    except (ValueError, KeyError, IndexError, TypeError):
        raise QuizError("题目“" + question["id"] + "”的答案数据已损坏：请刷新页面")
    out = {}
    for name in question:
        if name != "key":
            out[name] = question[name]
    out["options"] = options
    return out


def hidden_is_multi(question):
    """is_multi() of a bundle question whose answer is still hidden."""
    return is_multi(reveal(question))


# ---- score report (issue 22) -------------------------------------------------------------------
# After a mock paper: the total against the pass line, where the points were lost (by exam chapter and by
# 考点 = the section a question links to), the five weakest 考点 with their questions to practise again,
# and the history of papers. Unanswered questions are counted apart from wrong ones: leaving a question
# blank and choosing a wrong option are different habits to correct.
WEAKEST = 5


def _num(x):
    """A point value as the page shows it: 72 for 72.0, 72.5 stays."""
    return int(x) if x == int(x) else x


def _tally(groups, key, graded, answered):
    row = groups.get(key)
    if row is None:
        row = {"key": key, "points": 0.0, "max": 0.0, "count": 0, "right": 0, "partial": 0, "wrong": 0, "blank": 0}
        groups[key] = row
    row["points"] += graded["points"]
    row["max"] += graded["max"]
    row["count"] += 1
    if not answered:
        row["blank"] += 1
    elif graded["correct"]:
        row["right"] += 1
    elif graded["points"] > 0:
        row["partial"] += 1
    else:
        row["wrong"] += 1


def _rows(groups, order):
    out = []
    for key in order:
        row = groups[key]
        out.append(
            {
                "key": key,
                "points": _num(row["points"]),
                "max": _num(row["max"]),
                "lost": _num(row["max"] - row["points"]),
                "count": row["count"],
                "right": row["right"],
                "partial": row["partial"],
                "wrong": row["wrong"],
                "blank": row["blank"],
            }
        )
    return out


def _verdict(points, maximum, passing, full):
    """(passed, sentence): the pass line applies only to a full-length paper (its maximum equals the real one)."""
    if passing is None or full is None or maximum != full:
        return None, "本卷不是整卷，不对照合格线。"
    if points >= passing:
        return True, "总分 " + str(_num(points)) + " / " + str(_num(maximum)) + "，达到合格线 " + str(passing) + " 分。"
    gap = _num(passing - points)
    return False, (
        "总分 "
        + str(_num(points))
        + " / "
        + str(_num(maximum))
        + "，未达到合格线 "
        + str(passing)
        + " 分，还差 "
        + str(gap)
        + " 分。"
    )


def exam_report(questions, responses, passing=None, full=None, history=None, today=None, paper=None):
    """The report of one submitted paper.

    questions: revealed questions [{id, chapter, exam, section, type, options}] in paper order; responses:
    {id: [indices]} (absent or [] = unanswered); passing / full: the real paper's pass line and full marks
    (None for a paper that is not a real one); history: earlier results [{date, paper, points, max}] to list
    with this one (the paper just submitted joins them when `today` is given, as paper `paper`). Returns totals, pass/fail, counts (right, partial, wrong, blank), points by exam chapter
    and by section, the weakest sections (most points lost, at most five) with their question ids, the
    history rows oldest first, and the sentences the page shows.
    """
    if not isinstance(responses, dict) or not isinstance(questions, list) or not questions:
        raise QuizError("成绩报告的数据不完整")
    scored = exam_score(questions, responses)
    by_exam, by_section, exam_order, section_order, missed = {}, {}, [], [], {}
    counts = {"right": 0, "partial": 0, "wrong": 0, "blank": 0}
    for n, question in enumerate(questions):  # zip(strict=) is not in MicroPython
        graded = scored["items"][n]
        answered = bool(responses.get(question["id"]))
        code, section = question.get("exam") or "", question.get("section") or ""
        if code not in by_exam:
            exam_order.append(code)
        if section not in by_section:
            section_order.append(section)
        _tally(by_exam, code, graded, answered)
        _tally(by_section, section, graded, answered)
        if not answered:
            counts["blank"] += 1
        elif graded["correct"]:
            counts["right"] += 1
        elif graded["points"] > 0:
            counts["partial"] += 1
        else:
            counts["wrong"] += 1
        if not graded["correct"]:
            missed.setdefault(section, []).append(question["id"])
    sections = _rows(by_section, section_order)
    # Weakest: most points lost; ties go to the lower share kept, then to the earlier section in the paper.
    losing = [(-row["lost"], row["points"] / row["max"] if row["max"] else 0, n, row) for n, row in enumerate(sections)]
    weakest = []
    for _, _, _, row in sorted(losing):
        if row["lost"] > 0 and len(weakest) < WEAKEST:
            weak = dict(row)
            weak["ids"] = missed[row["key"]]
            weakest.append(weak)
    passed, sentence = _verdict(scored["points"], scored["max"], passing, full)
    lines = [sentence]
    lines.append(
        "全对 "
        + str(counts["right"])
        + " 题，部分得分 "
        + str(counts["partial"])
        + " 题，答错 "
        + str(counts["wrong"])
        + " 题，未作答 "
        + str(counts["blank"])
        + " 题。"
    )
    if counts["blank"]:
        lines.append("未作答的题单独列出，不算作答错；真实考试中空着的题同样不得分。")
    past = []
    earlier = list(history) if isinstance(history, list) else []
    if today is not None:
        dates.day_number(today)
        earlier.append({"date": today, "paper": paper or "", "points": scored["points"], "max": scored["max"]})
    for entry in earlier:
        if isinstance(entry, dict) and entry.get("max"):
            past.append(
                {
                    "date": str(entry.get("date", "")),
                    "paper": str(entry.get("paper", "")),
                    "points": _num(entry["points"]),
                    "max": _num(entry["max"]),
                    "percent": _num(round(entry["points"] * 100 / entry["max"], 1)),
                }
            )
    past = [row for _, _, row in sorted((row["date"], n, row) for n, row in enumerate(past))]
    return {
        "points": _num(scored["points"]),
        "max": _num(scored["max"]),
        "passing": passing,
        "passed": passed,
        "counts": counts,
        "by_exam": _rows(by_exam, exam_order),
        "by_section": sections,
        "weakest": weakest,
        "history": past,
        "lines": lines,
        "items": scored["items"],
    }
