"""Post-build step: let Material's search worker look up the last word of a Chinese query.

Material's worker cuts a Chinese query into the longest words its index knows, but its loop stops one character
short (`j < length`), so the query's last word is never looked up: 共情 is searched as 共*, 出院计划 as 出院*.
The fix lets the loop reach the end of the query. If a Material upgrade changes that code, the post-build step
fails so the fix is checked again.
"""

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
