"""The floors of the Python code: engine <- catalog <- macros <- tools. Imports only go down, and
no module of a floor imports another in a circle (a function-level import counts: it hides one)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ("engine", "catalog", "macros", "tools")
# The command-line scorer reads its data through the catalog: it runs in CPython only, never in the
# browser's engine (tools/postbuild.py leaves engine/__main__.py out of the bundle).
ALLOWED_UP = {("engine.__main__", "catalog")}


def imports_of(path):
    """Every project module a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] in FLOORS}


def graph():
    modules = {}
    for floor in FLOORS:
        for path in sorted((ROOT / floor).glob("*.py")):
            name = floor if path.stem == "__init__" else f"{floor}.{path.stem}"
            modules[name] = path
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def test_imports_only_go_down_a_floor():
    upward = []
    for name, targets in graph().items():
        here = FLOORS.index(name.split(".")[0])
        for target in targets:
            floor = target.split(".")[0]
            if FLOORS.index(floor) > here and (name, floor) not in ALLOWED_UP:
                upward.append(f"{name} -> {target}")
    assert not upward, "imports going up a floor (engine <- catalog <- macros <- tools): " + ", ".join(upward)


def test_no_import_circles():
    edges = graph()
    circles = []

    def visit(name, path):
        for target in edges.get(name, ()):
            if target in path:
                circles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif len(path) < len(edges):
                visit(target, path + [target])

    for name in edges:
        visit(name, [name])
    assert not circles, "import circles: " + "; ".join(sorted(set(circles)))


def test_the_catalog_loads_without_mkdocs_or_the_renderers():
    """The command-line scorer and the post-build step use the catalog with Python and PyYAML only."""
    code = (
        "import sys\n"
        "from catalog import checklists, glossary, instruments, questions, references, thresholds\n"
        "assert instruments.load_all() and checklists.load_all() and thresholds.load() is not None\n"
        "assert questions.load_questions() and questions.load_drills() and questions.bundle_files()\n"
        "assert glossary.terms() and references.references()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'macros', 'tools')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_nothing_is_validated_at_import_time():
    """Importing a catalog or macros module reads no data file (validation runs when a loader is first called)."""
    modules = [name for name in graph() if name.split(".")[0] in ("catalog", "macros")]
    assert "catalog.questions" in modules
    code = (
        "import yaml\n"
        "calls = []\n"
        "real = yaml.load\n"
        "yaml.load = lambda *a, **k: calls.append(a) or real(*a, **k)\n"
        "import importlib\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(len(calls))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0", done.stdout


def test_a_broken_data_file_stops_the_build_with_its_message_alone(tmp_path, monkeypatch):
    """The catalog's DataFileError is plain Python; inside a build it becomes MkDocs' PluginError,
    which MkDocs prints without a traceback."""
    from mkdocs.exceptions import PluginError

    import macros
    from catalog import references

    broken = tmp_path / "references.yml"
    broken.write_text("references:\n  - id: s1\n    text: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(references, "REFERENCE_FILE", broken)

    class Env:
        conf = {"extra": {}}

        @staticmethod
        def macro(fn):
            return fn

    with pytest.raises(PluginError, match=r"references\.yml，条目 第 \d+ 行：YAML 格式错误"):
        macros.define_env(Env)
