"""Benchmark (not part of the tests): the phone profile as a reader feels it (tools/bench_phone.py),
page weight and the offline copy at 1x and 4x pages, start-up, build time, Lighthouse.

Prints the figures with their ranges and writes bench/results/latest.json; the README's performance
section is written from that file (--readme), never by hand. Ratios measured side by side in one run are
the headline numbers; absolute times depend on the machine. --baseline-ref REF measures a build of
another commit beside this one, interleaved, for before/after figures.
Usage: make bench  (or python -m tools.bench --part phone --runs 7 --baseline-ref main; python -m tools.bench --readme)
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

from catalog.chapters import NavLoader, load_chapters  # noqa: E402
from catalog.instruments import load_all  # noqa: E402
from engine import contract  # noqa: E402
from tools import bench_phone, bench_readme, offline, serve  # noqa: E402
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


def build(args, env=None, site=None, root=ROOT):
    """Seconds for one build of the tree at `root`; with `site`, the post-build step (offline copy,
    engine…) counts too."""
    started = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    subprocess.run([MKDOCS, "build", "--quiet", *args], cwd=root, check=True, env=env, stderr=subprocess.DEVNULL)
    if site:
        subprocess.run(
            [sys.executable, "-m", "tools.postbuild", str(site)],
            cwd=root,
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - started


def _copy_chapter_sections(item, copy, chapters):
    """The nav's sections of `chapters`, their pages moved to the copy's folders (e.g. casework-2/)."""
    found = []
    if isinstance(item, list):
        for entry in item:
            found += _copy_chapter_sections(entry, copy, chapters)
    elif isinstance(item, dict):
        for title, value in item.items():
            pages = value if isinstance(value, list) else []
            if pages and all(isinstance(p, str) and p.split("/")[0] in chapters for p in pages):
                found.append({f"{title}（副本 {copy}）": [p.replace("/", f"-{copy}/", 1) for p in pages]})
            else:
                found += _copy_chapter_sections(value, copy, chapters)
    return found


def synthetic_site(work, factor, browser, root=ROOT):
    """Build the handbook (the tree at `root`) with every chapter present `factor` times; returns its size figures."""
    docs = work / f"docs-{factor}x"
    shutil.copytree(root / "docs", docs)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.load(text, NavLoader)["nav"]
    chapters = load_chapters()
    for copy in range(2, factor + 1):
        for chapter in chapters:
            if (docs / chapter).is_dir():
                shutil.copytree(docs / chapter, docs / f"{chapter}-{copy}")
        nav.append({f"副本 {copy}": _copy_chapter_sections(nav, copy, chapters)})
    head = text[: text.index("\nnav:")].replace("\ndocs_dir: docs\n", f"\ndocs_dir: {docs}\n")
    # Beside mkdocs.yml, so the overrides, macros and data resolve as in the real build.
    config = root / f".bench-{factor}x.yml"
    config.write_text(head + "\nnav:\n" + yaml.safe_dump(nav, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = work / f"site-{factor}x"
    try:
        seconds = build(["-f", str(config), "-d", str(site)], site=site, root=root)
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
        "precache_headroom": round(1 - precache["gzip_bytes"] / offline.BUDGET_GZIP_BYTES, 3),
        "save_all_gzip_bytes": catalogue["save_bytes"],
        "content_first_visit": bench_phone.content_weight(browser, site),
        "build_s": round(seconds, 1),
    }


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


def baseline_tree(ref, work):
    """The tree of commit `ref` (git archive, so the repository is untouched), using this tree's .venv and
    node_modules."""
    tree = work / "baseline-tree"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    for link in (".venv", "node_modules"):
        (tree / link).symlink_to((ROOT / link).resolve())
    return tree


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold and warm runs each on the phone profile")
    parser.add_argument("--pages", choices=["all", "one"], default="all", help="calculator pages to time")
    parser.add_argument(
        "--part",
        choices=["all", "offline", "phone"],
        default="all",
        help="offline: page weight and precache at 1x and 4x only; phone: the phone profile only",
    )
    parser.add_argument("--baseline-ref", help="also measure a build of this commit (before/after, interleaved)")
    parser.add_argument("--readme", action="store_true", help="rewrite the README's figures from latest.json")
    args = parser.parse_args()
    if args.readme:
        bench_readme.write(json.loads((RESULTS / "latest.json").read_text(encoding="utf-8")))
        print("README.md: performance figures rewritten from bench/results/latest.json")
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hb-bench-"))
    latest = RESULTS / "latest.json"
    results = json.loads(latest.read_text(encoding="utf-8")) if latest.is_file() and args.part != "all" else {}
    results.update({"date": time.strftime("%Y-%m-%d %H:%M"), "machine": f"{os.cpu_count()} CPU", "runs": args.runs})
    results["baseline_ref"] = args.baseline_ref
    results["loadavg"] = [loadavg()]
    trees = {"build": ROOT}
    if args.baseline_ref:
        trees = {"baseline": baseline_tree(args.baseline_ref, work), "build": ROOT}
    try:
        with sync_playwright() as p:
            browser = launch(p)
            if args.part in ("all", "offline"):
                print("page weight and offline copy at 1x and 4x (chapters duplicated)…", flush=True)
                results["growth"] = {
                    name: {f"{n}x": synthetic_site(work / name, n, browser, tree) for n in (1, 4)}
                    for name, tree in trees.items()
                }
            if args.part in ("all", "phone"):
                sites = {}
                for name, tree in trees.items():
                    sites[name] = work / f"site-{name}"
                    build(["-d", str(sites[name])], site=sites[name], root=tree)
                results["phone"] = bench_phone.measure(browser, sites, work, args.runs)
            browser.close()
        if args.part == "all":
            full_run(args, work, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["loadavg"].append(loadavg())
    results["budgets"] = budgets(results)
    latest.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    report(results)
    return 0


def loadavg():
    """The machine's 1-minute load average: figures are comparable only at similar load."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return None


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
    """Each target with what this build measured (medians; ranges are in the report)."""
    checks = []
    phone = r.get("phone", {}).get("sites", {}).get("build")
    if phone:
        checks += [
            (
                "手机档热启动：首个分数 ≤ 1.2 × DOMContentLoaded",
                f"{phone['warm']['ratio']['median']} ×",
                phone["warm"]["ratio"]["median"] <= 1.2,
            ),
            (
                "手机档冷启动：首个分数 ≤ 1.5 × DOMContentLoaded",
                f"{phone['cold']['ratio']['median']} ×",
                phone["cold"]["ratio"]["median"] <= 1.5,
            ),
            (
                "作答 → 新总分写入页面 p95 ≤ 50 ms（页面 4 × CPU）",
                f"{phone['answer_phone']['p95_ms']} ms",
                phone["answer_phone"]["p95_ms"] <= 50,
            ),
            (
                "作答 → 新总分写入页面 p95 ≤ 16 ms（不减速）",
                f"{phone['answer_unthrottled']['p95_ms']} ms",
                phone["answer_unthrottled"]["p95_ms"] <= 16,
            ),
            (
                "首次搜索 ≤ 1 s（手机档，首次访问）",
                f"{phone['first_query_ms']['median']:.0f} ms",
                phone["first_query_ms"]["median"] <= 1000,
            ),
        ]
    growth = r.get("growth", {}).get("build")
    if growth:
        for factor in ("1x", "4x"):
            weight = growth[factor]["content_first_visit"]["bytes"]
            checks.append((f"内容页首次访问 < 150 KB（{factor} 页数）", f"{weight / 1024:.0f} KB", weight < 150 * 1024))
        headroom = growth["1x"]["precache_headroom"]
        checks.append(("预缓存距预算（1.2 MB）留有 ≥ 15 % 余量", f"{headroom:.0%}", headroom >= offline.HEADROOM))
    if "startup" in r:
        mp = r["startup"]["micropython"]
        worst = max(mp, key=lambda path: mp[path]["cold"]["ready_ms"]["median"] / mp[path]["cold"]["dcl_ms"]["median"])
        ratio = mp[worst]["cold"]["ready_ms"]["median"] / mp[worst]["cold"]["dcl_ms"]["median"]
        weight = r["weight"]["content"]["bytes"] / r["weight"]["content_plain_material"]["bytes"]
        checks += [
            (
                "默认运行时就绪 ≤ 2 × DOMContentLoaded（冷启动，最差的计算器页，不减速）",
                f"{ratio:.2f} × ({worst})",
                ratio <= 2,
            ),
            (
                "内容页不加载 Python 运行时",
                str(r["weight"]["content"]["python_runtime"]),
                not r["weight"]["content"]["python_runtime"],
            ),
            ("内容页体积 ≤ 1.2 × 原版 Material", f"{weight:.2f} ×", weight <= 1.2),
            ("完整构建 ≤ 3 × 原版构建", f"{r['build']['ratio']} ×", r["build"]["ratio"] <= 3),
        ]
        for page, sc in r["lighthouse"].items():
            ok = sc["performance"] >= 95 and sc["accessibility"] == 100 and sc["best-practices"] >= 95
            checks.append(
                (
                    f"Lighthouse {page}（性能 ≥ 95，无障碍 100，最佳实践 ≥ 95）",
                    f"{sc['performance']}/{sc['accessibility']}/{sc['best-practices']}",
                    ok,
                )
            )
    return [{"budget": b, "measured": m, "pass": ok} for b, m, ok in checks]


def report(r):
    """The figures with their ranges, this build beside the baseline when there is one."""
    print()
    for line in bench_readme.lines(r):
        print(line)
    if "startup" in r:
        print("\n| 计算器页（不减速，中位数，ms） | MicroPython 冷 DCL | 冷就绪 | 热就绪 | Pyodide 冷就绪 | 热就绪 |")
        print("| --- | --- | --- | --- | --- | --- |")
        for path, mp in r["startup"]["micropython"].items():
            py = r["startup"]["pyodide"][path]
            print(
                f"| {path} | {mp['cold']['dcl_ms']['median']} | {mp['cold']['ready_ms']['median']} | {mp['warm']['ready_ms']['median']}"
                f" | {py['cold']['ready_ms']['median']} | {py['warm']['ready_ms']['median']} |"
            )
    print()
    for b in r["budgets"]:
        print(f"{'PASS' if b['pass'] else 'FAIL'}  {b['budget']}：{b['measured']}")
    print(f"\n结果已写入 {RESULTS / 'latest.json'}（README：python -m tools.bench --readme）")


if __name__ == "__main__":
    sys.exit(main())
