"""The contract between the built pages and the scripts: every shared name defined once, in engine/contract.py."""

import json
import re
import subprocess
import sys
from pathlib import Path

from engine import bridge, contract, kinds, scoring
from macros.instruments import load_all

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "docs" / "assets" / "js"
# Every source file of these folders is scanned for contract names (tests/ may spell them: a test
# checks the built pages against the names it expects).
SCANNED = ("engine", "catalog", "macros", "tools", "docs", "overrides")
SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".html", ".css", ".md")
# The contract itself: the one module that spells the names, and the tool kinds it gathers them from.
OWNERS = (ROOT / "engine" / "contract.py", ROOT / "engine" / "kinds.py")
# Scripts that read the contract: every tool kind's script and the shared ones (engine/kinds.py).
CONTRACT_READERS = [ROOT / "docs" / script for script in kinds.scripts()]
# Said once under the list of violations: what to do about any of them.
HOW_TO_FIX = """
Every name shared by Python, JavaScript, templates, CSS and Markdown is defined once, in
engine/contract.py (a tool kind's attributes and script in engine/kinds.py). For each line above:
- Python: `from engine import contract`, then the expression shown after "Python".
- JavaScript: `import { CONTRACT, sel, read } from "./contract.js"`, then the expression shown after
  "JavaScript" (sel(key) builds a selector for an attribute; handbook.js gets the module from its
  `contract` promise; the service worker gets its names injected by tools/offline.py as NAMES).
- A template (overrides/): the same path under config.extra.hb (macros/__init__.py puts the contract there).
- Markdown: {{ attr("<key>") }} for a contract attribute; otherwise a macro renders the element.
- CSS: key on a class (contract.CLASSES lists those the macros render), never on a contract attribute.
- A NEW shared name: add it to engine/contract.py in your own commented block (or to its tool kind in
  engine/kinds.py), add it to as_dict() if the scripts need it, then read it as above. Comments and
  prose say what a name is for ("the build-id meta") rather than spelling it.
"""


def source_files():
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and path not in OWNERS:
                yield path


def contract_names():
    """{name as spelled: (where the contract keeps it, how Python reads it, how JavaScript reads it)}."""
    names = {}

    def add(table, py, js, values):
        for key, value in values.items():
            names[value] = (f"{table}[{key!r}]", f"{py}[{key!r}]", f"{js}.{key}" if key.isidentifier() else js)

    add("ATTR", "contract.ATTR", "CONTRACT.attr", contract.ATTR)
    add("ASSETS", "contract.ASSETS", "CONTRACT.assets", contract.ASSETS)
    add("FEATURES", "contract.FEATURES", "CONTRACT.features", contract.FEATURES)
    add("SCRIPTS", "kinds.KINDS[<kind>]['script']", "CONTRACT.features", {s: s for s in kinds.scripts()})
    add("LEGACY_KEYS", "contract.LEGACY_KEYS", "CONTRACT.legacyKeys", contract.LEGACY_KEYS)
    add("META", "contract.META", "CONTRACT.meta", contract.META)
    add("CACHES", "contract.CACHES", "CONTRACT.caches", {k: v for k, v in contract.CACHES.items() if k != "prefix"})
    add(
        "SW_MESSAGES",
        "contract.SW_MESSAGES",
        "CONTRACT.swMessages",
        {"skip_waiting": contract.SW_MESSAGES["skip_waiting"]},
    )
    add("EXAM_FILES", "contract.EXAM_FILES", "CONTRACT.examFiles", contract.EXAM_FILES)
    names[contract.APP] = ("APP", "contract.APP", "CONTRACT.app")
    names[contract.NEEDS_ENGINE] = (
        "NEEDS_ENGINE",
        "contract.NEEDS_ENGINE",
        "(the theme: config.extra.hb.needs_engine)",
    )
    names[contract.HIDE_SUFFIX] = ("HIDE_SUFFIX", "contract.HIDE_SUFFIX", "CONTRACT.hideSuffix")
    names["\\u00b7hb"] = names[contract.HIDE_SUFFIX]
    names[contract.SITE + ":"] = (
        "SITE (the storage-key formula)",
        "contract.storage_key()",
        "storageKey() from contract.js",
    )
    return names


# The worker's messages, the caches' common prefix and the service worker's "build" question are
# common words: they count as spelled when quoted, in the files that speak those protocols (every
# script, the service worker, the bridge that answers "need").
PROTOCOL_FILES = ("docs/assets/js/", "tools/service_worker.js", "engine/bridge.py")


def protocol_names():
    words = {}
    for table, py, js, keys in (
        ("WORKER", "contract.WORKER", "CONTRACT.worker", contract.WORKER),
        ("CACHES", "contract.CACHES", "CONTRACT.caches", {"prefix": contract.CACHES["prefix"]}),
        (
            "SW_MESSAGES",
            "contract.SW_MESSAGES",
            "CONTRACT.swMessages",
            {"which_build": contract.SW_MESSAGES["which_build"]},
        ),
    ):
        for key, word in keys.items():
            words[word] = (f"{table}[{key!r}]", f"{py}[{key!r}]", f"{js}.{key}")
    return words


def _pattern(name):
    """The name as a whole word; a "{}" in it (a file-name pattern) stands for any interpolation or id."""
    parts = [re.escape(part) for part in name.split("{}")]
    body = r"(?:\$\{[^}]*\}|\{[^}]*\}|[\w-]+)".join(parts)
    tail = "" if name.endswith(("-", ":")) else r"(?![\w-])"
    return re.compile(r"(?<![\w-])" + body + tail)


def violations():
    names = [(name, _pattern(name), where) for name, where in contract_names().items()]
    words = [(w, re.compile(r"([\"'`])" + re.escape(w) + r"\1"), where) for w, where in protocol_names().items()]
    found = []
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        checks = names + (words if rel.startswith(PROTOCOL_FILES) else [])
        # Only the names the file holds somewhere (a plain substring test, fast) are looked for line by line.
        checks = [check for check in checks if max(check[0].split("{}"), key=len) in text]
        for number, line in enumerate(text.split("\n"), 1):
            for name, pattern, (key, python, js) in checks:
                if pattern.search(line):
                    found.append(
                        f"{rel}:{number} spells {name!r}, the contract's {key}: Python {python}, JavaScript {js}"
                    )
    return found


def test_no_source_file_spells_a_contract_name():
    """Every Python, JavaScript, template, CSS and Markdown file outside the contract reads the names from it."""
    found = violations()
    assert not found, (
        f"{len(found)} contract name(s) spelled outside engine/contract.py:\n" + "\n".join(found) + HOW_TO_FIX
    )


def test_the_guard_finds_a_name_spelled_in_any_kind_of_file(tmp_path, monkeypatch):
    """The guard itself: a literal in a Markdown page, a stylesheet or a script is caught, naming file and line."""
    planted = {
        "docs/x.md": f"<div {contract.ATTR['checklist']}>",
        "docs/assets/css/x.css": f"[{contract.ATTR['result']}] {{ color: red; }}",
        "docs/assets/js/x.js": f'postMessage({{ type: "{contract.WORKER["started"]}" }});',
        "overrides/x.html": f'<meta name="{contract.META["runtime"]}">',
    }
    for rel, text in planted.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("ok\n" + text + "\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = violations()
    assert sorted(line.split(" spells")[0] for line in found) == sorted(f"{rel}:2" for rel in planted)


def test_every_lazily_loaded_script_is_found_by_a_contract_attribute():
    """handbook.js loads a feature's script when sel(name) finds its element: each name must be an
    attribute of the contract and each script must exist (and export the wire() it calls)."""
    for name, script in contract.FEATURES.items():
        assert name in contract.ATTR, name
        source = (ROOT / "docs" / script).read_text(encoding="utf-8")
        assert re.search(r"^export (async )?function wire\(", source, re.M), script


def test_scripts_read_storage_through_one_module():
    for path in sorted((ROOT / "docs" / "assets" / "js").glob("*.js")):
        if path.name != "store.js":
            assert "localStorage" not in path.read_text(encoding="utf-8"), f"{path.name} touches localStorage directly"


def test_generated_module_carries_the_contract():
    text = contract.js_module()
    data = json.loads(re.search(r"export const CONTRACT = (\{.*?\});\n", text, re.S).group(1))
    assert data["attr"] == contract.ATTR and data["assets"] == contract.ASSETS
    assert data["formats"] == contract.FORMATS and data["hideSuffix"] == contract.HIDE_SUFFIX


def test_storage_keys_differ_between_two_copies_on_one_host():
    assert contract.storage_key("/handbook-a/", "cases") != contract.storage_key("/handbook-b/", "cases")
    assert contract.storage_key("/", "cases") != contract.storage_key("/", "exam")


def shown_and_copied(spec, answers):
    result = scoring.score(spec, answers)
    shown = scoring.shown(spec, result)
    line = scoring.summary_line(spec, result, "2026-01-01")
    return shown, line


def full_answers(spec, pick):
    answers = {}
    for item in spec["items"]:
        if item.get("optional"):
            continue
        values = (
            sorted(o["value"] for o in item["options"])
            if "options" in item
            else list(range(item["range"]["min"], item["range"]["max"] + 1, item["range"].get("step", 1)))
        )
        answers[item["key"]] = values[pick % len(values)]
    return answers


def test_shown_total_equals_copied_total_for_every_instrument():
    specs = load_all()
    for sid, spec in specs.items():
        for pick in range(4):
            shown, line = shown_and_copied(spec, full_answers(spec, pick))
            assert shown["complete"], sid
            expected = f"{shown['label']} {shown['total']}"
            assert expected in line, f"{sid}: page shows {shown['total']!r}, copy says {line!r}"


def test_brs_mean_is_shown_with_two_decimals():
    spec = load_all()["brs"]
    shown, line = shown_and_copied(spec, {str(k): 3 for k in range(1, 7)})
    assert shown["total"] == "3.00" and "平均分 3.00" in line


def test_every_engine_error_shares_one_base():
    from engine import casework, quiz, storage
    from engine.errors import EngineError

    for cls in (scoring.ScoreError, casework.CaseworkError, quiz.QuizError, storage.StorageError, bridge.RequestError):
        assert issubclass(cls, EngineError)


def test_unexpected_failure_reaches_the_page_without_internals():
    reply = json.loads(bridge.call(json.dumps({"fn": "due", "args": [{"q1": {"step": 0}}, "2026-01-01"]})))
    assert reply["error"] == bridge.INTERNAL
    assert "KeyError" not in reply["error"] and "due" not in reply["error"]


def test_pages_that_need_the_engine_say_so(tmp_path):
    from macros import pages

    class Page:
        meta = {}

        class file:
            src_uri = "scales/phq9.md"

    class Env:
        page = Page()

    pages.needs_engine(Env)
    assert Env.page.meta[contract.NEEDS_ENGINE] == contract.ASSETS["engine_js"]
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert "page.meta[hb.needsEngine]" in template and "page.content" not in template


def test_unicode_spaces_around_a_number_are_ignored():
    spec = load_all()["phq9"]
    answers = {str(k): "\u00a01\u3000" for k in range(1, 10)}
    assert scoring.score(spec, answers)["total"] == 9
    assert scoring.strip_spaces("\u2003 2\u205f") == "2"
    assert all(c.isspace() for c in scoring.SPACES)
    assert [c for c in map(chr, range(0x3001)) if c.isspace() and c not in scoring.SPACES] == []


def test_engine_reveals_hidden_answers_like_the_bundle_hides_them():
    from catalog import questions
    from engine import quiz as engine_quiz

    question = next(q for q in questions.bundle_files()["bank.json"]["questions"] if q["type"] == "multi")
    shown = engine_quiz.reveal(question)
    assert "key" not in shown and len(shown["options"]) == len(question["options"])
    assert engine_quiz.hidden_is_multi(question) is True
    right = [i for i, o in enumerate(shown["options"]) if o["correct"]]
    assert engine_quiz.grade(shown, right)["points"] == 2.0


def test_bridge_asks_for_a_spec_once_and_refuses_an_unknown_one(tmp_path, monkeypatch):
    """In the browser each spec is a file the worker fetches when the bridge first asks for it."""
    monkeypatch.setattr(bridge, "DATA_DIR", str(tmp_path) + "/")
    monkeypatch.setattr(bridge, "_bundles", {})
    monkeypatch.setattr(bridge, "_index", None)
    (tmp_path / "index.json").write_text(json.dumps({"instruments": ["phq9"]}), encoding="utf-8")
    request = json.dumps({"fn": "score", "args": ["phq9", {str(k): 1 for k in range(1, 10)}]})
    assert json.loads(bridge.call(request)) == {"need": "instruments/phq9"}
    (tmp_path / "instruments").mkdir()
    (tmp_path / "instruments" / "phq9.json").write_text(json.dumps(load_all()["phq9"]), encoding="utf-8")
    assert json.loads(bridge.call(request))["ok"]["total"] == 9
    (tmp_path / "instruments" / "phq9.json").unlink()  # read once: later calls do not open it again
    assert json.loads(bridge.call(request))["ok"]["total"] == 9
    for ident in ("gad7", "../index", 7):
        reply = json.loads(bridge.call(json.dumps({"fn": "score", "args": [ident, {}]})))
        assert reply["error"].startswith("未知的编号"), ident


def test_scripts_fill_the_same_storage_key_empty_store_and_set_name(tmp_path):
    """contract.js's helpers give what Python gives: one formula, one empty store, one file-name pattern."""
    module = tmp_path / "contract.mjs"
    module.write_text(contract.js_module(), encoding="utf-8")
    script = (
        f"import {{ storageKey, emptyStore, examSet }} from {json.dumps(module.as_uri())};\n"
        'console.log(JSON.stringify([storageKey("/copy/", "cases"), emptyStore("cases"), examSet("casework")]));\n'
    )
    done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    key, empty, name = json.loads(done.stdout)
    assert key == contract.storage_key("/copy/", "cases") and key.endswith(":/copy/:" + contract.STORES["cases"])
    assert empty == contract.EMPTY_STORES["cases"] and empty["cases"] == {}
    assert name == contract.EXAM_FILES["set"].replace("{}", "casework") != contract.EXAM_FILES["bank"]


def test_the_stylesheets_key_on_the_classes_the_macros_render():
    """CSS never selects on a contract attribute (the guard above); it styles the classes the contract
    names, and each of them is rendered by a macro next to its attribute."""
    css = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "assets" / "css").glob("*.css"))
    macros = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "macros").glob("*.py"))
    for key, name in contract.CLASSES.items():
        assert name in css, f"contract.CLASSES[{key!r}] = {name!r} is styled nowhere"
        assert f'CLASSES["{key}"]' in macros or f'C["{key}"]' in macros, f"no macro renders {name!r}"
