"""Each kind of tool the handbook ships, declared once.

Plain data and standard-library Python (the browser's engine reads it too, for bridge.FUNCTIONS).
Every registry that used to be kept by hand follows from these records:

- engine/bridge.py FUNCTIONS: each kind's `functions` (request name -> (engine module, function)),
  whose first argument is an id of the kind's `bundle` when it has one;
- engine/contract.py ATTR and FEATURES: each kind's `attrs` (contract key -> data attribute) and
  `feature` (the contract key whose element makes handbook.js load the kind's script);
- tools/postbuild.py BUNDLES: `bundle` -> `catalog`, the module whose load_all() gives its specs;
- tools/offline.py TOOL_FOLDERS and SHELL_FILES: `precache` (pages, by docs-relative prefix, kept
  at install) and `shell` (built files, by glob, kept at install);
- macros/content.py tool targets: `target` (a fixed page, for tools(...)) or `targets` (one per spec:
  the tools(...) id prefix and the page made for each spec);
- engine/contract.py WARM: `warm` (the request the kind's page makes first, with the spec's id first): the
  page's engine sends it for each spec its head hands over, so the first answer does not pay for reading the
  spec and importing the module;
- tests/test_engine_contract.py: the scripts that read the contract are every `script` below plus SHARED_SCRIPTS.

Adding a kind of tool: add one record here, its engine module, its script and its macro; nothing else
lists it.
"""

KINDS = {
    "calculator": {
        "title": "量表计算器",
        "functions": {
            "score": ("scoring", "score"),
            "view": ("scoring", "view"),
            "shown": ("scoring", "shown"),
            "compare": ("scoring", "compare"),
            "summary_line": ("scoring", "summary_line"),
        },
        "bundle": "instruments",
        "catalog": "catalog.instruments",
        "attrs": {
            "instrument": "data-instrument",
            "subscales": "data-subscales",
            "item": "data-item",
            "result": "data-result",
            "band_note": "data-band-note",
            "flag_note": "data-flag-note",
            "action": "data-action",
            "compare": "data-compare",
            "compare_text": "data-compare-text",
        },
        "feature": "instrument",
        "script": "assets/js/calculators.js",
        "precache": ("scales/",),
        "shell": (),
        "targets": {"prefix": "scale", "page": "scales/{id}.md"},
        "warm": ("view", {}),
    },
    "batch": {
        "title": "批量评分",
        "functions": {"score_table": ("batch", "score_table")},
        "bundle": "instruments",
        "catalog": "catalog.instruments",
        "attrs": {
            "batch": "data-batch",
            "batch_drop": "data-batch-drop",
            "batch_file": "data-batch-file",
            "batch_template": "data-batch-template",
            "batch_header": "data-batch-header",
            "batch_max_bytes": "data-batch-max-bytes",
            "batch_progress": "data-batch-progress",
            "batch_status": "data-batch-status",
            "batch_download": "data-batch-download",
            "batch_table": "data-batch-table",
        },
        "feature": "batch",
        "script": "assets/js/batch.js",
        "precache": (),  # a section of each calculator page
        "shell": (),
    },
    "measurement": {
        "title": "测量记录",
        "functions": {
            "measure_record": ("measures", "record"),
            "measure_series": ("measures", "series"),
        },
        "bundle": "instruments",
        "catalog": "catalog.instruments",
        "attrs": {
            "measure_save": "data-measure-save",
            "measures": "data-measures",
            "measure_series": "data-measure-series",
            "measure_points": "data-measure-points",
            "measure_verdict": "data-measure-verdict",
            "measure_thresholds": "data-measure-thresholds",
        },
        # handbook.js loads the view's script when the page holds the view (the Content-Security-Policy
        # allows no inline script, so the page cannot start it itself).
        "feature": "measures",
        "script": "assets/js/measures.js",
        "precache": ("practice/measures.html",),
        "shell": (),
    },
    "checklist": {
        "title": "实务清单",
        "functions": {"checklist": ("casework", "evaluate")},
        "bundle": "checklists",
        "catalog": "catalog.checklists",
        "attrs": {
            "checklist": "data-checklist",
            "decision": "data-decision",
            "checklist_result": "data-checklist-result",
            "check": "data-check",
            "field": "data-field",
        },
        "feature": "checklist",
        "script": "assets/js/checklists.js",
        "precache": ("practice/index.html", "practice/checklists/", "practice/case-record.html"),
        "shell": (),
        "targets": {"prefix": "checklist", "page": "practice/checklists/{id}.md"},
        "warm": ("checklist", {}),
    },
    "case record": {
        "title": "个案记录表",
        "functions": {},
        "bundle": None,
        "attrs": {},
        "feature": None,
        "script": None,  # a checklist of kind `record`: the checklist script wires it
        "precache": (),
        "shell": (),
        "target": ("tool:case-record", "practice/case-record.md", "个案记录表"),
    },
    "navigator": {
        "title": "个案流程导航",
        "functions": {},
        "bundle": None,
        "attrs": {"case_store": "data-case-store"},
        "feature": None,  # the case store is drawn by the checklist script, which the page loads anyway
        "script": None,
        "precache": ("practice/navigator.html",),
        "shell": (),
        "target": ("tool:navigator", "practice/navigator.md", "个案流程导航"),
    },
    "quiz": {
        "title": "备考练习",
        "functions": {
            "grade": ("quiz", "grade"),
            "exam_score": ("quiz", "exam_score"),
            "exam_report": ("quiz", "exam_report"),
            "review": ("quiz", "review"),
            "due": ("quiz", "due"),
            "reveal": ("quiz", "reveal"),
            "is_multi": ("quiz", "hidden_is_multi"),
        },
        "bundle": None,  # the question bank travels as its own files (assets/exam/), see catalog/questions.py
        "attrs": {"quiz": "data-quiz", "quiz_set": "data-quiz-set"},
        "feature": "quiz",
        "script": "assets/js/quiz.js",
        "precache": ("exam/",),
        # The whole bank and the drills' set; a chapter's set is kept on first visit.
        # Small and fixed: the drills and the papers' index. The bank itself (the 错题本's questions), the
        # chapter sets and the per-paper files grow with the bank: each is kept the first time it is used.
        "shell": ("assets/exam/set-drills.json", "assets/exam/papers.json"),
        "target": ("tool:drills", "exam/drills.md", "技巧辨析"),
        "more_targets": (("tool:mock", "exam/mock.md", "模拟考试"),),
    },
    "saved data": {
        "title": "本机保存的数据",
        "functions": {
            "check_import": ("storage", "check_import"),
            "check_store": ("storage", "check_store"),
            "label_problem": ("storage", "label_problem"),
            "private_notes": ("storage", "private_notes"),
            "check_part": ("storage", "check_part"),
            "envelope": ("storage", "envelope"),
            # Every change to saved data (issue 21): transition(store_name, store, action), see engine/state.py.
            "transition": ("state", "transition"),
            "complete_store": ("state", "complete"),
        },
        "bundle": None,
        "attrs": {},
        "feature": None,
        "script": "assets/js/files.js",
        "precache": (),
        "shell": (),
    },
    "case practice": {
        "title": "案例分析练习（中级《社会工作实务》）",
        "functions": {
            "rubric_precheck": ("rubric", "precheck"),
            "rubric_total": ("rubric", "total"),
            "case_practice_step": ("case_practice", "step"),
            "case_practice_check": ("case_practice", "check_store"),
            "case_practice_report": ("case_practice", "report"),
            "case_practice_export": ("case_practice", "export"),
        },
        "bundle": None,
        "attrs": {
            "case_paper": "data-case-paper",
            "case_question": "data-case-question",
            "case_data": "data-case-data",
            "case_report": "data-case-report",
        },
        # A case page holds a paper, the practice index its report: either loads the script.
        "feature": ("case_paper", "case_report"),
        "script": "assets/js/cases.js",
        "precache": (),  # case pages are kept on first visit (the first-visit budget)
        "shell": (),
    },
    "offline copy": {
        "title": "离线使用",
        "functions": {},
        "bundle": None,
        # The privacy page's «保存整本手册» box, and the offline fallback page's list and retry link
        # (handbook.js, on every page, wires them).
        "attrs": {
            "offline_save": "data-offline-save",
            "offline_list": "data-offline-list",
            "offline_retry": "data-offline-retry",
        },
        "feature": None,
        "script": None,
        "precache": (),
        "shell": (),
    },
}

# Scripts every page may run whatever tools it holds: the loader, the engine's page side and its worker.
SHARED_SCRIPTS = ("assets/js/handbook.js", "assets/js/engine.js", "assets/js/engine-worker.js")


def functions():
    """bridge.FUNCTIONS: request name -> (engine module, function, bundle or None)."""
    found = {}
    for kind in KINDS.values():
        for name, (module, function) in kind["functions"].items():
            found[name] = (module, function, kind["bundle"])
    return found


def warmups():
    """contract.WARM: bundle -> {fn, args after the spec's id} of the first kind that declares `warm` for it."""
    found = {}
    for kind in KINDS.values():
        if kind.get("warm") and kind["bundle"] not in found:
            fn, *args = kind["warm"]
            found[kind["bundle"]] = {"fn": fn, "args": args}
    return found


def attributes():
    """contract.ATTR: contract key -> data attribute, over every kind."""
    found = {}
    for kind in KINDS.values():
        found.update(kind["attrs"])
    return found


def features():
    """contract.FEATURES: contract key of a kind's root element -> the script handbook.js loads for it."""
    found = {}
    for kind in KINDS.values():
        feature = kind["feature"]
        for key in (feature,) if isinstance(feature, str) else feature or ():
            found[key] = kind["script"]
    return found


def bundles():
    """Spec bundle -> catalog module whose load_all() returns its validated specs."""
    return {kind["bundle"]: kind["catalog"] for kind in KINDS.values() if kind["bundle"]}


def scripts():
    """Every page script of the handbook (each reads names through contract.js)."""
    return tuple(kind["script"] for kind in KINDS.values() if kind["script"]) + SHARED_SCRIPTS


def precached_pages():
    """Built pages (by site-relative prefix) the service worker keeps at install."""
    found = []
    for kind in KINDS.values():
        found += [rule.replace(".md", ".html") for rule in kind["precache"]]
    return tuple(found)


def shell_files():
    """Built files (by glob) a kind needs offline from the first visit."""
    found = []
    for kind in KINDS.values():
        found += list(kind["shell"])
    return tuple(found)


def fixed_targets():
    """tools(...) ids of tools that are one page: id -> (docs-relative page, link text)."""
    found = {}
    for kind in KINDS.values():
        for ident, page, label in ((kind["target"],) if "target" in kind else ()) + kind.get("more_targets", ()):
            found[ident] = (page, label)
    return found
