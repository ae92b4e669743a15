"""Preloads in the head of every tool page: what the page will fetch to show its first score starts
downloading with the page instead of one step after another (handbook.js imports calculators.js, which
imports files.js…; the worker starts the runtime, then reads the instrument's spec).

What a page needs is derived, never listed by hand: the tool kinds its elements declare (the contract's
FEATURES, found by their ATTR on the built page) give the script, whose static imports are read from the
built scripts; the elements' ids give the specs. KINDS below reads each tool kind's script and spec
folder from its declaration (engine/kinds.py).

Engine files (the engine bundle, the page's specs) are named in the head's contract meta
(ENGINE_FILES_META): engine.js, started from the head, fetches them and hands them to the worker, so none
is requested twice (a <link rel=preload> would not do: Chromium does not always give a page's fetch the
preloaded copy, and a "no-cache" file is then asked for again). The runtime is left to the worker: a worker's module import cannot use a page's
preload, and the wasm (the largest file) is compiled as it downloads — from the page's head it would
take the line from the page's own styles and scripts on a first visit, and a returning reader's browser
reuses its compiled code only for a streamed compile.
"""

import html as html_lib
import re
from pathlib import Path

from engine import contract, kinds


def _tool_kinds():
    """Feature (a contract ATTR name) -> (its script, the engine data folder of its specs or None), from
    each tool kind's declaration in engine/kinds.py."""
    found = {}
    for kind in kinds.KINDS.values():
        feature = kind["feature"]
        for key in (feature,) if isinstance(feature, str) else feature or ():
            found[key] = (kind["script"], kind["bundle"])
    return found


KINDS = _tool_kinds()
# `import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"`; not import("./x.js"), which loads on use.
STATIC_IMPORT = re.compile(r'^\s*(?:import|export)\s[^;()"\']*?["\'](\.{1,2}/[^"\']+)["\']', re.M)
ENGINE_MARKER = re.compile(r'<link rel="modulepreload" href="([^"]*)' + re.escape(contract.ASSETS["engine_js"]) + r'">')
HEAD_END = "</head>"


def page_tools(html):
    """{tool kind: [ids]} of the tool elements on a built page, in page order."""
    found = {}
    for kind in KINDS:
        attr = contract.ATTR[kind]
        ids = re.findall(r"<[a-z]+\b[^>]*\s" + re.escape(attr) + r'(?=[\s=>])(?:="([^"]*)")?', html)
        if ids:
            found[kind] = list(dict.fromkeys(html_lib.unescape(i) for i in ids))
    return found


def module_closure(site, script):
    """The script and every module it imports statically, transitively (site-relative paths)."""
    seen, todo = [], [script]
    while todo:
        rel = todo.pop(0)
        if rel in seen or not (Path(site) / rel).is_file():
            continue
        seen.append(rel)
        text = (Path(site) / rel).read_text(encoding="utf-8")
        base = rel.rsplit("/", 1)[0] + "/"
        for target in STATIC_IMPORT.findall(text):
            todo.append(_join(base, target))
    return seen


def _join(base, relative):
    parts = base.rstrip("/").split("/")
    for piece in relative.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def files_for(site, tools, engine):
    """(modules to modulepreload, engine files to hand to the worker) for a page holding `tools`
    ({kind: ids}); `engine` says whether the page starts the engine from its head."""
    modules = []
    specs = []
    for kind, ids in tools.items():
        script, folder = KINDS[kind]
        modules += [m for m in module_closure(site, script) if m not in modules]
        if folder:
            # Two tools of one page may read the same spec (a calculator and its batch section).
            wanted = [f"{contract.ASSETS['engine_data_dir']}{folder}/{i}.json" for i in ids if i]
            specs += [spec for spec in wanted if spec not in specs]
    handed = []
    if engine:
        modules = [m for m in modules if m != contract.ASSETS["engine_js"]]
        handed = [contract.ASSETS["engine_bundle"]]
        handed += [s for s in specs if (Path(site) / s).is_file()]
    return modules, handed


def links(prefix, modules, handed):
    out = [f'\n  <link rel="modulepreload" href="{prefix}{m}">' for m in modules]
    if handed:
        out.append(f'\n  <meta name="{contract.ENGINE_FILES_META}" content="{" ".join(handed)}">')
    return "".join(out)


def add(site):
    """Write the preloads into every tool page of a built site; returns how many pages got them."""
    site = Path(site)
    done = 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        head = html[: html.find(HEAD_END)]
        tools = page_tools(html[len(head) :])
        if not tools:
            continue
        marker = ENGINE_MARKER.search(head)
        rel_root = "../" * (len(path.relative_to(site).parts) - 1)
        modules, handed = files_for(site, tools, marker is not None)
        # After the engine's modulepreload (before the head script that starts it, which reads the
        # engine files' meta), or at the end of the head.
        at = marker.end() if marker else len(head)
        path.write_text(html[:at] + links(rel_root, modules, handed) + html[at:], encoding="utf-8")
        done += 1
    return done
