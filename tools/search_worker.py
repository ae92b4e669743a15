"""Post-build steps for Material's search: the worker looks up the last word of a Chinese query, and the
index loads only when search is first used (gate_index).

Material's worker cuts a Chinese query into the longest words its index knows, but its loop stops one character
short (`j < length`), so the query's last word is never looked up: 共情 is searched as 共*, 出院计划 as 出院*.
The fix lets the loop reach the end of the query. If a Material upgrade changes that code, the post-build step
fails so the fix is checked again.
"""

import json
from pathlib import Path

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
# The bundle is strict code ("use strict" opens it): so is the file that now starts with the gate.
GATE_MARK = '"use strict"; /* hb-search-gate (tools/search_worker.py) */\n'


def gate_index(site):
    """Put search_gate.js in front of Material's bundle (the index then loads when search is first used);
    returns how many bundles carry it. On lines of its own, and the source map shifted by as many lines."""
    gate = GATE_MARK + GATE.read_text(encoding="utf-8")
    bundles = sorted((Path(site) / "assets" / "javascripts").glob("bundle.*.min.js"))
    for bundle in bundles:
        code = bundle.read_text(encoding="utf-8")
        if code.startswith(GATE_MARK):
            continue
        bundle.write_text(gate + code, encoding="utf-8")
        source_map = bundle.with_name(bundle.name + ".map")
        if source_map.is_file():
            data = json.loads(source_map.read_text(encoding="utf-8"))
            data["mappings"] = ";" * gate.count("\n") + data["mappings"]
            source_map.write_text(json.dumps(data), encoding="utf-8")
    return len(bundles)
