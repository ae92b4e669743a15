"""Decisions behind the case-work checklists (转介、服务计划完整性、结案准备).

Runs unchanged in CPython, Pyodide and MicroPython: plain standard library, no typing or
dataclasses, and nothing relies on dict order. The meaning of each item comes from the data
file (an item's `role`), never from its wording.

evaluate(spec, state)
    spec  -- one checklist as loaded from data/checklists/<id>.yml (or the JSON bundle)
    state -- {"checks": {item_id: bool}, "fields": {field_id: str}}
    returns {"decision", "status", "level", "message", "missing"}: `message` is one Chinese sentence
    (counts, and the situations that apply); `missing` lists the texts of the items still to do, in
    the order of the data file (for the resource finder: each programme to look at, with its reason).
    Bad input raises CaseworkError.
"""

from engine.errors import EngineError

LEVELS = ("ok", "warn", "stop")

# decision id -> (roles that must be present in the checklist, roles that may be present)
DECISIONS = {
    "referral": (("referral_reason",), ()),
    "plan_completeness": (("plan_content", "worker_requirement"), ()),
    "closure_readiness": (("closing_situation", "closing_step"), ("closing_form",)),
    "crisis_response": (
        ("risk_indicator", "immediate_step"),
        ("emergency_indicator", "emergency_step", "safety_step", "minor", "report_step", "follow_step"),
    ),
    "discharge_readiness": (("discharge_step",), ("risk_factor",)),
    "resource_finder": (("situation",), ()),
}


class CaseworkError(EngineError):
    """The checklist or its state cannot be evaluated; the message is a Chinese sentence."""


def decision_ids():
    """Every decision the engine knows, sorted."""
    return sorted(DECISIONS)


def allowed_roles(decision):
    """Roles an item may carry in a checklist with this decision (sorted)."""
    if decision not in DECISIONS:
        return []
    required, optional = DECISIONS[decision]
    return sorted(list(required) + list(optional))


def required_roles(decision):
    """Roles that must each mark at least one item in a checklist with this decision (sorted)."""
    if decision not in DECISIONS:
        return []
    return sorted(DECISIONS[decision][0])


def _title(spec):
    title = spec.get("title") if isinstance(spec, dict) else None
    return title if isinstance(title, str) and title else "（未命名清单）"


def _items(spec):
    """All items of the checklist, in the order of the data file: a list of dicts."""
    if not isinstance(spec, dict):
        raise CaseworkError("清单数据应为映射，实际是 " + type(spec).__name__)
    groups = spec.get("groups")
    if not isinstance(groups, list) or not groups:
        raise CaseworkError("清单“" + _title(spec) + "”没有条目组")
    items = []
    for group in groups:
        entries = group.get("items") if isinstance(group, dict) else None
        if not isinstance(entries, list):
            raise CaseworkError("清单“" + _title(spec) + "”的条目组格式错误")
        for item in entries:
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("id"), str)
                or not isinstance(item.get("text"), str)
            ):
                raise CaseworkError("清单“" + _title(spec) + "”中有条目缺少编号或文字")
            items.append(item)
    return items


def _field_ids(spec):
    ids = []
    fields = spec.get("fields") or []
    if not isinstance(fields, list):
        raise CaseworkError("清单“" + _title(spec) + "”的填写栏格式错误")
    for field in fields:
        if not isinstance(field, dict) or not isinstance(field.get("id"), str):
            raise CaseworkError("清单“" + _title(spec) + "”中有填写栏缺少编号")
        ids.append(field["id"])
    return ids


def check_state(spec, state):
    """Validate a state against the checklist; return (checks, fields) with every item present.

    Unticked or absent items count as False, absent fields as "".
    """
    title = _title(spec)
    items = _items(spec)
    field_ids = _field_ids(spec)
    if not isinstance(state, dict):
        raise CaseworkError("清单“" + title + "”的填写状态应为映射（checks、fields），实际是 " + type(state).__name__)
    extra = sorted([str(key) for key in state if key not in ("checks", "fields")])
    if extra:
        raise CaseworkError("清单“" + title + "”的填写状态中有未知的键：" + "、".join(extra))
    checks = state.get("checks")
    fields = state.get("fields")
    if checks is None:
        checks = {}
    if fields is None:
        fields = {}
    if not isinstance(checks, dict):
        raise CaseworkError("清单“" + title + "”的 checks 应为映射（条目编号: 是/否）")
    if not isinstance(fields, dict):
        raise CaseworkError("清单“" + title + "”的 fields 应为映射（填写栏编号: 文字）")
    known = {}
    for item in items:
        known[item["id"]] = False
    unknown = sorted([str(key) for key in checks if key not in known])
    if unknown:
        raise CaseworkError("清单“" + title + "”中没有这些条目：" + "、".join(unknown))
    for key in sorted(checks):
        value = checks[key]
        if type(value) is not bool:
            raise CaseworkError("清单“" + title + "”条目 " + key + " 的值应为 true 或 false，实际是 " + repr(value))
        known[key] = value
    unknown = sorted([str(key) for key in fields if key not in field_ids])
    if unknown:
        raise CaseworkError("清单“" + title + "”中没有这些填写栏：" + "、".join(unknown))
    texts = {}
    for key in field_ids:
        texts[key] = ""
    for key in sorted(fields):
        value = fields[key]
        if not isinstance(value, str):
            raise CaseworkError("清单“" + title + "”填写栏 " + key + " 的内容应为文字，实际是 " + repr(value))
        texts[key] = value
    return known, texts


def _with_role(items, role):
    return [item for item in items if item.get("role") == role]


def _quoted(items):
    return "；".join(["“" + item["text"] + "”" for item in items])


def _result(decision, status, level, message, missing):
    return {"decision": decision, "status": status, "level": level, "message": message, "missing": missing}


def _referral(items, checks):
    reasons = _with_role(items, "referral_reason")
    met = [item for item in reasons if checks[item["id"]]]
    if met:
        return _result(
            "referral",
            "allowed",
            "ok",
            "可以转介：符合允许转介的情形——" + _quoted(met) + "。转介前向服务对象说明原因，"
            "并把个案记录作为转介依据交给接收的机构。",
            [],
        )
    return _result(
        "referral",
        "not_allowed",
        "stop",
        "不应转介：只有在 " + str(len(reasons)) + " 种情形下才允许转介（" + _quoted(reasons) + "），"
        "目前一种也没有勾选，应由本机构继续提供服务。",
        [],
    )


def _plan(items, checks):
    contents = _with_role(items, "plan_content")
    duties = _with_role(items, "worker_requirement")
    missing_contents = [item for item in contents if not checks[item["id"]]]
    missing_duties = [item for item in duties if not checks[item["id"]]]
    missing = [item["text"] for item in missing_contents + missing_duties]
    if missing_contents:
        message = "服务计划还不完整：" + str(len(contents)) + " 项基本内容还缺 " + str(len(missing_contents)) + " 项"
        if missing_duties:
            message += "，另有 " + str(len(missing_duties)) + " 项对社会工作者的要求尚未确认"
        message += "。补齐后再与服务对象商定服务协议。"
        return _result("plan_completeness", "incomplete", "stop", message, missing)
    if missing_duties:
        return _result(
            "plan_completeness",
            "requirements_open",
            "warn",
            "计划的 "
            + str(len(contents))
            + " 项基本内容已齐全，但还有 "
            + str(len(missing_duties))
            + " 项对社会工作者的要求尚未确认。",
            missing,
        )
    return _result(
        "plan_completeness",
        "complete",
        "ok",
        "服务计划完整："
        + str(len(contents))
        + " 项内容齐全，"
        + str(len(duties))
        + " 项对社会工作者的要求都已确认。可以据此与服务对象商定服务协议。",
        [],
    )


def _closure(items, checks):
    situations = _with_role(items, "closing_situation")
    steps = _with_role(items, "closing_step")
    forms = _with_role(items, "closing_form")
    met = [item for item in situations if checks[item["id"]]]
    if not met:
        return _result(
            "closure_readiness",
            "no_situation",
            "stop",
            "还不能结案：" + str(len(situations)) + " 种可以结案的情形一种也没有勾选。",
            [],
        )
    remaining = [item for item in steps if not checks[item["id"]]]
    if remaining:
        return _result(
            "closure_readiness",
            "steps_remaining",
            "warn",
            "符合可以结案的情形（"
            + _quoted(met)
            + "），但 "
            + str(len(steps))
            + " 项结案处置还有 "
            + str(len(remaining))
            + " 项没有完成，完成后才能结案。",
            [item["text"] for item in remaining],
        )
    chosen = [item for item in forms if checks[item["id"]]]
    if chosen:
        form_text = "已选的结案形式：" + _quoted(chosen) + "。"
    elif forms:
        form_text = "请从 " + str(len(forms)) + " 种结案形式中选定一种（" + _quoted(forms) + "）。"
    else:
        form_text = "请选定结案的形式。"
    return _result(
        "closure_readiness",
        "ready",
        "ok",
        "可以结案：符合情形（"
        + _quoted(met)
        + "），"
        + str(len(steps))
        + " 项结案处置都已完成。"
        + form_text
        + "结案不等于服务结束，请安排跟踪服务。",
        [],
    )


# The crisis checklist's written priority order (hospital/crisis.md «先后顺序»): the steps still open are named
# tier by tier, and the verdict is set by the highest tier with an open step.
#   1. emergency_step -- only when an emergency_indicator is ticked (self-harm under way): call the medical team.
#   2. safety_step    -- someone stays with the person, the doctor is told, means are dealt with.
#   3. report_step    -- only for a minor (an item with role `minor`) injured by self-harm: the 2020 强制报告
#                        opinion, 第四条(五), asks for an immediate report to the police.
#   4. immediate_step -- the rest of the first hour (asking directly, the limits of confidentiality, the supervisor).
#   5. follow_step    -- later work, including the consult the doctor decides on.
# Tiers 1-3 open: stop. Only tier 4 or 5 open, or all done: warn. Never ok: risk signs do not go away by ticking,
# and a checklist with no sign ticked is not an all-clear either.
_CRISIS_STOP_TIERS = ("emergency_step", "safety_step", "report_step")


def _crisis_tiers(items, checks, emergency):
    """[(role, open items)] in priority order, skipping the tiers that do not apply to this case."""
    minor = [item for item in _with_role(items, "minor") if checks[item["id"]]]
    tiers = []
    for role in _CRISIS_STOP_TIERS + ("immediate_step",):
        if role == "emergency_step" and not emergency:
            continue
        if role == "report_step" and not (emergency and minor):
            continue
        tiers.append((role, [item for item in _with_role(items, role) if not checks[item["id"]]]))
    return tiers


def _crisis(items, checks):
    emergencies = [item for item in _with_role(items, "emergency_indicator") if checks[item["id"]]]
    signs = [
        item for item in items if item.get("role") in ("risk_indicator", "emergency_indicator") and checks[item["id"]]
    ]
    minor = [item for item in _with_role(items, "minor") if checks[item["id"]]]
    later = _with_role(items, "follow_step")
    if not signs:
        return _result(
            "crisis_response",
            "no_indicator",
            "warn",
            "没有勾选任何风险迹象，这不等于没有风险：有疑虑时直接询问想法、计划、手段和既往尝试，并告诉医生。",
            [],
        )
    lead = "出现 " + str(len(signs)) + " 项风险迹象（" + _quoted(signs) + "）"
    if emergencies:
        lead = "这是医疗急症，先呼叫医护抢救。" + lead
    if minor and emergencies:
        lead += "；当事人未满 18 周岁且已受伤，须立即向公安机关报案（强制报告）"
    elif minor:
        lead += "；当事人未满 18 周岁，如发现已因自伤受伤，须立即向公安机关报案（强制报告）"
    tiers = _crisis_tiers(items, checks, emergencies)
    remaining = []
    for _role, open_items in tiers:
        remaining += open_items
    first = [(role, open_items) for role, open_items in tiers if open_items]
    if first:
        role, now = first[0]
        rest = len(remaining) - len(now)
        message = lead + ("：先做——" if role in _CRISIS_STOP_TIERS else "：还要完成——") + _quoted(now)
        if rest:
            message += "；然后还有 " + str(rest) + " 项立即步骤"
        return _result(
            "crisis_response",
            "emergency" if role == "emergency_step" else ("act_now" if role in _CRISIS_STOP_TIERS else "finish_steps"),
            "stop" if role in _CRISIS_STOP_TIERS else "warn",
            message + "。",
            [item["text"] for item in remaining],
        )
    open_later = [item for item in later if not checks[item["id"]]]
    if open_later:
        return _result(
            "crisis_response",
            "follow_up",
            "warn",
            lead + "：立即步骤都已完成，接下来还有 " + str(len(open_later)) + " 项工作——" + _quoted(open_later) + "。",
            [item["text"] for item in open_later],
        )
    return _result(
        "crisis_response",
        "all_done",
        "warn",
        lead + "：各项步骤都已完成。风险仍然存在，请按安全计划继续跟进，情况变化时重新告知医生。",
        [],
    )


def _discharge(items, checks):
    factors = [item for item in _with_role(items, "risk_factor") if checks[item["id"]]]
    steps = _with_role(items, "discharge_step")
    remaining = [item for item in steps if not checks[item["id"]]]
    risk = ""
    if factors:
        risk = "有 " + str(len(factors)) + " 项出院后可能遇到困难的因素（" + _quoted(factors) + "），"
    if not remaining:
        return _result(
            "discharge_readiness",
            "complete",
            "ok",
            risk + "出院计划的 " + str(len(steps)) + " 项工作都已完成。请按约定时间随访。",
            [],
        )
    if factors:
        return _result(
            "discharge_readiness",
            "incomplete_high_risk",
            "stop",
            risk + "出院计划的 " + str(len(steps)) + " 项工作还缺 " + str(len(remaining)) + " 项，补齐后再安排出院。",
            [item["text"] for item in remaining],
        )
    return _result(
        "discharge_readiness",
        "incomplete",
        "warn",
        "没有勾选出院后困难的因素；出院计划的 " + str(len(steps)) + " 项工作还缺 " + str(len(remaining)) + " 项。",
        [item["text"] for item in remaining],
    )


def _id_list(spec, programme, key):
    """A programme's list of item ids under `key` (absent means empty)."""
    ids = programme.get(key)
    if ids is None:
        return []
    if not isinstance(ids, list) or not all([isinstance(i, str) for i in ids]):
        raise CaseworkError(
            "清单“" + _title(spec) + "”中项目 " + str(programme.get("id")) + " 的 " + key + " 应为条目编号的列表"
        )
    return ids


def _resources(spec, items, checks):
    """Programmes whose conditions match the ticked situations, in data order, each with its reason."""
    programmes = spec.get("programmes")
    if not isinstance(programmes, list) or not programmes:
        raise CaseworkError("清单“" + _title(spec) + "”没有列出任何保障或救助项目（programmes）")
    texts = {}
    for item in _with_role(items, "situation"):
        texts[item["id"]] = item["text"]
    ticked = [item for item in _with_role(items, "situation") if checks[item["id"]]]
    if not ticked:
        return _result(
            "resource_finder",
            "no_situation",
            "warn",
            "还没有勾选患者的情况：请先勾选已知的医保、困难身份和费用情况。",
            [],
        )
    found = []
    for programme in programmes:
        if (
            not isinstance(programme, dict)
            or not isinstance(programme.get("title"), str)
            or not isinstance(programme.get("reason"), str)
        ):
            raise CaseworkError("清单“" + _title(spec) + "”中有项目缺少名称或理由")
        when = _id_list(spec, programme, "when_any")
        unless = _id_list(spec, programme, "unless_any")
        for ident in when + unless:
            if ident not in texts:
                raise CaseworkError(
                    "清单“" + _title(spec) + "”中项目 " + str(programme.get("id")) + " 引用了不存在的情况条目 " + ident
                )
        because = [ident for ident in when if checks[ident]]
        if because and not [ident for ident in unless if checks[ident]]:
            found.append(
                programme["title"]
                + "："
                + programme["reason"]
                + "（依据："
                + "；".join(["“" + texts[i] + "”" for i in because])
                + "）"
            )
    if not found:
        return _result(
            "resource_finder",
            "none_matched",
            "warn",
            "根据勾选的 " + str(len(ticked)) + " 项情况，没有匹配的项目。请向医院医保办和当地民政部门当面咨询。",
            [],
        )
    return _result(
        "resource_finder",
        "found",
        "ok",
        "根据勾选的 "
        + str(len(ticked))
        + " 项情况，建议查看 "
        + str(len(found))
        + " 个项目。能否享受、享受多少由主管部门按当地政策决定，请先核实再告诉家属。",
        found,
    )


_RULES = {
    "referral": _referral,
    "plan_completeness": _plan,
    "closure_readiness": _closure,
    "crisis_response": _crisis,
    "discharge_readiness": _discharge,
}

# Decisions that also read the checklist's own data beyond its items (the resource finder's programmes).
_SPEC_RULES = {
    "resource_finder": _resources,
}


def evaluate(spec, state):
    """Run the checklist's decision on the reader's ticks and notes."""
    decision = spec.get("decision") if isinstance(spec, dict) else None
    if not decision:
        raise CaseworkError("清单“" + _title(spec) + "”没有判断规则")
    if decision not in _RULES and decision not in _SPEC_RULES:
        raise CaseworkError("未知的判断规则：" + str(decision) + "（可用：" + "、".join(decision_ids()) + "）")
    items = _items(spec)
    for role in required_roles(decision):
        if not _with_role(items, role):
            raise CaseworkError("清单“" + _title(spec) + "”缺少标记为 " + role + " 的条目，无法判断")
    checks, _fields = check_state(spec, state)
    if decision in _SPEC_RULES:
        return _SPEC_RULES[decision](spec, items, checks)
    return _RULES[decision](items, checks)
