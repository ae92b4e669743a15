"""The site for another Python runtime, made from the default build by the post-build step's own functions.

Only four things in a build depend on the runtime: the `hb-runtime` meta tag the theme writes into each page's
head, the runtime's files under assets/vendor/, the engine file (bytecode for MicroPython, sources for Pyodide)
and the offline copy (sw.js, offline.json, the build id) computed from all of
them. Swapping those costs a copy and a few seconds, where a second `mkdocs build` costs a minute on a loaded
machine; tests/test_site_variants.py (slow tier) proves the result equals a real build file for file.
"""

import re
import shutil
from pathlib import Path

from engine import contract
from tools import offline, postbuild

RUNTIME_META = '<meta name="hb-runtime" content="{}">'
# The build id offline.write() stamps into each head, with the line it adds for it: the new build gets its own.
BUILD_ID = re.compile(r'\n    <meta name="hb-build" content="[0-9a-f]*">')


def swap_runtime(site, target, runtime):
    """Write to `target` the built `site` as a build for `runtime` would have made it; return `target`."""
    built = postbuild.built_runtime(site)
    if target.exists():
        shutil.rmtree(target)
    vendor = site / contract.ASSETS["vendor_dir"]
    # The other runtime's files are left behind, as a build for this runtime never copies them.
    shutil.copytree(site, target, ignore=lambda folder, names: [built] if Path(folder) == vendor else [])
    old, new = RUNTIME_META.format(built), RUNTIME_META.format(runtime)
    for page in target.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        page.write_text(BUILD_ID.sub("", html.replace(old, new)), encoding="utf-8")
    postbuild.copy_runtime(target, runtime)
    postbuild.write_engine(target, runtime)
    offline.write(target)
    return target
