"""Every name the built pages and the browser scripts share, defined once.

Python (macros, engine, build) imports this module; the build writes it out as the ES module
assets/js/contract.js (see js_module()), which is the only place the scripts read these names from.
Plain data and standard-library Python: it also runs in the browser's engine (MicroPython).
"""

import json

from engine import kinds

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
# Digits: ASCII and full-width (the first TEXT_DIGITS characters); joiners: ASCII and full-width space and hyphen.
TEXT_KEPT = "0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19 -\u3000\uff0d"
TEXT_DIGITS = 20
TEXT_COLLAPSE_OVER = 64

# Suffix of the per-question key that hides answers in the exam bundles (XOR, then base64).
HIDE_SUFFIX = "\u00b7hb"

# Data attributes: Python renders them, the scripts find elements by them; each tool kind declares its
# own in engine/kinds.py (a name no kind uses may be added below with ATTR.update, as a shared one).
ATTR = kinds.attributes()
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
    # Started from the head of a page that needs the engine (a file: the policy allows no inline script).
    "engine_start_js": "assets/js/engine-start.js",
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
    return KEY_FORMAT.replace("{root}", root_path).replace("{store}", STORES[store])


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
        "worker": WORKER,
        "meta": META,
        "caches": CACHES,
        "swMessages": SW_MESSAGES,
        "examFiles": EXAM_FILES,
        "keyFormat": KEY_FORMAT,
        "emptyStores": EMPTY_STORES,
        "casePractice": {"store": CASE_PRACTICE["store"], "kind": CASE_PRACTICE["kind"]},
        "draftPrefix": DRAFT_PREFIX,
        "engineFilesMeta": ENGINE_FILES_META,
        "warm": WARM,
    }


_JS_HELPERS = """
/** CSS selector for an attribute of the contract, optionally with a value. */
export function sel(name, value) {
  const attr = CONTRACT.attr[name];
  return value === undefined ? `[${attr}]` : `[${attr}="${CSS.escape(String(value))}"]`;
}
/** The localStorage key of `store` for the copy of the site served under `root` (KEY_FORMAT). */
export function storageKey(root, store) {
  return CONTRACT.keyFormat.replace("{root}", root).replace("{store}", CONTRACT.stores[store]);
}
/** The sessionStorage key of the draft of form `id` for the copy of the site served under `root`. */
export function draftKey(root, id) {
  return CONTRACT.keyFormat.replace("{root}", root).replace("{store}", CONTRACT.draftPrefix + id);
}
/** A new, empty store of the given name. */
export function emptyStore(name) {
  return structuredClone(CONTRACT.emptyStores[name]);
}
/** The file name of an exam set ("{}" in EXAM_FILES.set). */
export function examSet(name) {
  return CONTRACT.examFiles.set.replace("{}", name);
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


# The script each interactive element needs, by its ATTR name: handbook.js, on every page, loads a
# script only when the page holds such an element (each kind's `feature` in engine/kinds.py).
FEATURES = kinds.features()
# The request that warms a spec the page hands the engine (engine/kinds.py `warm`), by bundle.
WARM = kinds.warmups()
# Repeated measures: a case keeps its saved scale results under this key, a list of
# engine/measures.py record()s; calculators save them, the measurement view (practice/measures) draws them.
MEASURES = "measures"
# The chart library (npm package uplot, copied by tools/postbuild.py); only the measurement view
# loads it, and the service worker keeps it on first use instead of precaching it.
ASSETS.update(
    {
        "chart_js": "assets/vendor/uplot/uPlot.iife.min.js",
        "chart_css": "assets/vendor/uplot/uPlot.min.css",
        # The search index's titles and everyday words only (tools/search_worker.py): the first query answers
        # from it while the whole index is still on its way (tools/search_gate.js).
        "search_first": "search/search_first.json",
    }
)

# ---- Names shared outside the pages' markup (issue 20); tests/test_engine_contract.py fails on any
# source file that spells one of them (or any name above) instead of reading it from here.
# Messages from the engine's worker to the page (engine-worker.js -> engine.js: "ready", "failed",
# "reply"; the page's engine state takes the same names), and the bridge's answer asking the worker
# to fetch a spec file ({"need": "<kind>/<id>"}).
# (The keys differ from the words, so a script that reads them never spells the word itself.)
WORKER = {"started": "ready", "broken": "failed", "answer": "reply", "needs_spec": "need"}
# <meta name> of the runtime the pages were built for (the theme writes it) and of the build id
# (tools/offline.py stamps it, the service worker checks it).
META = {"runtime": "hb-runtime", "build": "hb-build"}
# The service worker's caches: each name is its prefix + the build id; every cache of ours starts with PREFIX.
CACHES = {"prefix": "hb-", "shell": "hb-shell-", "pages": "hb-pages-", "files": "hb-files-"}
# Messages a page sends the service worker.
SW_MESSAGES = {"skip_waiting": "skip-waiting", "which_build": "build"}
# The exam's files under ASSETS["exam_dir"]: the whole bank, and one set per chapter ("{}" is the set).
# The mock papers' index ("papers") and one file per paper ("paper", "{}" is its id), fetched when drawn.
EXAM_FILES = {
    "bank": "bank.json",
    "set": "set-{}.json",
    "drills": "set-drills.json",
    "papers": "papers.json",
    "paper": "paper-{}.json",
}
# The storage key's formula (storage_key() above and storageKey() in contract.js both fill it in).
KEY_FORMAT = SITE + ":{root}:{store}"
# A form's unsaved answers are kept under KEY_FORMAT with this prefix + the form's id as the store
# (sessionStorage: gone with the tab).
DRAFT_PREFIX = "draft:"
# A new, empty store of each kind (the scripts open a store with a copy of it).
# Each store's collections and what an empty one holds (engine/state.py completes a store missing one).
STORE_COLLECTIONS = {
    "cases": (("cases", {}),),
    "exam": (("answers", {}), ("notebook", {}), ("exams", []), ("practice", {}), ("mock", None)),
}


def _empty_store(name):
    out = {"format": FORMATS[STORE_KINDS[name]], "rev": 0}
    if name == "cases":
        out["current"] = UNNAMED_CASE
    for collection, blank in STORE_COLLECTIONS[name]:
        out[collection] = blank
    return out


EMPTY_STORES = {"cases": _empty_store("cases"), "exam": _empty_store("exam")}
# Classes the stylesheet keys on (it never selects on a contract attribute, which belongs to the
# scripts): the macros render each next to its attribute. A result slot's class is RESULT_SLOT + its
# RESULT value (e.g. hb-calc__slot--error).
CLASSES = {
    "result_slot": "hb-calc__slot--",
    # A checklist's own modifier: this prefix + its id (e.g. the resource finder lists its suggestions in the page).
    "checklist_id": "hb-checklist--",
    "band_note": "hb-calc__band-note",
    "flag_note": "hb-calc__flag-note",
    "check": "hb-checklist__check",
    "checklist_result": "hb-checklist__result",
}
# ---- Case-analysis practice for 中级《社会工作实务》 (docs/exam/cases/, engine/case_practice.py) ----
# Its store (drafts and self-marked results), exported as its own kind; the kinds of sub-question the
# data files use and the report names; the elements the case pages are made of (macros/cases.py
# renders them, assets/js/cases.js wires them; their attributes are the kind's in engine/kinds.py).
CASE_PRACTICE = {
    "store": "case_practice",
    "kind": "case-practice",
    "format": 1,
    "kinds": {
        "needs": "需求与问题分析",
        "theory": "理论或模式的运用",
        "intervention": "介入策略与步骤",
        "ethics": "伦理困境",
        "evaluation": "评估设计",
        "plan": "服务方案设计",
    },
}
STORES["case_practice"] = "case-practice"
FORMATS["case-practice"] = CASE_PRACTICE["format"]
KIND_NAMES["case-practice"] = "案例分析练习"

# Speed (issue 26): a tool page's head names the engine files it will need (tools/preload.py writes this
# meta, site-relative paths separated by spaces); engine.js fetches them as it starts the worker and hands
# them over, so each is requested once and none waits for the worker to ask.
ENGINE_FILES_META = "hb-engine-files"
