"""The contract between the built pages and the scripts: every shared name defined once, in engine/contract.py."""

import json
import re
from pathlib import Path

from engine import bridge, contract, scoring
from macros.instruments import load_all

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "docs" / "assets" / "js"
# Scripts that read the contract (handbook.js, a classic script on every page, imports it to lazy-load the others).
CONTRACT_READERS = ["handbook.js", "calculators.js", "checklists.js", "quiz.js", "engine-worker.js", "files.js"]
PYTHON = [
    ROOT / "macros" / "instruments.py",
    ROOT / "macros" / "checklists.py",
    ROOT / "tools" / "postbuild.py",
    ROOT / "engine" / "storage.py",
    ROOT / "engine" / "quiz.py",
    ROOT / "engine" / "bridge.py",
]


def shared_literals():
    """Every name the contract defines, as it would be spelled in code."""
    names = set(contract.ATTR.values()) | set(contract.ASSETS.values()) | set(contract.LEGACY_KEYS.values())
    names |= set(contract.FEATURES.values())
    names |= {contract.APP, contract.HIDE_SUFFIX, "\\u00b7hb"}
    return names


def test_no_script_or_macro_spells_a_contract_name():
    for path in [JS / name for name in CONTRACT_READERS] + PYTHON:
        text = path.read_text(encoding="utf-8")
        for name in shared_literals():
            spelled = re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)
            assert not spelled, f"{path.name} spells {name!r}: read it from the contract"


def test_every_lazily_loaded_script_is_found_by_a_contract_attribute():
    """handbook.js loads a feature's script when sel(name) finds its element: each name must be an
    attribute of the contract and each script must exist (and export the wire() it calls)."""
    for name, script in contract.FEATURES.items():
        assert name in contract.ATTR, name
        source = (ROOT / "docs" / script).read_text(encoding="utf-8")
        assert re.search(r"^export (async )?function wire\(", source, re.M), script


def test_scripts_read_storage_through_one_module():
    for name in CONTRACT_READERS:
        text = (JS / name).read_text(encoding="utf-8")
        if name != "files.js":
            assert "localStorage" not in text, f"{name} touches localStorage directly"


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
    from macros import checklists, instruments

    class Page:
        meta = {}

        class file:
            src_uri = "scales/phq9.md"

    class Env:
        page = Page()

    instruments.needs_engine(Env)
    assert Env.page.meta[contract.NEEDS_ENGINE] == contract.ASSETS["engine_js"]
    template = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert "page.meta." + contract.NEEDS_ENGINE in template and "page.content" not in template
    assert checklists  # the checklist macros call the same marker (tested through test_checklists_data)


def test_unicode_spaces_around_a_number_are_ignored():
    spec = load_all()["phq9"]
    answers = {str(k): "\u00a01\u3000" for k in range(1, 10)}
    assert scoring.score(spec, answers)["total"] == 9
    assert scoring.strip_spaces("\u2003 2\u205f") == "2"
    assert all(c.isspace() for c in scoring.SPACES)
    assert [c for c in map(chr, range(0x3001)) if c.isspace() and c not in scoring.SPACES] == []


def test_engine_reveals_hidden_answers_like_the_bundle_hides_them():
    from engine import quiz as engine_quiz
    from macros import quiz

    question = next(q for q in quiz.bundle_files()["bank.json"]["questions"] if q["type"] == "multi")
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
