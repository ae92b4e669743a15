"""engine.casework: the hospital tools' decisions (crisis response, discharge readiness, resource finder).

Item meanings come from roles in the data, so the cases below pick items by role, not by wording; the
specs go through a JSON round trip as in the browser bundle.
"""

import json

import pytest

from catalog import checklists
from engine.casework import CaseworkError, evaluate


@pytest.fixture(scope="module")
def specs():
    return json.loads(json.dumps(checklists.load_all(), ensure_ascii=False))


def ids(spec, role):
    return [item["id"] for group in spec["groups"] for item in group["items"] if item.get("role") == role]


def texts(spec, item_ids):
    by_id = {item["id"]: item["text"] for group in spec["groups"] for item in group["items"]}
    return [by_id[i] for i in item_ids]


def run(spec, ticked):
    return evaluate(spec, {"checks": {i: True for i in ticked}, "fields": {}})


def shape(result, decision):
    assert set(result) == {"decision", "status", "level", "message", "missing"}
    assert result["decision"] == decision
    assert result["message"].endswith("。")


# ---------------------------------------------------------------- crisis


def test_crisis_without_indicator_is_never_green(specs):
    spec = specs["crisis"]
    for ticked in ([], ids(spec, "safety_step"), ids(spec, "follow_step")):
        result = run(spec, ticked)
        shape(result, "crisis_response")
        assert (result["status"], result["level"], result["missing"]) == ("no_indicator", "warn", [])
        assert "没有勾选任何风险迹象" in result["message"] and "不等于没有风险" in result["message"]


@pytest.mark.parametrize(
    "indicator", ["phq9_item9", "says_ideation", "has_plan", "has_means", "past_attempt", "farewell"]
)
def test_any_single_risk_sign_names_safety_first_then_the_rest(specs, indicator):
    spec = specs["crisis"]
    assert indicator in ids(spec, "risk_indicator")
    result = run(spec, [indicator])
    shape(result, "crisis_response")
    assert (result["status"], result["level"]) == ("act_now", "stop")
    safety, rest = ids(spec, "safety_step"), ids(spec, "immediate_step")
    assert result["missing"] == texts(spec, safety + rest)
    head = result["message"].split("然后")[0]
    assert all(t in head for t in texts(spec, safety)) and not any(t in head for t in texts(spec, rest))
    assert texts(spec, ids(spec, "emergency_step"))[0] not in result["message"]


def test_only_the_lower_steps_left_is_a_warning_not_a_stop(specs):
    spec = specs["crisis"]
    steps = ids(spec, "safety_step") + ids(spec, "immediate_step")
    result = run(spec, ["says_ideation", "has_plan"] + steps[:-1])
    assert (result["status"], result["level"]) == ("finish_steps", "warn")
    assert result["missing"] == texts(spec, steps[-1:])
    assert "2 项风险迹象" in result["message"]


def test_follow_up_steps_do_not_count_as_immediate_steps(specs):
    spec = specs["crisis"]
    result = run(spec, ["past_attempt"] + ids(spec, "follow_step"))
    assert (result["status"], result["level"]) == ("act_now", "stop")
    assert result["missing"] == texts(spec, ids(spec, "safety_step") + ids(spec, "immediate_step"))


def test_the_consult_is_later_work_the_doctor_decides(specs):
    spec = specs["crisis"]
    assert "consult" in ids(spec, "follow_step")
    steps = ids(spec, "safety_step") + ids(spec, "immediate_step")
    result = run(spec, ["has_means"] + steps)
    assert (result["status"], result["level"]) == ("follow_up", "warn")
    assert texts(spec, ["consult"])[0] in result["missing"]


def test_immediate_steps_done_then_follow_up_then_all_done(specs):
    spec = specs["crisis"]
    steps, later = ids(spec, "safety_step") + ids(spec, "immediate_step"), ids(spec, "follow_step")
    result = run(spec, ["has_means"] + steps)
    assert (result["status"], result["level"]) == ("follow_up", "warn")
    assert result["missing"] == texts(spec, later)
    result = run(spec, ["has_means"] + steps + later)
    assert (result["status"], result["level"], result["missing"]) == ("all_done", "warn", [])
    assert "风险仍然存在" in result["message"]


def test_emergency_puts_calling_the_medical_team_before_everything(specs):
    spec = specs["crisis"]
    emergency, call = ids(spec, "emergency_indicator"), ids(spec, "emergency_step")
    assert emergency and call
    result = run(spec, emergency)
    assert (result["status"], result["level"]) == ("emergency", "stop")
    assert result["message"].startswith("这是医疗急症")
    assert result["missing"][0] == texts(spec, call)[0]
    assert "医疗急症" not in run(spec, ["says_ideation"])["message"]
    after_call = run(spec, emergency + call)
    assert (after_call["status"], after_call["level"]) == ("act_now", "stop")


def test_minor_injured_by_self_harm_must_be_reported_to_the_police(specs):
    """2020 强制报告意见 第四条（五）: a minor injured by suicide or self-harm is reported to the police at once."""
    spec = specs["crisis"]
    minor, report = ids(spec, "minor"), ids(spec, "report_step")
    assert minor and report
    everything_else = (
        ids(spec, "emergency_indicator")
        + ids(spec, "emergency_step")
        + ids(spec, "safety_step")
        + ids(spec, "immediate_step")
    )
    result = run(spec, minor + everything_else)
    assert (result["status"], result["level"]) == ("act_now", "stop")
    assert result["missing"] == texts(spec, report)
    assert "公安机关" in result["message"]
    assert run(spec, minor + everything_else + report)["status"] == "follow_up"
    adult = run(spec, everything_else)
    assert adult["status"] == "follow_up", "no police report is asked for an adult"
    talk_only = run(spec, minor + ["says_ideation"] + ids(spec, "safety_step") + ids(spec, "immediate_step"))
    assert talk_only["status"] == "follow_up", "words alone, without an injury, are not 第四条（五）"


# ---------------------------------------------------------------- discharge


def test_discharge_complete_with_or_without_factors(specs):
    spec = specs["discharge"]
    steps = ids(spec, "discharge_step")
    for factors in ([], ids(spec, "risk_factor")[:1], ids(spec, "risk_factor")):
        result = run(spec, factors + steps)
        shape(result, "discharge_readiness")
        assert (result["status"], result["level"], result["missing"]) == ("complete", "ok", [])


def test_discharge_high_risk_and_incomplete_stops(specs):
    spec = specs["discharge"]
    steps = ids(spec, "discharge_step")
    factor = ids(spec, "risk_factor")[0]
    result = run(spec, [factor] + steps[:-1])
    assert (result["status"], result["level"]) == ("incomplete_high_risk", "stop")
    assert result["missing"] == texts(spec, steps[-1:])
    assert "有 1 项" in result["message"] and "还缺 1 项" in result["message"]
    assert texts(spec, [factor])[0] in result["message"]


def test_discharge_without_factors_warns_and_lists_all_missing_in_order(specs):
    spec = specs["discharge"]
    steps = ids(spec, "discharge_step")
    result = run(spec, [])
    assert (result["status"], result["level"]) == ("incomplete", "warn")
    assert result["missing"] == texts(spec, steps)
    assert "还缺 %d 项" % len(steps) in result["message"]


# ---------------------------------------------------------------- resource finder


def programme_titles(result):
    return [line.split("：")[0] for line in result["missing"]]


def titles(spec, programme_ids):
    by_id = {p["id"]: p["title"] for p in spec["programmes"]}
    return [by_id[i] for i in programme_ids]


def test_nothing_ticked_asks_for_the_situation(specs):
    result = run(specs["resources"], [])
    shape(result, "resource_finder")
    assert (result["status"], result["level"], result["missing"]) == ("no_situation", "warn", [])


@pytest.mark.parametrize(
    "ticked, expected",
    [
        (["not_insured"], ["enrol"]),
        (["insured_resident"], ["settle", "critical_illness"]),
        (["insured_employee"], ["settle", "employee_extra"]),
        (["dibao_tekun"], ["medical_aid", "charity_projects"]),
        (["low_income_edge"], ["medical_aid", "dibao_apply"]),
        (["low_income_edge", "dibao_tekun"], ["medical_aid", "charity_projects"]),
        (["sudden_hardship"], ["temporary_aid"]),
        (["child_or_serious"], ["charity_projects"]),
        (["high_cost"], ["medical_aid", "temporary_aid", "charity_projects", "public_fundraising"]),
        (["not_insured", "insured_resident"], ["enrol"]),
        (["not_insured", "out_of_area"], ["enrol"]),
    ],
)
def test_programmes_follow_the_data_conditions_in_data_order(specs, ticked, expected):
    spec = specs["resources"]
    result = run(spec, ticked)
    assert (result["status"], result["level"]) == ("found", "ok")
    assert programme_titles(result) == titles(spec, expected)
    assert "建议查看 %d 个项目" % len(expected) in result["message"]


def test_each_programme_carries_its_reason_and_the_ticked_situations(specs):
    spec = specs["resources"]
    result = run(spec, ["insured_resident", "high_cost"])
    by_id = {p["id"]: p for p in spec["programmes"]}
    line = [m for m in result["missing"] if m.startswith(by_id["medical_aid"]["title"] + "：")][0]
    assert by_id["medical_aid"]["reason"] in line
    assert texts(spec, ["high_cost"])[0] in line and texts(spec, ["insured_resident"])[0] not in line
    line = [m for m in result["missing"] if m.startswith(by_id["critical_illness"]["title"] + "：")][0]
    assert texts(spec, ["insured_resident"])[0] in line


def test_no_match_is_said_plainly(specs):
    spec = json.loads(json.dumps(specs["resources"]))
    spec["programmes"] = [p for p in spec["programmes"] if p["id"] == "enrol"]
    result = run(spec, ["high_cost"])
    assert (result["status"], result["level"], result["missing"]) == ("none_matched", "warn", [])


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda s: s.pop("programmes"), ["programmes"]),
        (lambda s: s["programmes"][0].update(when_any="not_insured"), ["when_any"]),
        (lambda s: s["programmes"][0].update(when_any=["ghost"]), ["ghost"]),
        (lambda s: s["programmes"][0].pop("reason"), ["理由"]),
    ],
)
def test_broken_programmes_raise_in_the_engine(specs, mutate, words):
    spec = json.loads(json.dumps(specs["resources"]))
    mutate(spec)
    with pytest.raises(CaseworkError) as info:
        run(spec, ["not_insured"])
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize(
    "situation, programme",
    [
        ("emergency_unpaid", "疾病应急救助"),  # 国办发〔2013〕15号
        ("work_injury", "工伤保险"),  # 《工伤保险条例》
        ("traffic_accident", "道路交通事故社会救助基金"),  # 财政部等五部门令第107号
    ],
)
def test_resource_finder_names_the_dedicated_payment_routes(specs, situation, programme):
    result = run(specs["resources"], [situation])
    assert result["status"] == "found"
    assert [m for m in result["missing"] if programme in m.split("：")[0]], result["missing"]
    others = run(specs["resources"], ["high_cost"])
    assert not [m for m in others["missing"] if programme in m.split("：")[0]]
