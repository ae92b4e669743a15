"""Every name the built pages and the browser scripts share, defined once.

Python (macros, engine, build) imports this module; the build writes it out as the ES module
assets/js/contract.js (see js_module()), which is the only place the scripts read these names from.
Plain data and standard-library Python: it also runs in the browser's engine (MicroPython).
"""

import json

# Storage keys are "<SITE>:<root path of this copy>:<store>", so two copies of the handbook on
# one host never share data; LEGACY_KEYS are read once (copied, never deleted) from older releases.
SITE = "hb"
STORES = {"cases": "cases", "exam": "exam"}
QUARANTINE = "quarantine"
LEGACY_KEYS = {"cases": "hb.cases", "exam": "hb.exam"}

# Envelope of exported files and stored data: {"app", "kind", "format", "data"}.
APP = "medical-social-work-handbook"
FORMATS = {"exam-progress": 1, "cases": 1}
KIND_NAMES = {"exam-progress": "练习进度", "cases": "个案进度"}
# Store name -> kind of its envelope (the stored value is the envelope's data plus "format").
STORE_KINDS = {"cases": "cases", "exam": "exam-progress"}

# Imports larger than this are refused before they are read.
IMPORT_LIMIT_BYTES = 20 * 1024 * 1024
IMPORT_LIMIT_TEXT = "20 MB"
MAX_DEPTH = 32

# Case labels (typed or imported): at most LABEL_MAX characters, no run of DIGIT_RUN digits
# (ID card, admission or phone numbers must not become labels).
LABEL_MAX = 30
DIGIT_RUN = 6
UNNAMED_CASE = "未命名个案"
# The engine reads free texts (notes) only for digit runs, which digits, spaces and hyphens make up;
# a long text is sent to it with every run of other characters collapsed to one, which keeps big
# imports fast (MicroPython's JSON reading is slow on long texts) and gives the same answer.
TEXT_KEPT = "0123456789 -"
TEXT_COLLAPSE_OVER = 64

# Suffix of the per-question key that hides answers in the exam bundles (XOR, then base64).
HIDE_SUFFIX = "\u00b7hb"

# Data attributes: Python renders them, the scripts find elements by them.
ATTR = {
    "instrument": "data-instrument",
    "subscales": "data-subscales",
    "item": "data-item",
    "result": "data-result",
    "band_note": "data-band-note",
    "flag_note": "data-flag-note",
    "action": "data-action",
    "compare": "data-compare",
    "compare_text": "data-compare-text",
    "checklist": "data-checklist",
    "decision": "data-decision",
    "checklist_result": "data-checklist-result",
    "check": "data-check",
    "field": "data-field",
    "case_store": "data-case-store",
    "quiz": "data-quiz",
    "quiz_set": "data-quiz-set",
}
# Values of data-result (the calculator's output slots) and data-action (its buttons).
RESULT = {
    "status": "status",
    "total": "total",
    "band": "band",
    "subscales": "subscales",
    "missing": "missing",
    "error": "error",
}
ACTION = {"copy": "copy", "pre": "pre", "reset": "reset", "print": "print"}
# The flag the engine raises when a total was prorated (its note is rendered like any flag's).
PRORATED = "prorated"

# Site-relative asset paths.
ASSETS = {
    "engine_js": "assets/js/engine.js",
    "contract_js": "assets/js/contract.js",
    "engine_bundle": "assets/engine/engine.json",
    "exam_dir": "assets/exam/",
    "vendor_dir": "assets/vendor/",
    "engine_data_dir": "assets/engine/data/",
}
# The engine in the runtime's file system, as the worker writes it: modules under "modules", the
# ids of the build's specs in data + index, and each spec at data + "<kind>/<id>.json" once fetched.
ENGINE_FS = {"modules": "/engine/", "data": "/engine/data/", "index": "index.json"}
# Page meta key a macro sets when its page needs the engine (the template starts it from <head>).
NEEDS_ENGINE = "hb_engine"

# What a page says before its script runs: the script replaces it at once; without JavaScript, or
# opened as a file, it stays and tells the reader what still works.
NOT_RUNNING = {
    "calculator": "本计算器需要在网站上打开并启用 JavaScript（直接双击本地文件不能运行）。"
    "请按下方“评分方法”手工计分；要在本机使用，请运行随附的本地服务器（python3 tools/serve.py site）"
    "或用任何静态网站服务器打开。",
    "checklist": "自动判断需要在网站上打开并启用 JavaScript（直接双击本地文件不能运行）；"
    "清单本身可以照常阅读和打印。要在本机使用，请运行随附的本地服务器（python3 tools/serve.py site）"
    "或用任何静态网站服务器打开。",
}


def storage_key(root_path, store):
    """The localStorage key of `store` for the copy of the site served under `root_path`."""
    return SITE + ":" + root_path + ":" + STORES[store]


def as_dict():
    """Everything the scripts need, JSON-compatible."""
    return {
        "site": SITE,
        "stores": STORES,
        "quarantine": QUARANTINE,
        "legacyKeys": LEGACY_KEYS,
        "app": APP,
        "formats": FORMATS,
        "kindNames": KIND_NAMES,
        "storeKinds": STORE_KINDS,
        "importLimitBytes": IMPORT_LIMIT_BYTES,
        "importLimitText": IMPORT_LIMIT_TEXT,
        "maxDepth": MAX_DEPTH,
        "labelMax": LABEL_MAX,
        "unnamedCase": UNNAMED_CASE,
        "textKept": TEXT_KEPT,
        "textCollapseOver": TEXT_COLLAPSE_OVER,
        "hideSuffix": HIDE_SUFFIX,
        "attr": ATTR,
        "features": FEATURES,
        "result": RESULT,
        "action": ACTION,
        "assets": ASSETS,
        "engineFs": ENGINE_FS,
        "measures": MEASURES,
        "engineFilesMeta": ENGINE_FILES_META,
    }


_JS_HELPERS = """
/** CSS selector for an attribute of the contract, optionally with a value. */
export function sel(name, value) {
  const attr = CONTRACT.attr[name];
  return value === undefined ? `[${attr}]` : `[${attr}="${CSS.escape(String(value))}"]`;
}
/** The value of a contract attribute on an element. */
export function read(el, name) {
  return el.getAttribute(CONTRACT.attr[name]);
}
"""


def js_module():
    """The text of assets/js/contract.js."""
    return (
        "// Generated from engine/contract.py by the build; do not edit.\n"
        "export const CONTRACT = " + json.dumps(as_dict(), ensure_ascii=False) + ";\n" + _JS_HELPERS
    )


# The batch-scoring section's root (macros/batch.py renders it, batch.js wires it).
ATTR["batch"] = "data-batch"
# Its parts: the drop zone and file input, the template button and the header it writes, the size
# limit checked before reading, and the progress, status, download and table the script fills.
ATTR.update(
    {
        "batch_drop": "data-batch-drop",
        "batch_file": "data-batch-file",
        "batch_template": "data-batch-template",
        "batch_header": "data-batch-header",
        "batch_max_bytes": "data-batch-max-bytes",
        "batch_progress": "data-batch-progress",
        "batch_status": "data-batch-status",
        "batch_download": "data-batch-download",
        "batch_table": "data-batch-table",
    }
)
# The script each interactive element needs, by its ATTR name: handbook.js, on every page, loads a
# script only when the page holds such an element.
FEATURES = {
    "instrument": "assets/js/calculators.js",
    "checklist": "assets/js/checklists.js",
    "quiz": "assets/js/quiz.js",
    "batch": "assets/js/batch.js",
}
# Repeated measures: a case keeps its saved scale results under this key, a list of
# engine/measures.py record()s; calculators save them, the measurement view (practice/measures) draws them.
MEASURES = "measures"
ATTR.update(
    {
        "measure_save": "data-measure-save",
        "measures": "data-measures",
        "measure_series": "data-measure-series",
        "measure_points": "data-measure-points",
        "measure_verdict": "data-measure-verdict",
        "measure_thresholds": "data-measure-thresholds",
    }
)
# The chart library (npm package uplot, copied by tools/postbuild.py); only the measurement view
# loads it, and the service worker keeps it on first use instead of precaching it.
ASSETS.update(
    {
        "chart_js": "assets/vendor/uplot/uPlot.iife.min.js",
        "chart_css": "assets/vendor/uplot/uPlot.min.css",
    }
)
# Speed (issue 26): a tool page's head names the engine files it will need (tools/preload.py writes this
# meta, site-relative paths separated by spaces); engine.js fetches them as it starts the worker and hands
# them over, so each is requested once and none waits for the worker to ask.
ENGINE_FILES_META = "hb-engine-files"
