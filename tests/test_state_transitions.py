"""The store transitions of engine/state.py: every golden case (tests/golden/transitions/*.yml) through the
bridge, as the browser sends them, and the rules that are not a single before/after pair."""

import json

import pytest

from engine import bridge, contract, measures, state, storage
from macros import checklists, instruments
from tests import golden_walker

SPECS = instruments.load_all()
WALK = golden_walker.transition_cases()


@pytest.fixture(scope="module", autouse=True)
def bundles():
    saved = dict(bridge._bundles)
    bridge._bundles.update({"instruments": SPECS, "checklists": checklists.load_all()})
    yield
    bridge._bundles.clear()
    bridge._bundles.update(saved)


def test_every_action_has_a_golden_case():
    done = {request["args"][2]["do"] for _, request, _ in WALK}
    every = set(state.ACTIONS["cases"]) | set(state.ACTIONS["exam"]) | set(state.ACTIONS["both"])
    assert every - done <= {"clock_pause", "clock_expire", "abandon"}, every - done


@pytest.mark.parametrize("where, request_, case", WALK, ids=[w for w, _, _ in WALK])
def test_golden_transition(where, request_, case):
    golden_walker.check(where, case, json.loads(bridge.call(json.dumps(request_))))


def test_a_transition_never_changes_what_it_was_given():
    before = {"format": 1, "rev": 1, "current": "甲", "cases": {"甲": {"checklists": {}}}}
    kept = json.loads(json.dumps(before))
    state.transition(
        "cases",
        before,
        {"do": "tick", "case": "甲", "checklist": "c", "item": "a", "value": True, "today": "2026-12-07"},
    )
    assert before == kept


def test_clock_pause_and_expire_and_abandon():
    paper = {
        "paper": "p",
        "ids": ["a", "b"],
        "responses": {},
        "at": 0,
        "left": 90,
        "deadline": 190,
        "started": "2026-12-07",
    }
    store = dict(state.empty("exam"), mock=paper)
    paused = state.transition("exam", store, {"do": "clock_pause", "now": 150, "left": 40, "at": 1})["store"]["mock"]
    assert (paused["left"], paused["deadline"], paused["at"]) == (40, 190, 1)
    # The page can never add time: a larger "left" keeps what was stored.
    assert (
        state.transition("exam", store, {"do": "clock_pause", "now": 150, "left": 900})["store"]["mock"]["left"] == 90
    )
    done = state.transition("exam", store, {"do": "clock_expire", "now": 190})
    assert done["clock"] == "expired" and done["store"]["mock"]["left"] == 0
    gone = state.transition("exam", store, {"do": "abandon"})
    assert gone["store"]["mock"] is None and gone["store"]["notebook"] == {}


def test_unanswered_never_enters_the_notebook_on_a_big_paper():
    """16 of 80 answered (all wrong): 16 in the 错题本, 64 unanswered kept apart."""
    ids = ["q%02d" % i for i in range(80)]
    questions = [
        {"id": q, "chapter": "c", "type": "single", "options": [{"correct": True}, {"correct": False}]} for q in ids
    ]
    responses = {q: [1] for q in ids[:16]}
    paper = {
        "paper": "p",
        "ids": ids,
        "responses": responses,
        "at": 0,
        "left": 10,
        "deadline": 10,
        "started": "2026-12-07",
    }
    out = state.transition(
        "exam",
        dict(state.empty("exam"), mock=paper),
        {"do": "submit", "today": "2026-12-07", "questions": questions, "responses": responses},
    )
    assert len(out["store"]["notebook"]) == 16
    assert out["result"]["counts"] == {"correct": 0, "wrong": 16, "unanswered": 64}
    assert [i["result"] for i in out["result"]["items"]].count("unanswered") == 64


def test_full_width_digits_count_for_the_id_rule():
    assert storage.digit_run("床１２３４５６") == 6
    assert storage.label_problem("床１２３－４５６")
    assert storage.private_notes(
        {"cases": {"甲": {"checklists": {"c": {"fields": {"n": "电话 １３８　１２３４"}}}}}}
    ) == ["甲"]
    assert not storage.label_problem("内科-A")


PHQ9 = SPECS["phq9"]


def _entry(total, date, answers=None):
    return {
        "instrument": "phq9",
        "version": PHQ9["version"],
        "date": date,
        "total": total,
        "band": None,
        "subscales": {},
        "flags": [],
        "answers": answers or {},
    }


@pytest.mark.parametrize("total", [99, -5, 28])
def test_a_stored_phq9_total_outside_0_to_27_is_refused_not_drawn(total):
    """PHQ-9: nine items scored 0–3, so totals run 0–27 (Kroenke 2001)."""
    entries = [_entry(99, "2026-11-01"), _entry(total, "2026-11-20")]
    with pytest.raises(measures.MeasureError) as caught:
        measures.series(PHQ9, entries, {"change": 5}, "内科-A")
    assert "个案“内科-A”" in str(caught.value) and "总分" in str(caught.value) and "0–27" in str(caught.value)


def test_a_total_that_does_not_match_its_answers_is_refused():
    answers = {str(i): 1 for i in range(1, 10)}  # nine 1s: 9
    with pytest.raises(measures.MeasureError) as caught:
        measures.series(PHQ9, [_entry(12, "2026-11-20", answers)], None, "内科-A")
    assert "2026-11-20" in str(caught.value) and "应为 9" in str(caught.value)


def test_rev_must_be_a_count():
    with pytest.raises(storage.StorageError):
        storage.check_store("cases", {"format": 1, "rev": -1, "cases": {}})
    assert contract.TEXT_KEPT[: contract.TEXT_DIGITS].endswith("９")
