"""MkDocs hooks: enforce page conventions, then ship engine, data and runtimes with the site."""

import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import contract  # noqa: E402  (needs ROOT on the path)
from macros import quiz  # noqa: E402

NODE_MODULES = ROOT / "node_modules"
# Files each Python runtime needs in the browser, copied from the pinned npm packages.
RUNTIME_FILES = {
    "micropython": ("@micropython/micropython-webassembly-pyscript", ["micropython.mjs", "micropython.wasm"]),
    "pyodide": ("pyodide", ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]),
}
# Data the engine reads in the browser: bundle name -> module whose load_all() validates and returns it.
BUNDLES = {"instruments": "macros.instruments", "checklists": "macros.checklists"}
CHAPTERS = tuple(f"{chapter}/" for chapter in quiz.CHAPTERS)
ABSTRACT = re.compile(r'<div class="admonition abstract">')
SOURCES = re.compile(r'<h2 [^>]*id="sources"')


def on_page_content(html, page, config, files):
    """Chapter pages open with an abstract and end with their sources; otherwise the build stops."""
    src = page.file.src_uri
    if src.startswith(CHAPTERS) or src.startswith("reference/glossary"):
        first_block = html.split("</h1>", 1)[-1].lstrip()
        if not ABSTRACT.match(first_block):
            raise PluginError(f"{src}：页面标题后的第一块必须是提要（!!! abstract \"提要\"）")
        if not SOURCES.search(html):
            raise PluginError(f"{src}：缺少“参考来源”一节（在页尾写 {{{{ sources(...) }}}}）")
    return html


def on_post_build(config):
    site = Path(config["site_dir"])
    runtime = config["extra"]["python_runtime"]
    if runtime not in RUNTIME_FILES:
        raise PluginError(f"mkdocs.yml：extra.python_runtime 应为 micropython 或 pyodide，实际是 {runtime!r}")
    package, names = RUNTIME_FILES[runtime]
    vendor = site / "assets" / "vendor" / runtime
    vendor.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = NODE_MODULES / package / name
        if not source.exists():
            raise PluginError(f"缺少 {source.relative_to(ROOT)}：请先运行 npm ci（make 会自动运行）")
        shutil.copy2(source, vendor / name)
    # The engine travels as one file: its Python modules and the validated data they read.
    pack = {
        "modules": {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "engine").glob("*.py"))},
        "data": {name: importlib.import_module(module).load_all() for name, module in BUNDLES.items()},
    }
    engine = site / contract.ASSETS["engine_bundle"]
    engine.parent.mkdir(parents=True, exist_ok=True)
    engine.write_text(json.dumps(pack, ensure_ascii=False), encoding="utf-8")
    (site / contract.ASSETS["contract_js"]).write_text(contract.js_module(), encoding="utf-8")
    exam = site / "assets" / "exam"
    exam.mkdir(exist_ok=True)
    for name, content in quiz.bundle_files().items():
        (exam / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    quiz.check_anchors(site)
    _compact_search_index(site)
    _service_worker(site)


def _compact_search_index(site):
    """Material writes Chinese as \\uXXXX escapes (6 bytes a character); UTF-8 needs 3."""
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _service_worker(site):
    """Precache the whole built site with Workbox so it works offline after one visit."""
    result = subprocess.run(
        ["node", str(ROOT / "tools" / "service_worker.mjs"), str(site)],
        capture_output=True, text=True, cwd=ROOT,
    )
    if result.returncode != 0:
        raise PluginError(f"生成 service worker 失败：{result.stderr.strip() or result.stdout.strip()}")
