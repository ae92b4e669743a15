"""Benchmark (not part of the tests): start-up, score round trip, page weight, build time, Lighthouse.

Prints a table and writes bench/results/latest.json. Ratios measured side by side in one run are the
headline numbers; absolute times depend on the machine. Usage: make bench  (or python tools/bench.py --runs 5)
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from catalog.instruments import load_all  # noqa: E402
from engine import contract  # noqa: E402
from macros import quiz  # noqa: E402
from tools import offline, serve  # noqa: E402
from tools.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, launch  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MKDOCS = str(ROOT / ".venv" / "bin" / "mkdocs")
CONTENT_PAGE = "interview/empathy.html"
CALCULATOR_PAGE = "scales/phq9.html"
PRACTICE_PAGE = "exam/drills.html"
LIGHTHOUSE_PAGES = {
    "home": "index.html",
    "technique": CONTENT_PAGE,
    "calculator": CALCULATOR_PAGE,
    "practice": PRACTICE_PAGE,
}
READY = "performance.getEntriesByName('hb-engine-ready').length > 0"


def build(args, env=None, site=None):
    """Seconds for one build; with `site`, the post-build step (offline copy, engine…) counts too."""
    started = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    subprocess.run([MKDOCS, "build", "--quiet", *args], cwd=ROOT, check=True, env=env, stderr=subprocess.DEVNULL)
    if site:
        subprocess.run(
            [sys.executable, "-m", "tools.postbuild", str(site)],
            cwd=ROOT,
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - started


class _LooseLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving its !ENV and !!python tags (only the nav is wanted)."""


_LooseLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _copy_chapter_sections(item, copy):
    """The nav's chapter sections, their pages moved to the copy's folders (e.g. casework-2/)."""
    found = []
    if isinstance(item, list):
        for entry in item:
            found += _copy_chapter_sections(entry, copy)
    elif isinstance(item, dict):
        for title, value in item.items():
            pages = value if isinstance(value, list) else []
            if pages and all(isinstance(p, str) and p.split("/")[0] in quiz.CHAPTERS for p in pages):
                found.append({f"{title}（副本 {copy}）": [p.replace("/", f"-{copy}/", 1) for p in pages]})
            else:
                found += _copy_chapter_sections(value, copy)
    return found


def synthetic_site(work, factor):
    """Build the handbook with every chapter present `factor` times; returns its size figures."""
    docs = work / f"docs-{factor}x"
    shutil.copytree(ROOT / "docs", docs)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.load(text, _LooseLoader)["nav"]
    for copy in range(2, factor + 1):
        for chapter in quiz.CHAPTERS:
            if (docs / chapter).is_dir():
                shutil.copytree(docs / chapter, docs / f"{chapter}-{copy}")
        nav.append({f"副本 {copy}": _copy_chapter_sections(nav, copy)})
    head = text[: text.index("\nnav:")].replace("\ndocs_dir: docs\n", f"\ndocs_dir: {docs}\n")
    # Beside mkdocs.yml, so the overrides, macros and data resolve as in the real build.
    config = ROOT / f".bench-{factor}x.yml"
    config.write_text(head + "\nnav:\n" + yaml.safe_dump(nav, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = work / f"site-{factor}x"
    try:
        seconds = build(["-f", str(config), "-d", str(site)], site=site)
    finally:
        config.unlink()
    pages = list(site.rglob("*.html"))
    html = sum(p.stat().st_size for p in pages)
    precache = offline.precache_report(site)
    catalogue = json.loads((site / "assets" / "offline.json").read_text(encoding="utf-8"))
    return {
        "pages": len(pages),
        "html_bytes": html,
        "html_bytes_per_page": round(html / len(pages)),
        "precache_files": precache["files"],
        "precache_gzip_bytes": precache["gzip_bytes"],
        "save_all_gzip_bytes": catalogue["save_bytes"],
        "build_s": round(seconds, 1),
    }


# A mid-range phone as Lighthouse's mobile preset models it: 4x slower CPU, 1.6 Mbit/s, 150 ms RTT.
PHONE_CPU = 4
PHONE_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CONTROLLED = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"


def loadavg():
    """The machine's 1-minute load average: the figures are comparable only at similar load."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return None


def as_phone(page):
    """Throttle the page (and the engine worker it starts) to the phone profile."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU})
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
    return page


def phone_startup(browser, base, path, runs):
    """Cold: a fresh profile per run. Warm: a returning reader's, with the offline copy installed."""
    load_before = loadavg()
    cold, timelines = [], {"cold": [], "warm": []}
    for _ in range(runs):
        ctx = browser.new_context(viewport=PHONE, service_workers="block")
        timelines["cold"].append({})
        cold.append(startup(as_phone(ctx.new_page()), base + path, timelines["cold"][-1]))
        ctx.close()
    ctx = browser.new_context(viewport=PHONE)
    first = ctx.new_page()
    first.goto(base + path)
    first.wait_for_function(CONTROLLED, timeout=120000)
    first.wait_for_function(READY, timeout=180000)
    first.close()
    warm = []
    for _ in range(runs):
        page = as_phone(ctx.new_page())
        timelines["warm"].append({})
        warm.append(startup(page, base + path, timelines["warm"][-1]))
        page.close()
    ctx.close()
    out = {
        mode: {
            "dcl_ms": median_range([d for d, _ in data]),
            "ready_ms": median_range([r for _, r in data]),
            "ratio": round(statistics.median(r / d for d, r in data), 2),
        }
        for mode, data in (("cold", cold), ("warm", warm))
    }
    for mode, runs_marks in timelines.items():
        out[mode]["timeline_ms"] = timeline(runs_marks)
    out["loadavg"] = [load_before, loadavg()]
    print(
        f"  phone {path}: cold {out['cold']['ratio']} x DCL, warm {out['warm']['ratio']} x DCL"
        f" (load average {out['loadavg'][0]} → {out['loadavg'][1]})",
        flush=True,
    )
    return out


# Engine start-up marks in the order they happen; "bundle" runs beside the runtime's steps.
TIMELINE = {
    "start": "页面启动引擎（engine.js）",
    "worker": "worker 脚本已运行",
    "runtime-script": "运行时脚本已加载",
    "bundle": "引擎包已下载并解析",
    "runtime": "wasm 已编译、运行时已启动",
    "files": "模块已写入文件系统",
    "import": "已导入 bridge",
    "ready": "页面收到就绪",
    "dcl": "DOMContentLoaded",
}


def timeline(runs_marks):
    """Median time (ms after navigation start) of each start-up mark over the runs that have it."""
    return {
        name: round(statistics.median(m[name] for m in runs_marks if name in m), 1)
        for name in TIMELINE
        if any(name in m for m in runs_marks)
    }


# The worker's start-up steps (engine-worker.js), replayed on the page's main thread so each runs at
# the phone's CPU speed: Chromium cannot slow a worker down ("only supported for pages, not workers").
BREAKDOWN = """async ([bundle, spec]) => {
    const root = window.handbookRoot, marks = [performance.now()];
    const { loadMicroPython } = await import(root + "assets/vendor/micropython/micropython.mjs");
    marks.push(performance.now());
    const packText = fetch(root + bundle).then((r) => r.text());
    const specText = fetch(root + spec).then((r) => r.text());
    const py = await loadMicroPython({ stdout: () => {}, stderr: () => {} });
    marks.push(performance.now());
    const pack = JSON.parse(await packText);
    marks.push(performance.now());
    py.FS.mkdir("/engine");
    py.FS.mkdir("/engine/data");
    for (const kind of Object.keys(pack.specs)) py.FS.mkdir("/engine/data/" + kind);
    py.FS.writeFile("/engine/data/index.json", JSON.stringify(pack.specs));
    for (const [name, source] of Object.entries(pack.modules)) py.FS.writeFile("/engine/" + name, Uint8Array.fromBase64(source));
    marks.push(performance.now());
    py.runPython("import sys\\nif '/' not in sys.path:\\n    sys.path.insert(0, '/')\\n");
    const bridge = py.pyimport("engine.bridge");
    marks.push(performance.now());
    const request = JSON.stringify({ fn: "score", args: ["phq9", {}] });
    const need = JSON.parse(bridge.call(request)).need;
    py.FS.writeFile("/engine/data/" + need + ".json", await specText);
    bridge.call(request);
    marks.push(performance.now());
    return marks.slice(1).map((m, i) => m - marks[i]);
}"""
BREAKDOWN_STEPS = [
    "运行时脚本",
    "wasm 编译与运行时启动",
    "引擎包解析",
    "写入文件",
    "导入 bridge",
    "首次计分（读入 PHQ-9 数据）",
]


def startup_breakdown(browser, base, runs):
    """Where a warm start goes, on the phone profile (median of `runs`)."""
    ctx = browser.new_context(viewport=PHONE)
    first = ctx.new_page()
    first.goto(base + CONTENT_PAGE)
    first.wait_for_function(CONTROLLED, timeout=120000)
    first.close()
    samples = []
    for _ in range(runs):
        page = as_phone(ctx.new_page())
        page.goto(base + CONTENT_PAGE)
        samples.append(
            page.evaluate(
                BREAKDOWN,
                [contract.ASSETS["engine_bundle"], contract.ASSETS["engine_data_dir"] + "instruments/phq9.json"],
            )
        )
        page.close()
    ctx.close()
    steps = {name: round(statistics.median(s[i] for s in samples), 1) for i, name in enumerate(BREAKDOWN_STEPS)}
    print(f"  warm start-up steps (phone): {steps}", flush=True)
    return steps


def plain_config(directory):
    """The same Markdown and nav in plain Material: no macros, extra CSS/JS or overrides.

    The calculator pages are made by gen-files and listed by literate-nav (see mkdocs.yml), so the
    baseline keeps those two plugins; their pages then hold the unexpanded instrument() call.
    """
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    extensions = text[text.index("markdown_extensions:") : text.index("\nnav:")]
    nav = text[text.index("\nnav:") :]
    config = Path(directory) / "plain.yml"
    config.write_text(
        f"site_name: 基线\ndocs_dir: {ROOT / 'docs'}\nsite_dir: {Path(directory) / 'plain'}\nuse_directory_urls: false\n"
        "theme:\n  name: material\n  language: zh\n  font: false\n  features: [navigation.instant, navigation.tabs, navigation.sections]\n"
        "plugins:\n  - search\n"
        f"  - gen-files:\n      scripts:\n        - {ROOT / 'tools' / 'scale_pages.py'}\n"
        "  - literate-nav:\n      implicit_index: true\n"
        f"{extensions}{nav}",
        encoding="utf-8",
    )
    return config


def median_range(values):
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "runs": [round(v, 1) for v in values],
    }


def startup(page, url, marks=None):
    """(DOMContentLoaded, engine ready) in ms after navigation start; `marks` (a dict) receives every
    engine start-up mark (engine.js and its worker, see engine-worker.js) on the same clock."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(READY, timeout=180000)
    dcl, ready, found = page.evaluate("""() => [performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        performance.getEntriesByName('hb-engine-ready')[0].startTime,
        performance.getEntriesByType('mark').filter((m) => m.name.startsWith('hb-engine-'))
            .map((m) => [m.name.slice(10), m.startTime])]""")
    if marks is not None:
        marks.update({"dcl": dcl, **dict(found)})
    return dcl, ready


def measure_startup(browser, playwright, base, pages, runs):
    """Cold: a fresh profile per run. Warm: one persistent profile, visited once before measuring."""
    out = {}
    for path in pages:
        cold = [
            startup(ctx.new_page(), base + path)
            for ctx in [browser.new_context(viewport=PHONE, service_workers="block") for _ in range(runs)]
        ]
        profile = tempfile.mkdtemp(prefix="hb-bench-profile-")
        warm_ctx = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE, service_workers="block"
        )
        startup(warm_ctx.new_page(), base + path)
        warm = [startup(warm_ctx.new_page(), base + path) for _ in range(runs)]
        warm_ctx.close()
        shutil.rmtree(profile, ignore_errors=True)
        for ctx in browser.contexts:
            ctx.close()
        out[path] = {
            mode: {"dcl_ms": median_range([d for d, _ in data]), "ready_ms": median_range([r for _, r in data])}
            for mode, data in (("cold", cold), ("warm", warm))
        }
        print(
            f"  {path}: cold DCL {out[path]['cold']['dcl_ms']['median']} ms, ready {out[path]['cold']['ready_ms']['median']} ms;"
            f" warm ready {out[path]['warm']['ready_ms']['median']} ms",
            flush=True,
        )
    return out


def round_trip(browser, base, changes=100):
    page = browser.new_context(viewport=PHONE, service_workers="block").new_page()
    page.goto(base + CALCULATOR_PAGE)
    page.wait_for_function(READY, timeout=180000)
    times = page.evaluate(
        """async ([n, A]) => {
        const root = document.querySelector(`[${A.instrument}="phq9"]`);
        const total = root.querySelector(`[${A.result}="total"]`);
        const shown = (want) => new Promise((resolve) => {
            if (total.textContent === want) return resolve();
            const watch = new MutationObserver(() => { if (total.textContent === want) { watch.disconnect(); resolve(); } });
            watch.observe(total, {childList: true, characterData: true, subtree: true});
        });
        for (let i = 1; i <= 9; i++) root.querySelector(`input[${A.item}="${i}"][value="0"]`).click();
        await shown('0');
        const times = [];
        for (let i = 0; i < n; i++) {
            const value = i % 2 === 0 ? 3 : 0;
            const t0 = performance.now();
            root.querySelector(`input[${A.item}="1"][value="${value}"]`).click();
            await shown(String(value));
            times.push(performance.now() - t0);
        }
        return times;
    }""",
        [changes, contract.ATTR],
    )
    page.context.close()
    times.sort()
    return {
        "changes": changes,
        "p50_ms": round(times[len(times) // 2], 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
    }


def page_weight(browser, base, path, wait=None):
    """Bytes of every response (the page's and its workers') on a cold load; the server does not compress."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    sizes, urls = [], []

    def finished(request):
        s = request.sizes()
        sizes.append(s["responseBodySize"] + s["responseHeadersSize"])
        urls.append(request.url)

    ctx.on("requestfinished", finished)
    page = ctx.new_page()
    page.goto(base + path, wait_until="networkidle")
    if wait:
        page.wait_for_function(wait, timeout=180000)
        page.wait_for_load_state("networkidle")
    ctx.close()
    return {
        "bytes": sum(sizes),
        "requests": len(sizes),
        "python_runtime": any("/" + contract.ASSETS["vendor_dir"] in u for u in urls),
    }


def lighthouse(base, runs=3):
    """Mobile preset, Debian Chromium; the median of `runs` runs per page (single runs vary by a few points)."""
    scores = {}
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    for name, path in LIGHTHOUSE_PAGES.items():
        runs_scores = []
        for run in range(runs):
            report = RESULTS / f"lighthouse-{name}-{run + 1}.json"
            subprocess.run(
                [
                    str(binary),
                    base + path,
                    "--output=json",
                    f"--output-path={report}",
                    "--quiet",
                    "--only-categories=performance,accessibility,best-practices",
                    "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
                ],
                cwd=ROOT,
                check=True,
                env={**os.environ, "CHROME_PATH": CHROMIUM},
            )
            categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
            runs_scores.append({k: round(v["score"] * 100) for k, v in categories.items()})
        scores[name] = {k: statistics.median(r[k] for r in runs_scores) for k in runs_scores[0]}
        scores[name]["runs"] = runs_scores
        print(f"  lighthouse {name}: {scores[name]}", flush=True)
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", choices=["all", "one"], default="all", help="calculator pages to time")
    parser.add_argument(
        "--part",
        choices=["all", "offline", "phone"],
        default="all",
        help="offline: page weight and precache at 1x and 4x only; phone: phone-profile start-up only",
    )
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hb-bench-"))
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{os.cpu_count()} CPU", "runs": args.runs}
    try:
        if args.part in ("all", "offline"):
            print("page weight and offline copy at 1x and 4x (chapters duplicated)…", flush=True)
            results["growth"] = {f"{n}x": synthetic_site(work, n) for n in (1, 4)}
            report_growth(results["growth"])
        if args.part in ("all", "phone"):
            build(["-d", str(work / "site")], site=work / "site")
            server, url = serve.start(work / "site")
            with sync_playwright() as p:
                browser = launch(p)
                print("start-up on the phone profile (MicroPython)…", flush=True)
                results["phone"] = {
                    "startup": {CALCULATOR_PAGE: phone_startup(browser, url, CALCULATOR_PAGE, args.runs)},
                    "warm_steps_ms": startup_breakdown(browser, url, args.runs),
                }
                browser.close()
            server.shutdown()
        if args.part == "all":
            full_run(args, work, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.part != "all":
        (RESULTS / f"latest-{args.part}.json").write_text(
            json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        report_phone(results)
        return 0
    results["budgets"] = budgets(results)
    (RESULTS / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    report(results)
    return 0


def full_run(args, work, results):
    print("building (site, Pyodide variant, plain Material baseline)…", flush=True)
    builds = {"site": [], "plain": []}
    plain = plain_config(work)
    for _ in range(3):
        builds["site"].append(build(["-d", str(work / "site")], site=work / "site"))
        builds["plain"].append(build(["-f", str(plain)]))
    build(["-d", str(work / "site-pyodide")], env={"HANDBOOK_RUNTIME": "pyodide"}, site=work / "site-pyodide")
    site_s, plain_s = statistics.median(builds["site"]), statistics.median(builds["plain"])

    calculators = [f"scales/{i}.html" for i in sorted(load_all())]
    if args.pages == "one":
        calculators = [CALCULATOR_PAGE]
    servers = {name: serve.start(work / name) for name in ("site", "site-pyodide", "plain")}
    base = {name: url for name, (_, url) in servers.items()}
    with sync_playwright() as p:
        browser = launch(p)
        print("start-up (MicroPython)…", flush=True)
        results["startup"] = {"micropython": measure_startup(browser, p, base["site"], calculators, args.runs)}
        print("start-up (Pyodide)…", flush=True)
        results["startup"]["pyodide"] = measure_startup(browser, p, base["site-pyodide"], calculators, args.runs)
        print("start-up on the phone profile (Pyodide)…", flush=True)
        results["phone"]["startup_pyodide"] = {
            CALCULATOR_PAGE: phone_startup(browser, base["site-pyodide"], CALCULATOR_PAGE, args.runs)
        }
        print("round trip…", flush=True)
        results["round_trip"] = {
            rt: round_trip(browser, base[site]) for rt, site in (("micropython", "site"), ("pyodide", "site-pyodide"))
        }
        results["weight"] = {
            "content": page_weight(browser, base["site"], CONTENT_PAGE),
            "content_plain_material": page_weight(browser, base["plain"], CONTENT_PAGE),
            "calculator": page_weight(browser, base["site"], CALCULATOR_PAGE, READY),
            "practice": page_weight(
                browser, base["site"], PRACTICE_PAGE, "document.querySelector('[data-question-id]')"
            ),
        }
        browser.close()
    precache = offline.precache_report(work / "site")
    results["offline_precache"] = {"files": precache["files"], "gzip_bytes": precache["gzip_bytes"]}
    results["build"] = {"site_s": round(site_s, 2), "plain_s": round(plain_s, 2), "ratio": round(site_s / plain_s, 2)}
    print("lighthouse…", flush=True)
    results["lighthouse"] = lighthouse(base["site"])
    for server, _ in servers.values():
        server.shutdown()


def budgets(r):
    mp = r["startup"]["micropython"]
    worst = max(mp, key=lambda path: mp[path]["cold"]["ready_ms"]["median"] / mp[path]["cold"]["dcl_ms"]["median"])
    ready_ratio = mp[worst]["cold"]["ready_ms"]["median"] / mp[worst]["cold"]["dcl_ms"]["median"]
    weight = r["weight"]["content"]["bytes"] / r["weight"]["content_plain_material"]["bytes"]
    lh = r["lighthouse"]
    phone = r["phone"]["startup"][CALCULATOR_PAGE]
    one, four = r["growth"]["1x"], r["growth"]["4x"]
    checks = [
        ("手机档热启动就绪 ≤ 1.2 × DOMContentLoaded", f"{phone['warm']['ratio']} ×", phone["warm"]["ratio"] <= 1.2),
        ("手机档冷启动就绪 ≤ 1.5 × DOMContentLoaded", f"{phone['cold']['ratio']} ×", phone["cold"]["ratio"] <= 1.5),
        (
            "首次访问后台下载 ≤ 1.2 MB（gzip）",
            f"{r['offline_precache']['gzip_bytes'] / 1e6:.2f} MB",
            r["offline_precache"]["gzip_bytes"] <= 1_200_000,
        ),
        (
            "每页 HTML 与页数无关（4 倍页数时 ≤ 1.2 × 1 倍时）",
            f"{four['html_bytes_per_page'] / one['html_bytes_per_page']:.2f} ×",
            four["html_bytes_per_page"] <= 1.2 * one["html_bytes_per_page"],
        ),
        (
            "预缓存不随章节增长（4 倍页数时 ≤ 1.5 × 1 倍时）",
            f"{four['precache_gzip_bytes'] / one['precache_gzip_bytes']:.2f} ×",
            four["precache_gzip_bytes"] <= 1.5 * one["precache_gzip_bytes"],
        ),
        (
            "默认运行时就绪 ≤ 2 × DOMContentLoaded（冷启动，最差的计算器页）",
            f"{ready_ratio:.2f} × ({worst})",
            ready_ratio <= 2,
        ),
        (
            "计分往返 p95 ≤ 16 ms（MicroPython）",
            f"{r['round_trip']['micropython']['p95_ms']} ms",
            r["round_trip"]["micropython"]["p95_ms"] <= 16,
        ),
        (
            "计分往返 p95 ≤ 16 ms（Pyodide）",
            f"{r['round_trip']['pyodide']['p95_ms']} ms",
            r["round_trip"]["pyodide"]["p95_ms"] <= 16,
        ),
        (
            "内容页不加载 Python 运行时",
            str(r["weight"]["content"]["python_runtime"]),
            not r["weight"]["content"]["python_runtime"],
        ),
        ("内容页体积 ≤ 1.2 × 原版 Material", f"{weight:.2f} ×", weight <= 1.2),
        ("完整构建 ≤ 3 × 原版构建", f"{r['build']['ratio']} ×", r["build"]["ratio"] <= 3),
    ]
    for page, s in lh.items():
        ok = s["performance"] >= 95 and s["accessibility"] == 100 and s["best-practices"] >= 95
        checks.append(
            (
                f"Lighthouse {page}（性能 ≥ 95，无障碍 100，最佳实践 ≥ 95）",
                f"{s['performance']}/{s['accessibility']}/{s['best-practices']}",
                ok,
            )
        )
    return [{"budget": b, "measured": m, "pass": ok} for b, m, ok in checks]


def report_growth(growth):
    print("\n| 规模 | 页数 | 每页 HTML | HTML 合计 | 首次访问预缓存（gzip） | 保存整本手册（gzip） | 构建 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, g in growth.items():
        print(
            f"| {name} | {g['pages']} | {g['html_bytes_per_page'] / 1024:.1f} KB | {g['html_bytes'] / 1048576:.1f} MB"
            f" | {g['precache_files']} 个文件 {g['precache_gzip_bytes'] / 1e6:.2f} MB"
            f" | {g['save_all_gzip_bytes'] / 1e6:.2f} MB | {g['build_s']} s |"
        )


def report_phone(r):
    if "phone" not in r:
        return
    print("\n| 手机档（4× CPU、1.6 Mbit/s、150 ms；中位数） | DCL | 就绪 | 就绪 ÷ DCL | 负载（前 → 后） |")
    print("| --- | --- | --- | --- | --- |")
    for label, key in (("MicroPython", "startup"), ("Pyodide", "startup_pyodide")):
        for path, data in r["phone"].get(key, {}).items():
            for mode in ("cold", "warm"):
                d = data[mode]
                print(
                    f"| {label} {path} {'冷' if mode == 'cold' else '热'} | {d['dcl_ms']['median']} ms"
                    f" | {d['ready_ms']['median']} ms | {d['ratio']} | {' → '.join(map(str, data['loadavg']))} |"
                )
    # The same ratios without throttling (full run only), for comparison.
    for label, runtime in (("MicroPython", "micropython"), ("Pyodide", "pyodide")):
        data = r.get("startup", {}).get(runtime, {}).get(CALCULATOR_PAGE)
        for mode in ("cold", "warm") if data else ():
            d = data[mode]
            ratio = d["ready_ms"]["median"] / d["dcl_ms"]["median"]
            print(
                f"| {label} {CALCULATOR_PAGE} {'冷' if mode == 'cold' else '热'}（不减速） | {d['dcl_ms']['median']} ms"
                f" | {d['ready_ms']['median']} ms | {ratio:.2f} | — |"
            )
    for label, key in (("MicroPython", "startup"), ("Pyodide", "startup_pyodide")):
        for path, data in r["phone"].get(key, {}).items():
            for mode in ("cold", "warm"):
                marks = data[mode].get("timeline_ms", {})
                if marks:
                    steps = "，".join(f"{TIMELINE[k]} {v} ms" for k, v in sorted(marks.items(), key=lambda kv: kv[1]))
                    print(f"{label} {path} {'冷' if mode == 'cold' else '热'}启动时间线（导航开始后，中位数）：{steps}")
    if "warm_steps_ms" in r["phone"]:
        steps = "，".join(f"{k} {v} ms" for k, v in r["phone"]["warm_steps_ms"].items())
        print(f"热启动各步（手机档，主线程重放）：{steps}")


def report(r):
    report_growth(r["growth"])
    report_phone(r)
    print("\n| 计算器页（中位数，ms） | MicroPython 冷 DCL | 冷就绪 | 热就绪 | Pyodide 冷就绪 | 热就绪 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for path, mp in r["startup"]["micropython"].items():
        py = r["startup"]["pyodide"][path]
        print(
            f"| {path} | {mp['cold']['dcl_ms']['median']} | {mp['cold']['ready_ms']['median']} | {mp['warm']['ready_ms']['median']}"
            f" | {py['cold']['ready_ms']['median']} | {py['warm']['ready_ms']['median']} |"
        )
    w = r["weight"]
    print(
        f"\n页面体积（冷加载）：内容页 {w['content']['bytes'] / 1024:.0f} KB，原版 Material {w['content_plain_material']['bytes'] / 1024:.0f} KB，"
        f"计算器页 {w['calculator']['bytes'] / 1024:.0f} KB，练习页 {w['practice']['bytes'] / 1024:.0f} KB；"
        f"离线预缓存 {r['offline_precache']['files']} 个文件 {r['offline_precache']['gzip_bytes'] / 1e6:.2f} MB gzip（首次访问后台下载一次）"
    )
    print(f"构建：{r['build']['site_s']} s，原版 {r['build']['plain_s']} s（{r['build']['ratio']} ×）")
    print(
        f"计分往返：MicroPython p50 {r['round_trip']['micropython']['p50_ms']} ms / p95 {r['round_trip']['micropython']['p95_ms']} ms；"
        f"Pyodide p50 {r['round_trip']['pyodide']['p50_ms']} ms / p95 {r['round_trip']['pyodide']['p95_ms']} ms\n"
    )
    for b in r["budgets"]:
        print(f"{'PASS' if b['pass'] else 'FAIL'}  {b['budget']}：{b['measured']}")
    print(f"\n结果已写入 {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    sys.exit(main())
