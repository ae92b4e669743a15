"""Every change to what the reader keeps in this browser: pure transitions (store, action) -> (new store, messages).

The pages never change a store themselves: they send an action to transition() (through the bridge), write
the store that comes back and draw the messages. The two stores and their shapes:

    cases: {"format", "rev", "current": label, "cases": {label: {"checklists": {id: {"checks", "fields"}},
            "updated": date, "measures": [engine/measures.py record()]}}}
    exam:  {"format", "rev", "answers": {qid: {correct, date}}, "notebook": {qid: {step, due, wrong}},
            "exams": [{date, points, max, paper, answered, unanswered}], "practice": {set: qid}, "mock": paper|None}

"rev" counts the writes. An action may carry "rev", the revision the page drew, and "was", what the page
showed of the one item it changes: when another tab wrote since (the stored rev differs) and changed that
same item, the action is not applied and the answer carries "conflict" (a Chinese sentence saying what the
other tab did); the page asks the reader and sends the action again with "force": true. Changes to
different items merge by themselves, because every action names the item (and the case) it changes.

transition() answers {"store", "messages", "write"}, "replay" when the write is of an action to send again if
another tab's unseen write replaces it (REPLAYABLE), and, for some actions, "result", "plan", "clock",
"envelope" or "conflict". Refused actions raise StateError with a Chinese message naming case, date and field.
"""

import json

from engine import contract, dates, measures, quiz, scoring, storage
from engine.errors import EngineError


class StateError(EngineError):
    """An action that cannot be applied; the message says why, in Chinese, and nothing was changed."""


UNNAMED = contract.UNNAMED_CASE
MEASURES = contract.MEASURES
# The collections of each store, with their empty value: a stored value missing one is completed with it.
COLLECTIONS = contract.STORE_COLLECTIONS
COLLECTION_NAMES = {
    "cases": "个案列表",
    "answers": "作答记录",
    "notebook": "错题本",
    "exams": "模拟考试记录",
    "practice": "练习进度的位置",
    "mock": "未交卷的模拟试卷",
}
# Per-question results of a submitted paper (the score report reads them).
CORRECT = "correct"
WRONG = "wrong"
UNANSWERED = "unanswered"


def _copy(value):
    # MicroPython has no copy module; every store is JSON.
    return json.loads(json.dumps(value))


def _store_name(name):
    if name not in contract.STORE_KINDS:
        raise StateError("未知的保存内容：" + str(name)[:24])
    return name


def empty(store_name):
    """A store with nothing in it."""
    return _copy(contract.EMPTY_STORES[_store_name(store_name)])


def complete(store_name, value):
    """A checked stored value with every collection present: {"store", "messages"}; the messages name what
    was missing and has been added empty (a store is never used half-present)."""
    out = _copy(value)
    added = []
    for name, blank in COLLECTIONS[_store_name(store_name)]:
        if name not in out:
            out[name] = _copy(blank)
            if blank is not None:
                added.append(COLLECTION_NAMES[name])
    if store_name == "cases" and "current" not in out:
        out["current"] = UNNAMED
    if "rev" not in out:
        out["rev"] = 0
    kind_name = contract.KIND_NAMES[contract.STORE_KINDS[store_name]]
    messages = []
    if added:
        messages.append("本机保存的" + kind_name + "缺少" + "、".join(added) + "，已按空白补全；其余内容照常使用。")
    return {"store": out, "messages": messages}


def _today(action):
    today = action.get("today")
    try:
        dates.day_number(today)
    except (ValueError, TypeError):
        raise StateError("缺少今天的日期")
    return today


def _label(value):
    problem = storage.label_problem(value)
    if problem and value != UNNAMED:
        raise StateError(problem)
    return value


def _case_name(label):
    return "个案“" + storage._clip(label) + "”"


# ---- cases ----------------------------------------------------------------------------------------------


def _case(store, label):
    """The case `label`, created empty when it does not exist yet."""
    cases = store["cases"]
    if label not in cases:
        cases[label] = {"checklists": {}}
    cases[label].setdefault("checklists", {})
    return cases[label]


def _spec(kind, ident):
    from engine import bridge  # the bridge owns the specs the worker has fetched (see bridge._spec)

    return bridge._spec(kind, ident)


def _save_measure(store, action):
    today = _today(action)
    label = _label(action.get("case"))
    spec = _spec("instruments", action.get("instrument"))
    try:
        entry = measures.record(spec, action.get("answers") or {}, action.get("date"))
        measures.check(spec, entry, label, today)
    except EngineError as problem:
        raise StateError(str(problem))
    case = _case(store, label)
    case.setdefault(MEASURES, []).append(entry)
    case["updated"] = today
    store["current"] = label
    shown = scoring.shown(spec, scoring.score(spec, entry["answers"]))
    text = "已保存到" + _case_name(label) + "：" + entry["date"] + "，" + shown["label"] + " " + shown["total"]
    return [text + shown["band"] + "。"]


def _conflict(store, action, now, new, said):
    """The Chinese question when another tab changed this very item since the page drew it to something
    other than what this page wants now, else None."""
    if action.get("force") or "rev" not in action or action["rev"] == store.get("rev"):
        return None
    if now == action.get("was") or now == new:
        return None
    return "另一个标签页刚才" + said + "。要改成本页的内容吗？"


def _checklist_state(store, action):
    label = _label(action.get("case"))
    cid = action.get("checklist")
    if not isinstance(cid, str) or not cid or len(cid) > 64:
        raise StateError("缺少清单编号")
    return label, _case(store, label)["checklists"].setdefault(cid, {"checks": {}, "fields": {}})


# A checklist item the page sets: (action key naming it, action key of its value, the value's type, its
# collection in the checklist's state, its value before anything was saved, what is said when it is invalid).
_ITEMS = {
    "tick": ("item", "value", bool, "checks", False, " 的勾选项无效"),
    "note": ("field", "text", str, "fields", "", " 的填写项无效"),
}


def _other_tab_did(label, what, kind, now):
    """What another tab did to the item, as the conflict question says it."""
    if kind == "tick":
        return "把" + _case_name(label) + "的" + what + ("勾上了" if now else "取消了勾选")
    return "改写了" + _case_name(label) + "的" + what + "：“" + storage._clip(now) + "”"


def _set_item(store, action):
    """tick and note: set one item of a case's checklist, unless another tab changed it since (conflict)."""
    label, state = _checklist_state(store, action)
    kind = action["do"]
    name_key, value_key, kind_type, collection, unset, invalid = _ITEMS[kind]
    name = action.get(name_key)
    value = action.get(value_key)
    if not isinstance(name, str) or not name or not isinstance(value, kind_type):
        raise StateError(_case_name(label) + invalid)
    items = state.setdefault(collection, {})
    now = items.get(name, unset)
    what = "“" + storage._clip(action.get("what") or name) + "”"
    conflict = _conflict(store, action, now, value, _other_tab_did(label, what, kind, now))
    if conflict:
        return {"conflict": conflict}
    items[name] = value
    _case(store, label)["updated"] = _today(action)
    return []


def _create_case(store, action):
    label = _label((action.get("case") or "").strip() if isinstance(action.get("case"), str) else None)
    messages = []
    if label in store["cases"]:
        messages.append(_case_name(label) + "已经存在，已切换到它。")
    else:
        _case(store, label)
        messages.append("已新建并切换到" + _case_name(label) + "。")
    store["current"] = label
    return messages


def _switch_case(store, action):
    label = _label(action.get("case"))
    if label not in store["cases"] and label != UNNAMED:
        raise StateError("没有" + _case_name(label) + "，可能已在另一个标签页删除")
    store["current"] = label
    return ["已切换到" + _case_name(label) + "。"]


def _rename_case(store, action):
    old = action.get("case")
    new = _label(action.get("to").strip() if isinstance(action.get("to"), str) else None)
    if old not in store["cases"]:
        raise StateError("没有" + _case_name(old) + "，可能已在另一个标签页删除")
    if new in store["cases"]:
        raise StateError(_case_name(new) + "已经存在，请换一个代号")
    store["cases"][new] = store["cases"].pop(old)
    if store["current"] == old:
        store["current"] = new
    return [_case_name(old) + "已改名为“" + new + "”。"]


def _delete_case(store, action):
    label = action.get("case")
    if label not in store["cases"]:
        raise StateError("没有" + _case_name(label) + "，可能已在另一个标签页删除")
    del store["cases"][label]
    if store["current"] == label:
        rest = sorted(store["cases"])
        store["current"] = rest[0] if rest else UNNAMED
    return ["已删除" + _case_name(label) + "。当前个案是“" + store["current"] + "”。"]


# ---- exam ------------------------------------------------------------------------------------------------


def _note_answer(store, qid, correct, today, extra=False):
    store["answers"][qid] = {"correct": correct, "date": today}
    entry = quiz.review(store["notebook"].get(qid), correct, today, extra)
    if entry:
        store["notebook"][qid] = entry
    elif qid in store["notebook"]:
        del store["notebook"][qid]


def _qid(value):
    if not isinstance(value, str) or not value or len(value) > 64:
        raise StateError("题号无效：" + storage._clip(value))
    return value


def _answer(store, action):
    correct = action.get("correct")
    if not isinstance(correct, bool):
        raise StateError("作答缺少对错")
    _note_answer(store, _qid(action.get("question")), correct, _today(action), bool(action.get("extra")))
    return []


def _place(store, action):
    name = action.get("set")
    if not isinstance(name, str) or not name or len(name) > 64:
        raise StateError("练习组编号无效")
    store["practice"][name] = _qid(action.get("question"))
    return []


def _shuffled(ids, seed):
    """A Fisher–Yates shuffle driven by a 31-bit linear congruential generator: the page sends the seed,
    so the same seed draws the same paper in every runtime (and in the golden cases)."""
    out = list(ids)
    state = seed % 2147483648
    for i in range(len(out) - 1, 0, -1):
        state = (state * 1103515245 + 12345) % 2147483648
        j = state % (i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def _now(action):
    now = action.get("now")
    if not isinstance(now, int) or isinstance(now, bool) or now < 0:
        raise StateError("缺少当前时间")
    return now


def _draw(store, action):
    """Draw a mock paper (data/exam.yml, as the papers' index gives it): each part takes n questions from
    each of its pools; a fixed paper (试卷一/二/三) takes the first n in the pool's order and keeps them
    in that order, a random paper takes n at random and shuffles the part."""
    paper = action.get("paper")
    seed = action.get("seed")
    if not isinstance(paper, dict) or not isinstance(paper.get("id"), str) or not isinstance(seed, int):
        raise StateError("试卷定义无效")
    now = _now(action)
    fixed = paper.get("fixed") is True
    pools = paper.get("pool") or {}
    ids = []
    for part in paper.get("parts") or []:
        taken = []
        for take in part.get("draws") or []:
            pool = pools.get(take.get("pool")) or []
            n = take.get("n", 0)
            taken.extend(pool[:n] if fixed else _shuffled(pool, seed + len(ids) + len(taken))[:n])
        ids.extend(taken if fixed else _shuffled(taken, seed + len(ids)))
    if not ids:
        raise StateError("题库里没有可抽的题")
    if len(set(ids)) != len(ids):
        raise StateError("试卷定义无效：同一道题被抽了两次")
    seconds = int(paper.get("minutes", 0)) * 60
    store["mock"] = {
        "paper": paper["id"],
        "ids": ids,
        "responses": {},
        "marked": [],
        "at": 0,
        "left": seconds,
        "deadline": now + seconds,
        "started": _today(action),
    }
    return ["已抽好试卷，共 " + str(len(ids)) + " 题。"]


def _mock_mark(store, action):
    """The questions the reader marked to come back to (the answer sheet shows them)."""
    paper = _mock_of(store)
    marked = action.get("marked")
    if not isinstance(marked, list) or any(qid not in paper["ids"] for qid in marked):
        raise StateError("标记的题不在本卷中")
    paper["marked"] = [qid for qid in paper["ids"] if qid in marked]
    return []


def _mock_of(store):
    paper = store.get("mock")
    if not paper:
        raise StateError("没有未交卷的模拟试卷：可能已在另一个标签页交卷或放弃")
    return paper


def _clock_left(paper, action):
    """Seconds left: what the page's clock shows, never more than what was stored."""
    left = action.get("left")
    if not isinstance(left, int) or isinstance(left, bool):
        return paper["left"]
    return max(0, min(left, paper["left"]))


def _mock_answer(store, action):
    paper = _mock_of(store)
    qid = _qid(action.get("question"))
    chosen = action.get("chosen")
    if qid not in paper["ids"] or not isinstance(chosen, list):
        raise StateError("这道题不在本卷中：" + storage._clip(qid))
    for option in chosen:
        if not isinstance(option, int) or isinstance(option, bool) or option < 0 or option > 4:
            raise StateError("第 " + str(paper["ids"].index(qid) + 1) + " 题的作答无效")
    paper["responses"][qid] = chosen
    paper["at"] = paper["ids"].index(qid)
    paper["left"] = _clock_left(paper, action)
    paper["deadline"] = _now(action) + paper["left"]
    return []


def _clock_pause(store, action):
    paper = _mock_of(store)
    paper["left"] = _clock_left(paper, action)
    paper["deadline"] = _now(action) + paper["left"]
    if "at" in action and isinstance(action["at"], int) and 0 <= action["at"] < len(paper["ids"]):
        paper["at"] = action["at"]
    return []


def _away_text(left):
    return "你离开时本卷还剩 " + str((left + 59) // 60) + " 分钟，这段时间已经过去。"


def _clock_resume(store, action):
    """Back on the paper: it runs on from the time left, unless the reader was away longer than that."""
    paper = _mock_of(store)
    now = _now(action)
    if paper.get("expired") or paper["left"] <= 0 or now >= paper["deadline"]:
        paper["expired"] = True
        return {"clock": "expired", "messages": [_away_text(paper["left"])]}
    paper["deadline"] = now + paper["left"]
    answered = len([r for r in paper["responses"].values() if r])
    return {
        "clock": "running",
        "messages": ["已恢复上次未交卷的试卷（已答 " + str(answered) + " 题），从剩余时间接着计时。"],
    }


def _clock_expire(store, action):
    paper = _mock_of(store)
    paper["left"] = 0
    paper["deadline"] = _now(action)
    paper["expired"] = True
    return {"clock": "expired", "messages": ["本卷的时间已经用完。"]}


def _abandon(store, action):
    _mock_of(store)
    store["mock"] = None
    return ["已放弃这份试卷：作答不计分，也没有收入错题本。"]


def _submit(store, action):
    """Grade the paper in progress; wrong answers go to the 错题本, unanswered ones never do."""
    paper = _mock_of(store)
    today = _today(action)
    questions = action.get("questions")
    if (
        not isinstance(questions, list)
        or [q.get("id") if isinstance(q, dict) else None for q in questions] != paper["ids"]
    ):
        raise StateError("交卷的题目与本卷不符：请刷新页面")
    responses = action.get("responses")
    if not isinstance(responses, dict):
        responses = paper["responses"]
    scored = quiz.exam_score(questions, responses)
    counts = {CORRECT: 0, WRONG: 0, UNANSWERED: 0}
    for item in scored["items"]:
        if not (responses.get(item["id"]) or []):
            item["result"] = UNANSWERED
        else:
            item["result"] = CORRECT if item["correct"] else WRONG
            _note_answer(store, item["id"], item["correct"], today)
        counts[item["result"]] += 1
    store["exams"].append(
        {
            "date": today,
            "points": scored["points"],
            "max": scored["max"],
            "paper": paper["paper"],
            "answered": counts[CORRECT] + counts[WRONG],
            "unanswered": counts[UNANSWERED],
        }
    )
    store["mock"] = None
    scored["counts"] = counts
    text = "已交卷：答对 " + str(counts[CORRECT]) + " 题，答错 " + str(counts[WRONG]) + " 题"
    text += "，未作答 " + str(counts[UNANSWERED]) + " 题。"
    if counts[WRONG]:
        text += "答错的 " + str(counts[WRONG]) + " 题已收入错题本"
        text += "；未作答的题没有收入。" if counts[UNANSWERED] else "。"
    return {"result": scored, "messages": [text]}


# ---- both stores: clear, import, export -----------------------------------------------------------------


def _clear(store, action):
    out = empty(action["_store"])
    out["rev"] = store["rev"]
    store.clear()
    store.update(out)
    return ["已清除本机保存的全部" + contract.KIND_NAMES[contract.STORE_KINDS[action["_store"]]] + "。"]


def _dict_plan(saved, incoming, known=None):
    plan = {"added": [], "conflicts": [], "ignored": 0, "saved": len(saved)}
    for key in sorted(incoming):
        if known is not None and key not in known:
            plan["ignored"] += 1
        elif key not in saved:
            plan["added"].append(key)
        elif saved[key] != incoming[key]:
            plan["conflicts"].append(key)
    return plan


def _incoming(action):
    data = storage.check_import(contract.STORE_KINDS[action["_store"]], action.get("file"))
    return data


def import_plan(store_name, store, data, known=None):
    """What importing `data` would do: per collection, the keys added, in conflict (different) and ignored."""
    if store_name == "cases":
        return {"cases": _dict_plan(store["cases"], data.get("cases") or {})}
    return {
        "notebook": _dict_plan(store["notebook"], data.get("notebook") or {}, known),
        "answers": _dict_plan(store["answers"], data.get("answers") or {}, known),
    }


def _plan_summary(plan, replace, unit):
    updated = len(plan["conflicts"]) if replace else 0
    return (
        "新增 "
        + str(len(plan["added"]))
        + " "
        + unit
        + "，替换 "
        + str(updated)
        + " "
        + unit
        + "，本机原有的 "
        + str(plan["saved"] - updated)
        + " "
        + unit
        + "保持不变"
    )


def _conflict_question(plan, what):
    names = plan["conflicts"][:5]
    more = " 等" if len(plan["conflicts"]) > 5 else ""
    return (
        "文件中有 "
        + str(len(plan["conflicts"]))
        + " 个"
        + what
        + "与本机保存的不同："
        + "、".join(names)
        + more
        + "。\n确定用文件中的内容替换它们吗？\n选“取消”则保留本机的内容，只导入新增的部分。"
    )


def _import_plan(store, action):
    data = _incoming(action)
    plan = import_plan(action["_store"], store, data, action.get("known"))
    main = plan["cases" if action["_store"] == "cases" else "notebook"]
    question = ""
    conflicts = main["conflicts"] + (plan.get("answers") or {"conflicts": []})["conflicts"]
    if conflicts:
        question = _conflict_question(
            {"conflicts": sorted(set(conflicts))}, "同名个案" if action["_store"] == "cases" else "错题或作答记录"
        )
    risky = storage.private_notes(data) if action["_store"] == "cases" else []
    return {"plan": plan, "question": question, "risky": risky, "write": False, "messages": []}


def _cases_imported(plan, replace, risky):
    text = "已导入个案进度：" + _plan_summary(plan, replace, "个个案") + "。"
    if risky:
        text += "注意：个案 " + "、".join(risky[:5]) + " 的填写内容里有一长串数字，像身份证号或电话号码，请检查并删去。"
    return text


def _import_summary(store, action):
    """A big case file is imported in pieces (one import_apply each, on the cases it names): the question
    about its conflicts and the closing message for all pieces together. Nothing is written."""
    plans = action.get("plans")
    if not isinstance(plans, list):
        raise StateError("导入计划无效")
    total = {"added": [], "conflicts": [], "ignored": 0, "saved": len(store["cases"])}
    for plan in plans:
        total["added"] = total["added"] + list(plan.get("added") or [])
        total["conflicts"] = total["conflicts"] + list(plan.get("conflicts") or [])
        total["ignored"] += plan.get("ignored") or 0
    total["saved"] = len(store["cases"]) - len(total["added"]) if action.get("applied") else len(store["cases"])
    replace = action.get("replace") is True
    out = {"write": False, "messages": [], "question": ""}
    if action.get("ask"):
        if total["conflicts"]:
            out["question"] = _conflict_question(total, "同名个案")
    else:
        out["messages"] = [_cases_imported(total, replace, sorted(action.get("risky") or []))]
    return out


def _import_digest(store, action):
    """Plan a case import from fingerprints: {label: fingerprint of the case's content} for what is saved and
    what the file holds (the file's content was checked piece by piece, see check_part). Answers which labels
    take the file's case when the reader keeps or replaces, the question to ask, and the message for each."""
    saved = action.get("saved")
    incoming = action.get("incoming")
    if not isinstance(saved, dict) or not isinstance(incoming, dict):
        raise StateError("导入计划无效")
    for label in incoming:
        _label(label)
    plan = _dict_plan(saved, incoming)
    risky = sorted(action.get("risky") or [])
    return {
        "write": False,
        "plan": plan,
        "take": {"keep": plan["added"], "replace": plan["added"] + plan["conflicts"]},
        "question": _conflict_question(plan, "同名个案") if plan["conflicts"] else "",
        "said": {"keep": _cases_imported(plan, False, risky), "replace": _cases_imported(plan, True, risky)},
        "messages": [],
    }


def _merge(saved, incoming, plan, replace):
    for key in plan["added"]:
        saved[key] = incoming[key]
    if replace:
        for key in plan["conflicts"]:
            saved[key] = incoming[key]


def _import_apply(store, action):
    """Additions always; entries that differ only when the reader chose to replace (cancel changes nothing saved)."""
    data = _incoming(action)
    replace = action.get("replace") is True
    plan = import_plan(action["_store"], store, data, action.get("known"))
    if action["_store"] == "cases":
        _merge(store["cases"], data.get("cases") or {}, plan["cases"], replace)
        risky = storage.private_notes(data)
        return {"messages": [_cases_imported(plan["cases"], replace, risky)], "plan": plan, "risky": risky}
    _merge(store["notebook"], data.get("notebook") or {}, plan["notebook"], replace)
    _merge(store["answers"], data.get("answers") or {}, plan["answers"], replace)
    for paper in data.get("exams") or []:
        if paper not in store["exams"]:
            store["exams"].append(paper)
    # Places in practice sets and a paper in progress: what this browser has wins, the file fills the gaps.
    for name, qid in (data.get("practice") or {}).items():
        store["practice"].setdefault(name, qid)
    if store.get("mock") is None and data.get("mock"):
        store["mock"] = data["mock"]
    text = "已导入错题本：" + _plan_summary(plan["notebook"], replace, "题") + "。"
    if plan["notebook"]["ignored"]:
        text += "另有 " + str(plan["notebook"]["ignored"]) + " 题不在当前题库中，未导入。"
    return [text]


def export(store_name, store):
    """The file envelope of a store: its data without the stored-only keys."""
    data = {}
    for name in store:
        if name not in ("format", "rev"):
            data[name] = store[name]
    if store_name == "cases":
        data = {"cases": store["cases"]}
    return storage.envelope(contract.STORE_KINDS[store_name], data)


def _export(store, action):
    return {"envelope": export(action["_store"], store), "write": False, "messages": []}


ACTIONS = {
    "cases": {
        "save_measure": _save_measure,
        "tick": _set_item,
        "note": _set_item,
        "create_case": _create_case,
        "switch_case": _switch_case,
        "rename_case": _rename_case,
        "delete_case": _delete_case,
        "import_summary": _import_summary,
        "import_digest": _import_digest,
    },
    "exam": {
        "answer": _answer,
        "place": _place,
        "draw": _draw,
        "mock_answer": _mock_answer,
        "mock_mark": _mock_mark,
        "clock_pause": _clock_pause,
        "clock_resume": _clock_resume,
        "clock_expire": _clock_expire,
        "abandon": _abandon,
        "submit": _submit,
    },
    "both": {
        "clear": _clear,
        "import_plan": _import_plan,
        "import_apply": _import_apply,
        "export": _export,
    },
}
# Actions that set one item to a value the page names (and carry "was"): sent again unchanged they merge onto
# any newer store, or ask. When another tab's write replaced such a write before it had seen it (each tab's
# browser copy of the storage catches up with the other's a moment later), the page sends the action again.
REPLAYABLE = frozenset({"tick", "note"})


def transition(store_name, store, action):
    """Apply `action` to `store` (None: nothing saved yet); answers {"store", "messages", "write", …}."""
    _store_name(store_name)
    if not isinstance(action, dict) or not isinstance(action.get("do"), str):
        raise StateError("未知的操作")
    step = ACTIONS[store_name].get(action["do"]) or ACTIONS["both"].get(action["do"])
    if step is None:
        raise StateError("未知的操作：" + storage._clip(action["do"]))
    if store is None:
        store = empty(store_name)
    storage.check_store(store_name, store)
    done = complete(store_name, store)
    new = done["store"]
    action = dict(action)
    action["_store"] = store_name
    said = step(new, action)
    if isinstance(said, list):
        said = {"messages": said}
    if "conflict" in said:
        return {"store": store, "messages": [], "write": False, "conflict": said["conflict"]}
    out = {"write": True}
    for key in said:
        out[key] = said[key]
    out["messages"] = done["messages"] + said.get("messages", [])
    if out["write"]:
        out["replay"] = action["do"] in REPLAYABLE
        new["rev"] = new["rev"] + 1
        out["store"] = new
    else:
        out["store"] = store
    return out
