"""Benchmark (not part of the tests): start-up, score round trip, page weight, build time, Lighthouse.

Prints a table and writes bench/results/latest.json. Ratios measured side by side in one run are the
headline numbers; absolute times depend on the machine. Usage: make bench  (or python tools/bench.py --runs 5)
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from macros.instruments import load_all  # noqa: E402
from tools import serve  # noqa: E402
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


def build(args, env=None):
    started = time.perf_counter()
    subprocess.run(
        [MKDOCS, "build", "--quiet", *args],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def plain_config(directory):
    """The same Markdown and nav in plain Material: no macros, hooks, extra CSS/JS or overrides."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    extensions = text[text.index("markdown_extensions:") : text.index("\nnav:")]
    nav = text[text.index("\nnav:") :]
    config = Path(directory) / "plain.yml"
    config.write_text(
        f"site_name: 基线\ndocs_dir: {ROOT / 'docs'}\nsite_dir: {Path(directory) / 'plain'}\nuse_directory_urls: false\n"
        "theme:\n  name: material\n  language: zh\n  font: false\n  features: [navigation.instant, navigation.tabs, navigation.sections]\n"
        f"plugins:\n  - search\n{extensions}{nav}",
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


def startup(page, url):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(READY, timeout=180000)
    return page.evaluate("""() => [performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
                                   performance.getEntriesByName('hb-engine-ready')[0].startTime]""")


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
        """async (n) => {
        const root = document.querySelector('[data-instrument="phq9"]');
        const total = root.querySelector('[data-result="total"]');
        const shown = (want) => new Promise((resolve) => {
            if (total.textContent === want) return resolve();
            const watch = new MutationObserver(() => { if (total.textContent === want) { watch.disconnect(); resolve(); } });
            watch.observe(total, {childList: true, characterData: true, subtree: true});
        });
        for (let i = 1; i <= 9; i++) root.querySelector(`input[data-item="${i}"][value="0"]`).click();
        await shown('0');
        const times = [];
        for (let i = 0; i < n; i++) {
            const value = i % 2 === 0 ? 3 : 0;
            const t0 = performance.now();
            root.querySelector(`input[data-item="1"][value="${value}"]`).click();
            await shown(String(value));
            times.push(performance.now() - t0);
        }
        return times;
    }""",
        changes,
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
    return {"bytes": sum(sizes), "requests": len(sizes), "python_runtime": any("/assets/vendor/" in u for u in urls)}


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
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hb-bench-"))
    print("building (site, Pyodide variant, plain Material baseline)…", flush=True)
    builds = {"site": [], "plain": []}
    plain = plain_config(work)
    for _ in range(3):
        builds["site"].append(build(["-d", str(work / "site")]))
        builds["plain"].append(build(["-f", str(plain)]))
    build(["-d", str(work / "site-pyodide")], env={"HANDBOOK_RUNTIME": "pyodide"})
    site_s, plain_s = statistics.median(builds["site"]), statistics.median(builds["plain"])

    calculators = [f"scales/{i}.html" for i in sorted(load_all())]
    if args.pages == "one":
        calculators = [CALCULATOR_PAGE]
    servers = {name: serve.start(work / name) for name in ("site", "site-pyodide", "plain")}
    base = {name: url for name, (_, url) in servers.items()}
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{os.cpu_count()} CPU", "runs": args.runs}
    with sync_playwright() as p:
        browser = launch(p)
        print("start-up (MicroPython)…", flush=True)
        results["startup"] = {"micropython": measure_startup(browser, p, base["site"], calculators, args.runs)}
        print("start-up (Pyodide)…", flush=True)
        results["startup"]["pyodide"] = measure_startup(browser, p, base["site-pyodide"], calculators, args.runs)
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
    precache = re.search(
        r"(\d+) files, ([\d.]+) MB",
        subprocess.run(
            ["node", str(ROOT / "tools" / "service_worker.mjs"), str(work / "site")], capture_output=True, text=True
        ).stdout,
    )
    results["offline_precache"] = {"files": int(precache.group(1)), "mb": float(precache.group(2))}
    results["build"] = {"site_s": round(site_s, 2), "plain_s": round(plain_s, 2), "ratio": round(site_s / plain_s, 2)}
    print("lighthouse…", flush=True)
    results["lighthouse"] = lighthouse(base["site"])
    for server, _ in servers.values():
        server.shutdown()
    shutil.rmtree(work, ignore_errors=True)

    results["budgets"] = budgets(results)
    (RESULTS / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    report(results)
    return 0


def budgets(r):
    mp = r["startup"]["micropython"]
    worst = max(mp, key=lambda path: mp[path]["cold"]["ready_ms"]["median"] / mp[path]["cold"]["dcl_ms"]["median"])
    ready_ratio = mp[worst]["cold"]["ready_ms"]["median"] / mp[worst]["cold"]["dcl_ms"]["median"]
    weight = r["weight"]["content"]["bytes"] / r["weight"]["content_plain_material"]["bytes"]
    lh = r["lighthouse"]
    checks = [
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


def report(r):
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
        f"离线预缓存 {r['offline_precache']['files']} 个文件 {r['offline_precache']['mb']} MB（首次访问后台下载一次）"
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
