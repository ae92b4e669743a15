"""engine.casework: the three checklist decisions, with cases taken from the method's rules (s003).

The specs go through a JSON round trip, as in the browser bundle. CASES is plain data so the same
cases can be replayed under MicroPython (see the report; the tests themselves run in CPython).
"""

import json

import pytest

from catalog import checklists
from engine import casework
from engine.casework import CaseworkError, evaluate

REFERRAL_REASONS = ["outside_scope", "outside_area"]
PLAN_CONTENTS = ["basic_info", "problems", "theory", "goals", "phases_methods", "timeframe", "contact"]
PLAN_REQUIREMENTS = ["analyse_needs", "clear_goals", "know_services", "know_self", "know_resources"]
SITUATIONS = ["goals_met", "can_cope", "relationship_strained", "new_needs", "unforeseen"]
STEPS = ["notify_early", "consolidate", "explore_factors", "feelings_follow_up"]
FORMS = ["tell_directly", "longer_intervals", "change_contact"]


def _cases():
    """(name, checklist, ticked item ids, status, level, ids of the items named as missing)."""
    cases = [
        # 转介：只有两种情形允许，单独或同时出现都可以；其他情况一律不允许。
        ("referral: outside scope only", "intake", ["outside_scope"], "allowed", "ok", []),
        ("referral: outside area only", "intake", ["outside_area"], "allowed", "ok", []),
        ("referral: both situations", "intake", ["outside_scope", "outside_area"], "allowed", "ok", []),
        ("referral: nothing ticked", "intake", [], "not_allowed", "stop", []),
        (
            "referral: intake work done, no situation",
            "intake",
            ["request", "intake", "relationship", "referral_checked"],
            "not_allowed",
            "stop",
            [],
        ),
        # 服务计划：缺哪几项就点名哪几项。
        ("plan: everything", "service_plan", PLAN_CONTENTS + PLAN_REQUIREMENTS, "complete", "ok", []),
        (
            "plan: theory and timeframe missing",
            "service_plan",
            [i for i in PLAN_CONTENTS if i not in ("theory", "timeframe")] + PLAN_REQUIREMENTS,
            "incomplete",
            "stop",
            ["theory", "timeframe"],
        ),
        (
            "plan: only contact missing",
            "service_plan",
            PLAN_CONTENTS[:-1] + PLAN_REQUIREMENTS,
            "incomplete",
            "stop",
            ["contact"],
        ),
        (
            "plan: a content and a requirement missing",
            "service_plan",
            PLAN_CONTENTS[1:] + PLAN_REQUIREMENTS[:-1],
            "incomplete",
            "stop",
            ["basic_info", "know_resources"],
        ),
        (
            "plan: contents complete, one requirement open",
            "service_plan",
            PLAN_CONTENTS + [i for i in PLAN_REQUIREMENTS if i != "know_self"],
            "requirements_open",
            "warn",
            ["know_self"],
        ),
        ("plan: nothing ticked", "service_plan", [], "incomplete", "stop", PLAN_CONTENTS + PLAN_REQUIREMENTS),
        # 结案：没有情形不能结案；有情形但处置未完成要点名；全部完成才可以结案。
        ("closure: nothing ticked", "closing", [], "no_situation", "stop", []),
        (
            "closure: steps and form done but no situation",
            "closing",
            STEPS + ["tell_directly"],
            "no_situation",
            "stop",
            [],
        ),
        (
            "closure: two steps left",
            "closing",
            ["goals_met", "notify_early", "consolidate"],
            "steps_remaining",
            "warn",
            ["explore_factors", "feelings_follow_up"],
        ),
        (
            "closure: last step left",
            "closing",
            ["can_cope"] + STEPS[:-1],
            "steps_remaining",
            "warn",
            ["feelings_follow_up"],
        ),
        (
            "closure: all situations, all steps, a form",
            "closing",
            SITUATIONS + STEPS + ["longer_intervals"],
            "ready",
            "ok",
            [],
        ),
    ]
    for situation in SITUATIONS:
        cases.append(("closure: %s, all steps" % situation, "closing", [situation] + STEPS, "ready", "ok", []))
        cases.append(("closure: %s, no steps" % situation, "closing", [situation], "steps_remaining", "warn", STEPS))
        cases.append(
            ("closure: %s, forms only" % situation, "closing", [situation] + FORMS, "steps_remaining", "warn", STEPS)
        )
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def specs():
    """The checklists as the browser receives them (JSON bundle)."""
    return json.loads(json.dumps(checklists.load_all(), ensure_ascii=False))


def text_of(spec, item_id):
    for group in spec["groups"]:
        for item in group["items"]:
            if item["id"] == item_id:
                return item["text"]
    raise KeyError(item_id)


def state(spec, ticked, fields=None):
    """A full state: every item present, ticked ones True."""
    checks = {}
    for group in spec["groups"]:
        for item in group["items"]:
            checks[item["id"]] = item["id"] in ticked
    return {"checks": checks, "fields": fields or {}}


@pytest.mark.parametrize("name, ident, ticked, status, level, missing", CASES, ids=[c[0] for c in CASES])
def test_decision(specs, name, ident, ticked, status, level, missing):
    spec = specs[ident]
    result = evaluate(spec, state(spec, ticked))
    assert result["decision"] == spec["decision"]
    assert (result["status"], result["level"]) == (status, level), result["message"]
    assert result["missing"] == [text_of(spec, i) for i in missing]
    assert set(result) == {"decision", "status", "level", "message", "missing"}
    assert result["level"] in casework.LEVELS
    assert isinstance(result["message"], str) and result["message"].endswith("。")


def test_sparse_state_counts_absent_items_as_unticked(specs):
    spec = specs["intake"]
    assert evaluate(spec, {"checks": {"outside_area": True}, "fields": {}})["status"] == "allowed"
    assert evaluate(spec, {"checks": {}})["status"] == "not_allowed"
    assert evaluate(spec, {})["status"] == "not_allowed"


def test_referral_messages_name_the_two_situations(specs):
    spec = specs["intake"]
    refused = evaluate(spec, state(spec, ["request"]))["message"]
    for item_id in REFERRAL_REASONS:
        assert text_of(spec, item_id) in refused
    allowed = evaluate(spec, state(spec, ["outside_area"]))["message"]
    assert text_of(spec, "outside_area") in allowed and text_of(spec, "outside_scope") not in allowed


def test_ready_reminds_forms_and_follow_up(specs):
    spec = specs["closing"]
    without_form = evaluate(spec, state(spec, ["unforeseen"] + STEPS))["message"]
    for item_id in FORMS:
        assert text_of(spec, item_id) in without_form
    assert "跟踪服务" in without_form
    with_form = evaluate(spec, state(spec, ["goals_met", "change_contact"] + STEPS))["message"]
    assert text_of(spec, "change_contact") in with_form and text_of(spec, "tell_directly") not in with_form
    assert "跟踪服务" in with_form


def test_messages_give_counts_and_missing_gives_texts(specs):
    plan = specs["service_plan"]
    result = evaluate(
        plan, state(plan, [i for i in PLAN_CONTENTS + PLAN_REQUIREMENTS if i not in ("theory", "know_self")])
    )
    assert "7 项基本内容还缺 1 项" in result["message"] and "另有 1 项" in result["message"]
    assert result["missing"] == [text_of(plan, "theory"), text_of(plan, "know_self")]
    closing = specs["closing"]
    result = evaluate(closing, state(closing, ["new_needs", "notify_early", "consolidate"]))
    assert "4 项结案处置还有 2 项没有完成" in result["message"]
    assert text_of(closing, "new_needs") in result["message"]


def test_fields_are_accepted_and_do_not_change_the_decision(specs):
    spec = specs["closing"]
    notes = {"closing_reason": "目标已达到", "follow_up_plan": ""}
    assert evaluate(spec, state(spec, ["goals_met"] + STEPS, notes))["status"] == "ready"


@pytest.mark.parametrize(
    "bad_state, words",
    [
        ({"checks": {"no_such_item": True}}, ["no_such_item"]),
        ({"checks": {"outside_scope": "yes"}}, ["outside_scope", "true 或 false"]),
        ({"checks": {"outside_scope": 1}}, ["outside_scope"]),
        ({"checks": {"outside_scope": None}}, ["outside_scope"]),
        ({"fields": {"request_summary": 5}}, ["request_summary", "文字"]),
        ({"fields": {"no_such_field": "x"}}, ["no_such_field"]),
        ({"checks": ["outside_scope"]}, ["checks"]),
        ({"fields": "x"}, ["fields"]),
        ({"checks": {}, "case": "A"}, ["case"]),
        (["outside_scope"], ["映射"]),
        (None, ["映射"]),
    ],
)
def test_invalid_state_raises(specs, bad_state, words):
    with pytest.raises(CaseworkError) as info:
        evaluate(specs["intake"], bad_state)
    for word in words:
        assert word in str(info.value)


def test_checklist_without_decision_raises(specs):
    with pytest.raises(CaseworkError, match="没有判断规则"):
        evaluate(specs["agreement"], {"checks": {}, "fields": {}})


def test_unknown_decision_raises(specs):
    spec = dict(specs["closing"], decision="magic")
    with pytest.raises(CaseworkError, match="未知的判断规则"):
        evaluate(spec, {"checks": {}, "fields": {}})


def test_spec_without_marked_items_raises(specs):
    spec = json.loads(json.dumps(specs["intake"]))
    for group in spec["groups"]:
        for item in group["items"]:
            item.pop("role", None)
    with pytest.raises(CaseworkError, match="referral_reason"):
        evaluate(spec, {"checks": {}, "fields": {}})


def test_decision_table_matches_the_data(specs):
    used = sorted({s["decision"] for s in specs.values() if s.get("decision")})
    assert (
        used
        == casework.decision_ids()
        == [
            "closure_readiness",
            "crisis_response",
            "discharge_readiness",
            "plan_completeness",
            "referral",
            "resource_finder",
        ]
    )
