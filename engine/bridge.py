"""Entry point for the browser worker: one JSON request in, one JSON response out.

Runs unchanged in CPython, Pyodide and MicroPython. The worker writes the engine modules to
/engine/ and the ids of the build's specs to /engine/data/index.json; a page uses one or two specs
of the many, so each spec (/engine/data/<kind>/<id>.json) is fetched by the worker when a request
first needs it (the answer {"need": "<kind>/<id>"} asks for it) and read once.
"""

import json

from engine import contract
from engine.errors import EngineError

DATA_DIR = contract.ENGINE_FS["data"]
_bundles = {}  # kind -> {id: spec} read so far
_index = None  # kind -> ids of its specs, read from index.json when first needed
INTERNAL = (
    "计算引擎遇到了意外的问题，这一步没有完成（已保存的内容没有改动）。请刷新页面再试；如果反复出现，请先导出数据。"
)


class RequestError(EngineError):
    """The request itself is malformed (unknown function, wrong arguments)."""


class NeedData(Exception):
    """The spec is not in the file system yet: the worker fetches it and sends the request again."""


def _known(kind):
    global _index
    if _index is None:
        try:
            with open(DATA_DIR + contract.ENGINE_FS["index"]) as handle:
                _index = json.loads(handle.read())
        except OSError:
            _index = {}
    return _index.get(kind, ())


def _spec(kind, ident):
    specs = _bundles.setdefault(kind, {})
    if isinstance(ident, str) and ident in specs:
        return specs[ident]
    if not isinstance(ident, str) or ident not in _known(kind):
        raise RequestError("未知的编号：" + str(ident)[:24])
    try:
        with open(DATA_DIR + kind + "/" + ident + ".json") as handle:
            specs[ident] = json.loads(handle.read())
    except OSError:
        raise NeedData(kind + "/" + ident)
    return specs[ident]


def _module(name):
    """Engine modules are imported when first used, so a page pays only for what it calls."""
    return __import__("engine." + name, None, None, [name])


# name -> (module, function, data bundle whose spec replaces the first argument, an id, or None)
FUNCTIONS = {
    "score": ("scoring", "score", "instruments"),
    "view": ("scoring", "view", "instruments"),
    "shown": ("scoring", "shown", "instruments"),
    "compare": ("scoring", "compare", "instruments"),
    "summary_line": ("scoring", "summary_line", "instruments"),
    "score_table": ("batch", "score_table", "instruments"),
    "checklist": ("casework", "evaluate", "checklists"),
    "grade": ("quiz", "grade", None),
    "exam_score": ("quiz", "exam_score", None),
    "exam_report": ("quiz", "exam_report", None),  # issue 22: the score report after a paper
    "review": ("quiz", "review", None),
    "due": ("quiz", "due", None),
    "reveal": ("quiz", "reveal", None),
    "is_multi": ("quiz", "hidden_is_multi", None),
    "check_import": ("storage", "check_import", None),
    "check_store": ("storage", "check_store", None),
    "label_problem": ("storage", "label_problem", None),
    "private_notes": ("storage", "private_notes", None),
    "check_part": ("storage", "check_part", None),
    "envelope": ("storage", "envelope", None),
    "measure_record": ("measures", "record", "instruments"),
    "measure_series": ("measures", "series", "instruments"),
}


def call(request_text):
    """Run {"fn": name, "args": [...]} and answer {"ok": result} or {"error": Chinese message}."""
    try:
        request = json.loads(request_text)
        if not isinstance(request, dict) or request.get("fn") not in FUNCTIONS:
            raise RequestError("未知的功能")
        module, name, kind = FUNCTIONS[request["fn"]]
        args = list(request.get("args", []))
        if kind:
            if not args:
                raise RequestError("缺少编号")
            args[0] = _spec(kind, args[0])
        return json.dumps({"ok": getattr(_module(module), name)(*args)})
    except NeedData as exc:
        return json.dumps({"need": exc.args[0]})
    except EngineError as exc:
        return json.dumps({"error": str(exc)})
    except Exception as exc:  # the reader gets a plain message; the kind of failure goes to the console
        return json.dumps({"error": INTERNAL, "internal": type(exc).__name__ + ": " + str(exc)[:200]})
