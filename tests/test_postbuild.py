"""The post-build step runs without MkDocs hooks, and the macros ask for their page in a way any
Material-compatible builder can answer."""

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import yaml

from macros.pages import page_markdown, page_src

ROOT = Path(__file__).resolve().parent.parent


def test_mkdocs_config_has_no_hooks():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\nhooks:" not in config
    assert "navigation.prune" in config


def test_page_source_from_mkdocs_and_from_a_page_without_file():
    mkdocs_page = SimpleNamespace(page=SimpleNamespace(file=SimpleNamespace(src_uri="casework/intake.md")))
    assert page_src(mkdocs_page) == "casework/intake.md"
    for url in ("casework/intake.html", "/casework/intake.html"):
        assert page_src(SimpleNamespace(page=SimpleNamespace(url=url))) == "casework/intake.md"
    assert page_src(SimpleNamespace(page=SimpleNamespace(url=""))) == "index.md"
    assert page_src(SimpleNamespace(page=SimpleNamespace(src_path="casework/intake.md"))) == "casework/intake.md"
    text = page_markdown(SimpleNamespace(page=SimpleNamespace(url="casework/intake.html"), conf={}))
    assert text.startswith("# ")


def test_postbuild_refuses_an_unbuilt_folder(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tools.postbuild", str(tmp_path)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "没有 index.html" in result.stderr


def test_postbuild_ran_on_the_built_site(site_dir):
    """Everything the hooks used to do is in site/: runtime, engine, exam data, compact index, worker."""
    assert (site_dir / "assets/vendor/micropython/micropython.wasm").is_file()
    assert (site_dir / "assets/engine/engine.json").is_file()
    assert (site_dir / "assets/exam/bank.json").is_file()
    assert "医务" in (site_dir / "search/search_index.json").read_text(encoding="utf-8")[:2000]
    assert 'const BUILD = "' in (site_dir / "sw.js").read_text(encoding="utf-8")
    build = yaml.safe_load((site_dir / "assets/offline.json").read_text(encoding="utf-8"))["build"]
    assert f'<meta name="hb-build" content="{build}">' in (site_dir / "casework/intake.html").read_text(
        encoding="utf-8"
    )


def test_micropython_engine_ships_as_bytecode_of_the_runtime_version(site_dir):
    """Each engine module is MicroPython bytecode (mpy v6) that the pinned runtime can import."""
    import base64
    import json

    modules = json.loads((site_dir / "assets/engine/engine.json").read_text(encoding="utf-8"))["modules"]
    sources = sorted(p.stem for p in (ROOT / "engine").glob("*.py") if p.name != "__main__.py")
    assert sorted(name.removesuffix(".mpy") for name in modules) == sources
    for name, encoded in modules.items():
        assert name.endswith(".mpy")
        header = base64.b64decode(encoded)[:2]
        assert header == b"M\x06", (name, header)


def test_each_spec_ships_as_its_own_file(site_dir):
    """The engine file lists the specs; each one is a file the worker fetches when a page uses it."""
    import json

    from catalog import checklists, instruments

    index = json.loads((site_dir / "assets/engine/engine.json").read_text(encoding="utf-8"))["specs"]
    for kind, specs in (("instruments", instruments.load_all()), ("checklists", checklists.load_all())):
        assert index[kind] == sorted(specs)
        for ident, spec in specs.items():
            shipped = json.loads((site_dir / "assets/engine/data" / kind / f"{ident}.json").read_text(encoding="utf-8"))
            assert shipped == spec


def test_engine_pages_preload_the_runtime_and_other_pages_do_not(site_dir):
    calculator = (site_dir / "scales/phq9.html").read_text(encoding="utf-8")
    # The page fetches these from its head and hands them to the worker (tools/preload.py): one request each.
    named = re.search(r'<meta name="hb-engine-files" content="([^"]*)">', calculator).group(1).split()
    assert {"assets/engine/engine.json", "assets/engine/data/instruments/phq9.json"} <= set(named)
    # The runtime is the worker's own: its import cannot use a page's preload, and it compiles the wasm
    # as it downloads.
    assert "micropython.mjs" not in calculator and "micropython.wasm" not in calculator
    reading = (site_dir / "casework/intake.html").read_text(encoding="utf-8")
    assert "assets/vendor/" not in reading and "engine.json" not in reading
