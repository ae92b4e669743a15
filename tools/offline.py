"""The offline copy: which built files the service worker precaches, the build id every page
carries, assets/offline.json (every page with its title and size, for the fallback page and the
«保存整本手册» button) and site/sw.js.

Precached (the shell): Material's styles and scripts, what the search worker loads for the site's
language, our scripts, the engine, the question bank, the default runtime, the
home, privacy and fallback pages and every tool page (calculators, checklists, drills, mock exam,
错题本). Chapter pages, a chapter's practice page and its question file are cached on first visit,
or all pages at once from the privacy page; large optional files (the Pyodide build, the measurement view's chart library in assets/vendor/uplot/) on first use.
The search index grows with the content: it is not precached, and a page requests it only when the
reader first uses search (tools/search_worker.py); the worker then keeps it like any file, and the
«保存整本手册» button saves it with the pages.
"""

import gzip
import hashlib
import json
import re
from pathlib import Path

from engine import contract, kinds

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tools" / "service_worker.js"
BUILD_META = re.compile(r'<meta name="' + re.escape(contract.META["build"]) + r'" content="[0-9a-f]*">')
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SHELL_PAGES = ("index.html", "offline.html", "privacy.html")
# Every tool page (calculators, checklists, the navigator, the exam pages): each kind's precache rule.
TOOL_FOLDERS = kinds.precached_pages()
SHELL_FILES = (
    "assets/stylesheets/*.css",
    "assets/javascripts/bundle.*.js",
    "assets/javascripts/workers/search.*.js",
    "assets/images/*",
    "assets/css/*.css",
    "assets/js/*.js",
    "assets/engine/*",
    contract.ASSETS["engine_data_dir"] + "*/*.json",
    "assets/vendor/micropython/*",
) + kinds.shell_files()
# What Material's search worker loads for a language (assets/javascripts/workers/search.*.js).
SEGMENTERS = {"ja": "tinyseg.js", "hi": "wordcut.js", "th": "wordcut.js"}
REVISION_CHARS = 16
# The names the service worker shares with the pages and this step, injected from the contract.
SW_NAMES = {"caches": contract.CACHES, "swMessages": contract.SW_MESSAGES, "meta": contract.META}


# Case-analysis pages are many and read one at a time: like chapter pages, kept on first visit.
CACHED_ON_VISIT = ("exam/cases/",)
# What the first visit may download in the background (gzip), and the share of it kept free so that the
# bank and the tools can grow: bank files beyond the quiz kind's shell (chapter sets, per-paper files) are
# cached on first use, never precached, so the bank's growth lands outside the shell.
BUDGET_GZIP_BYTES = 1_200_000
HEADROOM = 0.15


def is_tool_page(rel):
    return rel.startswith(TOOL_FOLDERS) and not rel.startswith(CACHED_ON_VISIT)


def search_files(site):
    """The lunr files the search worker imports for the languages in the search index."""
    index = site / "search" / "search_index.json"
    langs = json.loads(index.read_text(encoding="utf-8"))["config"]["lang"] if index.is_file() else []
    files = set()
    for lang in langs:
        if lang in SEGMENTERS:
            files.add(f"assets/javascripts/lunr/{SEGMENTERS[lang]}")
        if lang != "en":
            files.add(f"assets/javascripts/lunr/min/lunr.{lang}.min.js")
    if len(langs) > 1:
        files.add("assets/javascripts/lunr/min/lunr.multi.min.js")
    if files:
        files.add("assets/javascripts/lunr/min/lunr.stemmer.support.min.js")
    return files


def shell(site, pages):
    files = {p.relative_to(site).as_posix() for pattern in SHELL_FILES for p in site.glob(pattern) if p.is_file()}
    files |= search_files(site)
    files |= {rel for rel in pages if rel in SHELL_PAGES or is_tool_page(rel)}
    files.add("assets/offline.json")
    return sorted(f for f in files if not f.endswith(".map"))


def gzip_size(data):
    return len(gzip.compress(data, 6))


def title_of(html):
    match = TITLE.search(html)
    return match.group(1).rsplit(" - ", 1)[0].strip() if match else ""


def write(site):
    """Stamp every page with the build id, write offline.json and sw.js; returns the precache's size."""
    site = Path(site)
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    texts = {rel: BUILD_META.sub("", path.read_text(encoding="utf-8")) for rel, path in pages.items()}
    members = shell(site, pages)
    # The build id is a hash of everything the site serves, so any change makes a new build.
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file() and p.name not in ("sw.js", "offline.json")):
        rel = path.relative_to(site).as_posix()
        digest.update(rel.encode() + b"\0" + (texts[rel].encode() if rel in texts else path.read_bytes()))
    build = digest.hexdigest()[:12]
    meta = f'<meta name="{contract.META["build"]}" content="{build}">'
    for rel, text in texts.items():
        pages[rel].write_text(text.replace("<head>", "<head>\n    " + meta, 1), encoding="utf-8")

    listed = []
    for rel, path in pages.items():
        if rel == "404.html":
            continue
        listed.append(
            {"url": rel, "title": title_of(texts[rel]), "bytes": gzip_size(path.read_bytes()), "shell": rel in members}
        )
    catalogue = {"build": build, "pages": listed, "save_bytes": sum(p["bytes"] for p in listed if not p["shell"])}
    (site / "assets").mkdir(exist_ok=True)
    (site / "assets" / "offline.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")

    revisions, raw, packed = {}, 0, 0
    for rel in members:
        data = (site / rel).read_bytes()
        revisions[rel] = hashlib.sha256(data).hexdigest()[:REVISION_CHARS]
        raw += len(data)
        packed += gzip_size(data)
    worker = TEMPLATE.read_text(encoding="utf-8")
    worker = (
        worker.replace('"__BUILD__"', json.dumps(build))
        .replace('{ "__SHELL__": "" }', json.dumps(revisions))
        .replace('{ "__NAMES__": "" }', json.dumps(SW_NAMES))
    )
    (site / "sw.js").write_text(worker, encoding="utf-8")
    packed += gzip_size(worker.encode())
    return {
        "build": build,
        "files": len(members) + 1,
        "bytes": raw + len(worker.encode()),
        "gzip_bytes": packed,
        "save_pages": sum(1 for p in listed if not p["shell"]),
        "save_gzip_bytes": catalogue["save_bytes"],
    }


def precache_report(site):
    """Files and sizes the service worker of a built site downloads on the first visit."""
    site = Path(site)
    text = (site / "sw.js").read_text(encoding="utf-8")
    revisions = json.loads(re.search(r"const SHELL = (\{.*?\});", text).group(1))
    raw = packed = 0
    for rel in revisions:
        data = (site / rel).read_bytes()
        raw += len(data)
        packed += gzip_size(data)
    gzip_bytes = packed + gzip_size(text.encode())
    return {
        "files": len(revisions) + 1,
        "bytes": raw + len(text.encode()),
        "gzip_bytes": gzip_bytes,
        "budget_gzip_bytes": BUDGET_GZIP_BYTES,
        "headroom": round(1 - gzip_bytes / BUDGET_GZIP_BYTES, 3),
    }
