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
