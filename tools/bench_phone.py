"""The phone profile as a reader feels it (issue 26), for tools/bench.py.

- "Ready" is the first score on screen after a full answer set: the PHQ-9 is answered at
  DOMContentLoaded (all items 1) and the time is taken at the first frame that shows its total (9).
- Cold (a new profile, service worker allowed, as on a first visit) and warm (a returning reader's
  profile, the offline copy installed) runs are interleaved, and so are the sites compared
  (this build and a baseline), so machine load falls on all of them alike.
- The page's CPU is slowed by Chromium (CDP) and the slowdown it achieved is measured: the same
  JavaScript loop timed with and without throttling, once per round.
- Chromium does not slow workers, so the engine worker of the copy measured here stretches each of its
  CPU steps (the wasm compile after its download, runtime start, file writes, import, every call) by the
  same factor: it works on for (factor - 1) x the time the step took (WORKER_SLOW, added to a copy of the
  site, never to the build).
- The network is slowed at the server (tools/serve.py Link), so the service worker sees the phone line too.
"""

import hashlib
import re
import shutil
import statistics

from engine import contract, kinds
from tools import offline, serve
from tools.browser import PHONE

CPU = 4
LINE = {"kbps": 1600, "rtt_ms": 150}
CALCULATOR_PAGE = "scales/phq9.html"
CONTENT_PAGE = "interview/empathy.html"
# The engine's worker script (one of the scripts every tool page may run, engine/kinds.py).
WORKER = next(s for s in kinds.SHARED_SCRIPTS if s.endswith("-worker.js"))
SEARCH_WORD = "共情"
SEARCH_HIT = "interview/empathy.html"

WORKER_SLOW = """// Benchmark only (tools/bench_phone.py adds this to a copy of the site): Chromium slows a page's CPU
// but not its workers, so this worker stretches each CPU step by the phone's factor.
const HB_SLOW = __FACTOR__;
let hbCompiled = 0;
function hbStretch(from) {
  const until = performance.now() + (performance.now() - from) * (HB_SLOW - 1);
  while (performance.now() < until);
}
function hbSlowly(fn, self) {
  return (...args) => { const t = performance.now(); const r = fn.apply(self, args); hbStretch(t); return r; };
}
{
  // The wasm compiles as it downloads: what is stretched is the compile time left after the download.
  const streaming = WebAssembly.compileStreaming;
  WebAssembly.compileStreaming = async (source) => {
    const t = performance.now();
    const response = await source;
    const module = await streaming(response);
    const entry = performance.getEntriesByName(response.url).pop();
    hbStretch(Math.max(t, entry ? entry.responseEnd : t));
    hbCompiled = performance.now();
    return module;
  };
}
const hbSlowLoad = (load) => async (options) => {
  const t = performance.now();
  const py = await load(options);
  hbStretch(Math.max(t, hbCompiled));
  py.runPython = hbSlowly(py.runPython, py);
  py.FS.writeFile = hbSlowly(py.FS.writeFile, py.FS);
  const pyimport = py.pyimport;
  py.pyimport = (name) => {
    const t2 = performance.now();
    const module = pyimport.call(py, name);
    hbStretch(t2);
    return { call: hbSlowly((request) => module.call(request), null) };
  };
  return py;
};
"""
LOAD_CALL = "return loadMicroPython("

# Answers the PHQ-9 as soon as the form is there; window.__hbFirstScore is the time of the first frame
# that shows the total of those answers.
FIRST_SCORE = (
    """(() => {
  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector('[__INSTRUMENT__="phq9"]');
    if (!root) return;
    for (let i = 1; i <= 9; i++) root.querySelector(`input[__ITEM__="${i}"][value="1"]`).click();
    const total = root.querySelector('[__RESULT__="total"]');
    const seen = () => {
      if (window.__hbFirstScore || total.textContent.trim() !== "9") return;
      window.__hbFirstScore = -1;
      requestAnimationFrame(() => { window.__hbFirstScore = performance.now(); });
    };
    new MutationObserver(seen).observe(total, { childList: true, characterData: true, subtree: true });
    seen();
  });
})();""".replace("__INSTRUMENT__", contract.ATTR["instrument"])
    .replace("__ITEM__", contract.ATTR["item"])
    .replace("__RESULT__", contract.ATTR["result"])
)
SCORED = "window.__hbFirstScore > 0"
TIMES = """() => [performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd, window.__hbFirstScore,
    (performance.getEntriesByName('hb-engine-ready')[0] || {}).startTime ?? null]"""
# About 0.2 s of plain computation unthrottled: long enough for Chromium's throttling (which pauses the
# page in slices) to show its average.
LOOP = """() => { const t = performance.now(); let x = 1;
    for (let i = 0; i < 1e8; i++) x = (x * 1664525 + 1013904223) | 0;
    return [performance.now() - t, x]; }"""
CONTROLLED = "navigator.serviceWorker && navigator.serviceWorker.controller !== null"


def median_range(values):
    values = [v for v in values if v is not None]
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "runs": [round(v, 2) for v in values],
    }


def slowed_copy(site, target, factor=CPU):
    """A copy of `site` whose engine worker stretches its CPU steps `factor` times (see WORKER_SLOW); the
    offline copy's revision of the worker is updated so the service worker installs it."""
    shutil.copytree(site, target)
    worker = target / WORKER
    code = worker.read_text(encoding="utf-8")
    if LOAD_CALL not in code:
        raise RuntimeError(f"{WORKER}: no {LOAD_CALL!r} to slow down")
    code = WORKER_SLOW.replace("__FACTOR__", str(factor)) + code.replace(
        LOAD_CALL, "return hbSlowLoad(loadMicroPython)("
    )
    worker.write_text(code, encoding="utf-8")
    sw = target / "sw.js"
    text = sw.read_text(encoding="utf-8")
    revision = hashlib.sha256(code.encode()).hexdigest()[: offline.REVISION_CHARS]
    text, found = re.subn(r'("' + re.escape(WORKER) + r'": ")[0-9a-f]+"', r"\g<1>" + revision + '"', text)
    if not found:
        raise RuntimeError(f"sw.js does not precache {WORKER}")
    sw.write_text(text, encoding="utf-8")
    return target


def throttle(page, rate=CPU):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return page


def achieved_slowdown(browser):
    """The page slowdown Chromium achieves now: one fixed loop, unthrottled then throttled."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto("about:blank")
    page.evaluate(LOOP)  # once to compile it, so both timed runs run the same optimised code
    fast = min(page.evaluate(LOOP)[0] for _ in range(2))
    throttle(page)
    slow = min(page.evaluate(LOOP)[0] for _ in range(2))
    ctx.close()
    return slow / fast


def first_score(ctx, url):
    """(DCL, first score on screen, engine ready) in ms after navigation start, on a throttled page."""
    page = throttle(ctx.new_page())
    page.goto(url, wait_until="commit")
    page.wait_for_function(SCORED, timeout=180000, polling=100)
    dcl, score, ready = page.evaluate(TIMES)
    page.close()
    return {"dcl": dcl, "score": score, "ready": ready}


def warm_context(browser, url):
    """A returning reader: the page visited once and the offline copy installed."""
    ctx = browser.new_context(viewport=PHONE)
    ctx.add_init_script(FIRST_SCORE)
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_function(CONTROLLED, timeout=300000, polling=200)
    page.wait_for_function(SCORED, timeout=180000, polling=200)
    page.close()
    return ctx


def startup(browser, urls, runs):
    """{site: {cold: [...], warm: [...]}} and the achieved page slowdown, all interleaved."""
    out = {name: {"cold": [], "warm": []} for name in urls}
    warm = {name: warm_context(browser, url + CALCULATOR_PAGE) for name, url in urls.items()}
    slowdown = []
    for run in range(runs):
        slowdown.append(achieved_slowdown(browser))
        order = list(urls) if run % 2 == 0 else list(reversed(urls))
        for name in order:
            ctx = browser.new_context(viewport=PHONE)
            ctx.add_init_script(FIRST_SCORE)
            out[name]["cold"].append(first_score(ctx, urls[name] + CALCULATOR_PAGE))
            ctx.close()
            out[name]["warm"].append(first_score(warm[name], urls[name] + CALCULATOR_PAGE))
        print(f"  round {run + 1}/{runs}: page slowdown {slowdown[-1]:.1f}x", flush=True)
    for ctx in warm.values():
        ctx.close()
    summary = {}
    for name, modes in out.items():
        summary[name] = {}
        for mode, samples in modes.items():
            summary[name][mode] = {
                "dcl_ms": median_range([s["dcl"] for s in samples]),
                "first_score_ms": median_range([s["score"] for s in samples]),
                "engine_ready_ms": median_range([s["ready"] for s in samples]),
                "ratio": median_range([s["score"] / s["dcl"] for s in samples]),
            }
    return summary, median_range(slowdown)


ROUND_TRIP = (
    """async (n) => {
    const root = document.querySelector('[__INSTRUMENT__="phq9"]');
    const total = root.querySelector('[__RESULT__="total"]');
    const shown = (want) => new Promise((resolve) => {
        if (total.textContent === want) return resolve();
        const watch = new MutationObserver(() => { if (total.textContent === want) { watch.disconnect(); resolve(); } });
        watch.observe(total, {childList: true, characterData: true, subtree: true});
    });
    for (let i = 1; i <= 9; i++) root.querySelector(`input[__ITEM__="${i}"][value="0"]`).click();
    await shown('0');
    const times = [];
    for (let i = 0; i < n; i++) {
        const value = i % 2 === 0 ? 3 : 0;
        // A tap lands anywhere in a frame, not just after one: start a random part of a frame after it.
        await new Promise((r) => setTimeout(r, Math.random() * 16));
        const t0 = performance.now();
        root.querySelector(`input[__ITEM__="1"][value="${value}"]`).click();
        await shown(String(value));
        const written = performance.now() - t0;
        await new Promise((r) => requestAnimationFrame(r));
        times.push([written, performance.now() - t0]);
    }
    return times;
}""".replace("__INSTRUMENT__", contract.ATTR["instrument"])
    .replace("__ITEM__", contract.ATTR["item"])
    .replace("__RESULT__", contract.ATTR["result"])
)


def round_trips(browser, urls, cpu, rounds=4, changes=25):
    """Answer -> new total (ms), `rounds` x `changes` per site, the sites taking turns: written into the page (the
    work the page and engine do, the target), and painted (the next frame after it, at most one frame later)."""
    times = {name: [] for name in urls}
    for run in range(rounds):
        for name in list(urls) if run % 2 == 0 else list(reversed(urls)):
            ctx = browser.new_context(viewport=PHONE, service_workers="block")
            page = ctx.new_page()
            if cpu > 1:
                throttle(page, cpu)
            page.goto(urls[name] + CALCULATOR_PAGE)
            page.wait_for_function("performance.getEntriesByName('hb-engine-ready').length > 0", timeout=180000)
            times[name] += page.evaluate(ROUND_TRIP, changes)
            ctx.close()
    return {
        name: {**percentiles([w for w, _ in t]), "painted": percentiles([p for _, p in t])} for name, t in times.items()
    }


def percentiles(times):
    times = sorted(times)
    return {
        "changes": len(times),
        "p50_ms": round(times[len(times) // 2], 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "max_ms": round(times[-1], 1),
    }


FIRST_QUERY = """async ([word, hit]) => {
    const t0 = performance.now();
    document.querySelector("label.md-header__button[for='__search']").click();
    const box = document.querySelector("input.md-search__input");
    while (document.activeElement !== box) await new Promise((r) => requestAnimationFrame(r));
    box.value = word;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.dispatchEvent(new KeyboardEvent("keyup", { key: "End", bubbles: true }));
    const found = () => document.querySelector(`.md-search-result__item a[href*="${hit}"]`);
    while (!found()) await new Promise((r) => setTimeout(r, 10));
    return performance.now() - t0;
}"""


def first_query(browser, urls, runs):
    """Tap search on a chapter page (loaded, first visit) -> the first result for a word on screen (ms)."""
    times = {name: [] for name in urls}
    for run in range(runs):
        for name in list(urls) if run % 2 == 0 else list(reversed(urls)):
            ctx = browser.new_context(viewport=PHONE)
            page = throttle(ctx.new_page())
            page.goto(urls[name] + CONTENT_PAGE, wait_until="load")
            times[name].append(page.evaluate(FIRST_QUERY, [SEARCH_WORD, SEARCH_HIT]))
            ctx.close()
    return {name: median_range(t) for name, t in times.items()}


def measure(browser, sites, work, runs):
    """Everything above for each site ({name: built site}), each over its own slow line."""
    slowed = {name: slowed_copy(site, work / f"slow-{name}") for name, site in sites.items()}
    servers = {name: serve.start(path, link=serve.Link(**LINE)) for name, path in slowed.items()}
    slow_urls = {name: url for name, (_, url) in servers.items()}
    fast = {name: serve.start(site) for name, site in sites.items()}
    fast_urls = {name: url for name, (_, url) in fast.items()}
    try:
        print(f"first score on the phone profile ({runs} cold + {runs} warm per site, interleaved)…", flush=True)
        startup_summary, slowdown = startup(browser, slow_urls, runs)
        print("answer -> new total (4x page CPU, worker stretched; and unthrottled)…", flush=True)
        phone_rt = round_trips(browser, {n: u for n, u in slow_urls.items()}, CPU)
        plain_rt = round_trips(browser, fast_urls, 1)
        print("first search query on a chapter page (phone profile)…", flush=True)
        query = first_query(browser, slow_urls, max(3, runs // 2))
    finally:
        for server, _ in [*servers.values(), *fast.values()]:
            server.shutdown()
    return {
        "profile": {"cpu": CPU, **LINE, "worker": f"CPU steps stretched {CPU}x (calibrated wait in the worker)"},
        "page_slowdown": slowdown,
        "sites": {
            name: {
                **startup_summary[name],
                "answer_phone": phone_rt[name],
                "answer_unthrottled": plain_rt[name],
                "first_query_ms": query[name],
            }
            for name in sites
        },
    }


def content_weight(browser, site):
    """Bytes a chapter page's first visit downloads (the page's own requests; the offline copy apart)."""
    server, url = serve.start(site)
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    sizes = []
    ctx.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    page = ctx.new_page()
    page.goto(url + CONTENT_PAGE, wait_until="networkidle")
    ctx.close()
    server.shutdown()
    return {"bytes": sum(sizes), "requests": len(sizes)}
