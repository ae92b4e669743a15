"""Post-build steps for Material's search: the worker looks up the last word of a Chinese query, and the
index loads only when search is first used, the small index first (gate_index, write_first_index).

Material's worker cuts a Chinese query into the longest words its index knows, but its loop stops one character
short (`j < length`), so the query's last word is never looked up: 共情 is searched as 共*, 出院计划 as 出院*.
The fix lets the loop reach the end of the query. If a Material upgrade changes that code, the post-build step
fails so the fix is checked again.
"""

import json
from pathlib import Path

from engine import contract
from tools import search_synonyms

WORKER_LOOP = "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e"
WORKER_LOOP_FIXED = "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e"


def patch(site):
    """Patch every built search worker; returns how many were patched (an error when none could be)."""
    workers = sorted((Path(site) / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    patched = 0
    for worker in workers:
        code = worker.read_text(encoding="utf-8")
        if WORKER_LOOP_FIXED in code:
            patched += 1
        elif WORKER_LOOP in code:
            worker.write_text(code.replace(WORKER_LOOP, WORKER_LOOP_FIXED), encoding="utf-8")
            patched += 1
    return patched


GATE = Path(__file__).resolve().parent / "search_gate.js"
FIRST = contract.ASSETS["search_first"]
FIRST_PLACEHOLDER = "__HB_SEARCH_FIRST__"
# The gate speaks Material's worker messages by number (setup 0, ready 1, query 2): the bundle must still send
# the setup and judge "ready" this way, or the gate's second step would go unheard.
BUNDLE_MESSAGES = ("r.next({type:0,data:{config:o,docs:n,", "function zt(e){return e.type===1}")
# The bundle is strict code ("use strict" opens it): so is the file that now starts with the gate.
GATE_MARK = '"use strict"; /* hb-search-gate (tools/search_worker.py) */\n'


def gate_index(site):
    """Put search_gate.js in front of Material's bundle (the index then loads when search is first used);
    returns how many bundles carry it. On lines of its own, and the source map shifted by as many lines."""
    gate = GATE_MARK + GATE.read_text(encoding="utf-8").replace(FIRST_PLACEHOLDER, Path(FIRST).name)
    bundles = sorted((Path(site) / "assets" / "javascripts").glob("bundle.*.min.js"))
    for bundle in bundles:
        code = bundle.read_text(encoding="utf-8")
        if not all(message in code for message in BUNDLE_MESSAGES):
            return 0
        if code.startswith(GATE_MARK):
            continue
        bundle.write_text(gate + code, encoding="utf-8")
        source_map = bundle.with_name(bundle.name + ".map")
        if source_map.is_file():
            data = json.loads(source_map.read_text(encoding="utf-8"))
            data["mappings"] = ";" * gate.count("\n") + data["mappings"]
            source_map.write_text(json.dumps(data), encoding="utf-8")
    return len(bundles)


def write_first_index(site, synonyms):
    """The small index the first query answers from (FIRST): every entry's title, and each page's everyday words
    ({page.md: [word, …]}, data/search_synonyms.yml) as its top entry's text; returns its size in bytes."""
    site = Path(site)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = {page.removesuffix(".md") + ".html": search_synonyms.SEPARATOR.join(w) for page, w in synonyms.items()}
    docs = [{**doc, "text": words.get(doc["location"], "")} for doc in index["docs"]]
    text = json.dumps({"config": index["config"], "docs": docs}, ensure_ascii=False, separators=(",", ":"))
    (site / FIRST).write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
