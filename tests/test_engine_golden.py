"""Every golden case of every instrument (tests/golden/<id>.yml) through engine.scoring.score.

The expected values in the golden files were worked out by hand from the instruments' published
scoring rules (see the comment at the top of each file); the browser golden test walks the same files.
"""

import json
from pathlib import Path

import pytest
import yaml

from catalog import instruments
from engine import scoring

GOLDEN = Path(__file__).parent / "golden"
SPECS = instruments.load_all()
RESULT_KEYS = {"complete", "total", "subscales", "band", "flags", "missing"}


def _cases():
    out = []
    for path in sorted(GOLDEN.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(pytest.param(data["instrument"], case, id=f"{path.stem}: {case['name']}"))
    return out


CASES = _cases()


def test_every_instrument_has_golden_cases():
    covered = {p.values[0] for p in CASES}
    assert covered == set(instruments.ids())
    for sid in instruments.ids():
        kinds = {"error" if "error" in p.values[1] else "expect" for p in CASES if p.values[0] == sid}
        assert kinds == {"error", "expect"}, f"{sid} 需要正常和出错两类用例"


@pytest.mark.parametrize("instrument, case", CASES)
def test_golden_case(instrument, case):
    spec = SPECS[instrument]
    assert set(case) <= {"name", "source", "answers", "expect", "error"}
    assert ("expect" in case) != ("error" in case)
    if "error" in case:
        with pytest.raises(scoring.ScoreError) as caught:
            scoring.score(spec, case["answers"])
        assert case["error"] in str(caught.value)
        return
    expect = case["expect"]
    result = scoring.score(spec, case["answers"])
    assert set(result) == RESULT_KEYS
    assert result["complete"] is expect["complete"]
    if expect["total"] is None:
        assert result["total"] is None
    else:
        assert result["total"] == pytest.approx(expect["total"], abs=1e-9)
        if spec["scoring"].get("decimals", 0) == 0:
            assert isinstance(result["total"], int) and not isinstance(result["total"], bool)
    if expect["band"] is None:
        assert result["band"] is None
    else:
        assert result["band"] == {"index": expect["band"], "label": spec["bands"][expect["band"]]["label"]}
    assert result["subscales"] == expect["subscales"]
    assert result["flags"] == expect["flags"]
    assert result["missing"] == expect["missing"]


def test_unknown_instrument_is_a_score_error():
    for bad in ("nosuch", None, 3, {"id": "x"}, ["phq9"]):
        with pytest.raises(scoring.ScoreError) as caught:
            scoring.score(bad, {})
        assert "未知量表" in str(caught.value)


def test_answers_must_be_a_mapping():
    with pytest.raises(scoring.ScoreError):
        scoring.score(SPECS["phq9"], [0, 1, 2])
    assert scoring.score(SPECS["phq9"], None)["missing"] == [str(i) for i in range(1, 10)]


def test_broken_spec_is_a_score_error_not_a_crash():
    spec = dict(SPECS["gad7"], version="gad7-broken", bands=[])
    with pytest.raises(scoring.ScoreError) as caught:
        scoring.score(spec, {"1": 0})
    assert "量表定义有误" in str(caught.value)


def test_result_survives_json():
    import json

    result = scoring.score(SPECS["brs"], {"1": 5, "2": 1, "3": 4, "4": 2, "5": 4, "6": 2})
    assert json.loads(json.dumps(result)) == result


# ---- the same golden files, and the decision and grading ones, walked through the bridge ----

from catalog import checklists  # noqa: E402
from engine import bridge  # noqa: E402
from tests import golden_walker  # noqa: E402

WALK = golden_walker.cases()


@pytest.fixture(scope="module")
def bundles():
    saved = dict(bridge._bundles)
    bridge._bundles.update({"instruments": SPECS, "checklists": checklists.load_all()})
    yield
    bridge._bundles.clear()
    bridge._bundles.update(saved)


def test_golden_files_cover_scoring_decisions_and_grading():
    fns = {request["fn"] for _, request, _ in WALK}
    assert {"score", "checklist", "grade"} <= fns


@pytest.mark.parametrize("where, request_, case", WALK, ids=[w for w, _, _ in WALK])
def test_golden_case_through_the_bridge(bundles, where, request_, case):
    golden_walker.check(where, case, json.loads(bridge.call(json.dumps(request_))))


# ---- the copied line for the case record, from the answers as the page sends them ----

from engine import instruments as rules  # noqa: E402


def _answers_missing_first(spec, pick):
    """Every required item answered with its pick-th allowed value, except the first one."""
    required = rules.required_items(spec)
    answers = {}
    for item in required[1:]:
        values = rules.allowed_values(item)
        answers[item["key"]] = values[pick % len(values)]
    return answers, required[0]["key"]


@pytest.mark.parametrize("instrument", instruments.ids())
def test_copied_line_names_the_missing_item_and_the_shown_total(instrument):
    spec = SPECS[instrument]
    problems = [] if "problem_list" in spec else None
    for pick in range(3):
        answers, left_out = _answers_missing_first(spec, pick)
        result = scoring.score(spec, answers)
        line = scoring.summary_line(spec, answers, "2026-12-03", problems)
        assert f"缺第 {left_out} 题" in line, line
        if result["complete"]:
            assert f"{scoring.shown(spec, result)['total']}（缺第 {left_out} 题" in line, line
        else:
            assert "未计总分" in line and scoring.shown(spec, result)["total"] == "—"
        if problems is not None:
            assert line.endswith("；问题类别：未勾选。"), line


def test_copied_line_from_a_result_names_flags_without_values():
    """A stored result holds no item values: the line names the flag and nothing it cannot know."""
    spec = SPECS["phq9"]
    answers = {str(i): 0 for i in range(1, 9)} | {"9": 2}
    from_answers = scoring.summary_line(spec, answers, "2026-12-03")
    from_result = scoring.summary_line(spec, scoring.score(spec, answers), "2026-12-03")
    assert from_answers == from_result[:-1] + "：第 9 题 = 2（一半以上的天数）。"


def test_problem_categories_must_be_a_list_of_ids():
    spec = SPECS["nccn_dt"]
    for bad in ("practical", [1], {"practical": True}):
        with pytest.raises(scoring.ScoreError) as caught:
            scoring.summary_line(spec, {"1": 5}, "2026-12-03", bad)
        assert "问题类别" in str(caught.value)
