"""One golden-case format for every engine decision, and the one way to replay it.

A golden file (tests/golden/*.yml for the instruments, tests/golden/decisions/*.yml for the rest):

    fn: score            # the engine.bridge function (default: score)
    id: phq9             # the spec the function reads, for functions that take one (old files say `instrument:`)
    cases:
      - name: …          # what the case shows, in Chinese
        source: …        # where the expected value comes from (a published rule, not the engine)
        args: [...]      # the remaining arguments; `answers: {...}` is short for args: [answers]
        expect: {...}    # the parts of the result that must match (floats approximately; a band given
                         # as a number is its index)
        error: "…"       # or: a part of the Chinese message the engine must answer with

A transition file (tests/golden/transitions/*.yml, engine/state.py) names its store and, per case:

    store: cases          # or exam
    cases:
      - name: …
        source: …         # the rule the case shows (the issue's scenario, a published range)
        before: {...}     # the stored value (null: nothing saved yet)
        action: {...}     # what the page sends
        after: {...}      # the whole new store, compared exactly
        messages: [...]   # the Chinese messages, compared exactly
        replay: true      # the answer says to send the action again if another tab's unseen write replaces it
        conflict: "…"     # or: a part of the question the page asks (nothing is written)
        result: {...}     # optional: parts of the other answers (result, plan, clock, envelope)
        error: "…"        # or: a part of the refusal

The CPython walker (test_engine_golden.py) and the browser walker (test_calculators_browser.py) both
turn each case into the same bridge request and judge the reply with check().
"""

import math
from pathlib import Path

import yaml

GOLDEN = Path(__file__).parent / "golden"


def cases():
    """[(where, request, case)] for every case of every golden file."""
    out = []
    for path in sorted(GOLDEN.glob("*.yml")) + sorted(GOLDEN.glob("decisions/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fn = data.get("fn", "score")
        ident = data.get("id", data.get("instrument"))
        for case in data["cases"]:
            args = case["args"] if "args" in case else [case["answers"]]
            request = {"fn": fn, "args": ([ident] if ident else []) + list(args)}
            out.append((f"{path.relative_to(GOLDEN)}「{case['name']}」", request, case))
    return out + transition_cases()


def transition_cases():
    """[(where, request, case)] for every case of tests/golden/transitions/*.yml, as expect/error cases."""
    out = []
    for path in sorted(GOLDEN.glob("transitions/*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            request = {"fn": "transition", "args": [data["store"], case["before"], case["action"]]}
            judged = {"exact": True, **case}
            if "error" not in case:
                judged["expect"] = {"messages": case.get("messages", []), **case.get("result", {})}
                if "conflict" in case:
                    judged["expect"]["write"] = False
            out.append((f"{path.relative_to(GOLDEN)}「{case['name']}」", request, judged))
    return out


def _matches(expected, actual):
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _matches(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, bool) or expected is None:
        return actual is expected
    if isinstance(expected, (int, float)):
        if isinstance(actual, dict) and "index" in actual:
            return actual["index"] == expected
        return (
            isinstance(actual, (int, float))
            and not isinstance(actual, bool)
            and math.isclose(actual, expected, abs_tol=1e-9)
        )
    return expected == actual


def check(where, case, reply):
    """Assert that a bridge reply ({"ok": …} or {"error": …}) is what the golden case says."""
    if "error" in case:
        assert "error" in reply, f"{where}：应当报错，实际 {reply}"
        assert case["error"] in reply["error"], f"{where}：{reply['error']}"
    else:
        assert "ok" in reply, f"{where}：{reply}"
        assert _matches(case["expect"], reply["ok"]), f"{where}：期望 {case['expect']}，实际 {reply['ok']}"
    if case.get("exact") and "error" not in case:
        _check_transition(where, case, reply["ok"])


def _check_transition(where, case, answer):
    """A transition's new store and messages are compared whole: nothing may change that the case does not say."""
    assert answer["messages"] == case.get("messages", []), f"{where}：消息 {answer['messages']}"
    if "conflict" in case:
        assert case["conflict"] in answer["conflict"], f"{where}：{answer.get('conflict')}"
        assert answer["store"] == case["before"], f"{where}：冲突时不应改动"
        return
    assert "conflict" not in answer, f"{where}：{answer['conflict']}"
    assert bool(answer.get("replay")) == bool(case.get("replay")), f"{where}：replay {answer.get('replay')}"
    assert _matches(case["after"], answer["store"]) and _same_keys(case["after"], answer["store"]), (
        f"{where}：期望 {case['after']}，实际 {answer['store']}"
    )


def _same_keys(expected, actual):
    if isinstance(expected, dict):
        return set(expected) == set(actual) and all(_same_keys(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return all(_same_keys(e, a) for e, a in zip(expected, actual, strict=True))
    return True
