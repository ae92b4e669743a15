"""Repeated measures: the saved record, changes from baseline and from the previous measure, verdicts
only by a published threshold, and the storage check of saved measures.

Expected numbers are worked out by hand from the manuals and the threshold sources:
PHQ-9 items score 0–3 and sum to 0–27 (Kroenke 2001); the individual MCID is 5 points
(Löwe et al., Med Care 2004;42:1194). GAD-7 items score 0–3 and sum to 0–21; its MCID is 4 points
(Toussaint et al., J Affect Disord 2020;265:395). Lower is better on both. CD-RISC-10 has no threshold
in data/thresholds.yml, so its changes get no verdict.
"""

import copy

import pytest

from catalog import thresholds
from catalog.instruments import load_all
from engine import measures, storage
from engine.errors import EngineError

SPECS = load_all()
LIMITS = thresholds.load(SPECS)
PHQ9 = SPECS["phq9"]
GAD7 = SPECS["gad7"]


def phq9_answers(total, item9=0):
    """Answers summing to `total`: item 9 as given, the rest filled 3, 3, … then the remainder."""
    answers = {"9": item9}
    left = total - item9
    for key in range(1, 9):
        answers[str(key)] = min(3, left)
        left -= answers[str(key)]
    assert left == 0
    return answers


def phq9(total, date, item9=0):
    return measures.record(PHQ9, phq9_answers(total, item9), date)


def test_record_keeps_rule_version_answers_and_the_engines_score():
    entry = measures.record(PHQ9, {str(k): 2 for k in range(1, 10)}, "2026-01-05")
    assert entry == {
        "instrument": "phq9",
        "version": PHQ9["version"],
        "date": "2026-01-05",
        "total": 18,
        "band": "中重度",
        "subscales": {},
        "flags": ["item9"],
        "answers": {str(k): 2 for k in range(1, 10)},
    }


def test_record_refuses_incomplete_answers_and_bad_dates():
    with pytest.raises(EngineError, match="不完整"):
        measures.record(PHQ9, {"1": 1, "2": 1}, "2026-01-05")
    with pytest.raises(EngineError, match="日期"):
        measures.record(PHQ9, phq9_answers(10), "2026-13-05")
    with pytest.raises(EngineError, match="日期"):
        measures.record(PHQ9, phq9_answers(10), "")


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (15, 10, measures.IMPROVED),  # −5: exactly the MCID
        (15, 11, measures.BELOW),  # −4: one point short
        (10, 15, measures.WORSENED),  # +5: exactly the MCID, the worse way
        (10, 14, measures.BELOW),
        (20, 3, measures.IMPROVED),
        (12, 12, measures.BELOW),
    ],
)
def test_phq9_verdict_at_the_loewe_threshold(before, after, verdict):
    view = measures.series(PHQ9, [phq9(before, "2026-01-05"), phq9(after, "2026-02-05")], LIMITS["phq9"])
    assert view["verdict"] == verdict
    assert view["points"][1]["from_baseline"]["change"] == after - before


def test_gad7_threshold_is_four_points():
    def gad(total, date):
        answers = {}
        for key in range(1, 8):
            answers[str(key)] = min(3, total)
            total -= answers[str(key)]
        return measures.record(GAD7, answers, date)

    assert measures.series(GAD7, [gad(12, "2026-01-05"), gad(8, "2026-02-05")], LIMITS["gad7"])["verdict"] == (
        measures.IMPROVED
    )
    assert measures.series(GAD7, [gad(12, "2026-01-05"), gad(9, "2026-02-05")], LIMITS["gad7"])["verdict"] == (
        measures.BELOW
    )


def test_three_measures_in_date_order_with_baseline_and_previous_changes():
    # Saved out of order: the view orders by date. 18 → 14 → 13.
    entries = [phq9(13, "2026-03-05"), phq9(18, "2026-01-05", item9=2), phq9(14, "2026-02-05", item9=1)]
    view = measures.series(PHQ9, entries, LIMITS["phq9"])
    points = view["points"]
    assert [(p["date"], p["total"], p["band"]) for p in points] == [
        ("2026-01-05", 18, "中重度"),
        ("2026-02-05", 14, "中度"),
        ("2026-03-05", 13, "中度"),
    ]
    assert points[0]["from_baseline"] is None and points[0]["from_previous"] is None
    assert points[1]["from_baseline"] == {"change": -4, "text": "-4 分（未达阈值）", "verdict": measures.BELOW}
    assert points[2]["from_baseline"] == {"change": -5, "text": "-5 分（达到阈值，好转）", "verdict": measures.IMPROVED}
    assert points[2]["from_previous"] == {"change": -1, "text": "-1 分（未达阈值）", "verdict": measures.BELOW}
    assert [p["flags"] for p in points] == [["item9"], ["item9"], []]
    assert points[0]["flag_texts"] == ["第 9 题 > 0，需评估自杀风险"]
    assert "变化 -5 分；与上一次相比变化 -1 分" in view["summary"]
    assert "达到阈值，属于有意义的好转" in view["summary"]


def test_same_day_measures_keep_their_saved_order():
    view = measures.series(PHQ9, [phq9(10, "2026-01-05"), phq9(4, "2026-01-05")], LIMITS["phq9"])
    assert [p["total"] for p in view["points"]] == [10, 4]


def test_without_a_threshold_numbers_but_no_verdict():
    spec = SPECS["cdrisc10"]
    first = measures.record(spec, {str(k): 2 for k in range(1, 11)}, "2026-01-05")
    later = measures.record(spec, {str(k): 3 for k in range(1, 11)}, "2026-04-10")
    view = measures.series(spec, [first, later], None)
    assert view["verdict"] == measures.NO_VERDICT
    assert view["points"][1]["from_baseline"] == {"change": 10, "text": "+10 分", "verdict": measures.NO_VERDICT}
    assert "不判断变化是否有临床意义" in view["summary"]


def test_one_measure_has_no_change():
    view = measures.series(PHQ9, [phq9(7, "2026-01-05")], LIMITS["phq9"])
    assert view["verdict"] == measures.NO_VERDICT
    assert "只有一次测量" in view["summary"]


def test_bands_are_shaded_edge_to_edge_over_the_score_range():
    bands = measures.series(PHQ9, [phq9(7, "2026-01-05")], None)["bands"]
    assert [(b["label"], b["from"], b["to"]) for b in bands] == [
        ("无或极轻", 0, 4.5),
        ("轻度", 4.5, 9.5),
        ("中度", 9.5, 14.5),
        ("中重度", 14.5, 19.5),
        ("重度", 19.5, 27),
    ]


def test_an_older_rule_version_is_rescored_from_its_answers():
    old = phq9(12, "2026-01-05")
    old["version"] = "phq9-1999.0"
    old["total"] = 99
    point = measures.series(PHQ9, [old], None)["points"][0]
    assert point["total"] == 12 and point["rescored"] is True


def test_entries_of_another_instrument_are_refused():
    with pytest.raises(EngineError):
        measures.series(GAD7, [phq9(5, "2026-01-05")], None)
    with pytest.raises(EngineError):
        measures.series(PHQ9, [], None)


# ---------------------------------------------------------------- storage


def stored(entries):
    return {"format": 1, "current": "肿瘤科-A", "cases": {"肿瘤科-A": {"checklists": {}, "measures": entries}}}


def test_saved_measures_pass_the_store_and_import_checks():
    value = stored([phq9(18, "2026-01-05", item9=2), phq9(13, "2026-03-05")])
    assert storage.check_store("cases", value) is value
    envelope = storage.envelope("cases", {"cases": value["cases"]})
    assert storage.check_import("cases", envelope)["cases"]["肿瘤科-A"]["measures"][1]["total"] == 13


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(total="18"), "总分无效"),
        (lambda e: e.update(total=True), "总分无效"),
        (lambda e: e.update(date="2026-02-30x"), "日期无效"),
        (lambda e: e.pop("version"), "评分规则版本"),
        (lambda e: e.update(instrument=""), "缺少量表"),
        (lambda e: e.update(flags="item9"), "警示项无效"),
        (lambda e: e.update(subscales={"a": "3"}), "分量表 a 无效"),
        (lambda e: e.update(answers={"1": [1]}), "第 1 题答案无效"),
        (lambda e: e.update(answers={"__proto__": 1}), "不允许的名称"),
        (lambda e: e.update(band=3), "分级无效"),
    ],
)
def test_a_damaged_measure_makes_the_store_unreadable(change, message):
    entry = phq9(10, "2026-01-05")
    change(entry)
    with pytest.raises(storage.StorageError, match=message):
        storage.check_store("cases", stored([entry]))


def test_measures_must_be_a_list():
    value = stored([])
    value["cases"]["肿瘤科-A"]["measures"] = {"0": phq9(10, "2026-01-05")}
    with pytest.raises(storage.StorageError, match="测量记录格式损坏"):
        storage.check_store("cases", value)


def test_a_case_label_with_a_digit_run_is_refused_with_its_measures():
    value = stored([phq9(10, "2026-01-05")])
    value["cases"] = {"住院号123456": copy.deepcopy(value["cases"]["肿瘤科-A"])}
    with pytest.raises(storage.StorageError, match="一长串数字"):
        storage.check_store("cases", value)
