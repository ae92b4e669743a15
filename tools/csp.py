"""The Content-Security-Policy every built page carries, and the post-build step that makes the
pages keep it: the theme's inline scripts (Material writes a few small ones into every page) are
moved into files, one file per distinct script, named by its hash.

The policy goes into each page as <meta http-equiv="Content-Security-Policy"> (works on any static
host); docs/offline.md gives the same policy as a server header for hospitals that can set one.
Pages may not run inline script, eval or script from another site; a crafted link or a stored
payload that slipped past the page's own checks still cannot run. Style attributes are allowed
('unsafe-inline' in style-src): the calculators set the width of their answer rows with one
(style="--hb-n:4"), and a style cannot read or send what the reader stored.
"""

import hashlib
import posixpath
import re
from pathlib import Path

# WebAssembly compilation ('wasm-unsafe-eval') is for the Python runtimes: a <meta> policy does not
# reach the engine's worker, but a server header does, and MicroPython and Pyodide compile wasm there.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
# A server header can also refuse framing (a <meta> policy cannot).
HEADER = POLICY + "; frame-ancestors 'self'"
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
SRC = re.compile(r"\bsrc\s*=")
TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""")
CHARSET = re.compile(r'<meta charset="utf-8">', re.I)
# Script types the browser does not run (data blocks): they stay inline.
DATA_TYPES = ("application/json", "application/ld+json")
FOLDER = "assets/js"
PREFIX = "inline-"


class InlineScriptError(Exception):
    """A page holds an inline script the step cannot move; the message names the page."""


def _script_file(site, text, written):
    name = f"{FOLDER}/{PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:12]}.js"
    if name not in written:
        (site / name).write_text(text, encoding="utf-8")
        written.add(name)
    return name


def _move_scripts(site, rel, html, written):
    # The 404 page is served at any missing address: it links from the site root, as the theme does.
    def link(name):
        return "/" + name if rel == "404.html" else posixpath.relpath(name, posixpath.dirname(rel) or ".")

    def replace(match):
        attrs, text = match.group(1), match.group(2)
        if SRC.search(attrs):
            return match.group(0)
        kind = TYPE.search(attrs)
        kind = kind.group(1).lower() if kind else "text/javascript"
        if kind in DATA_TYPES:
            return match.group(0)
        if kind == "module":
            # A module's relative imports would resolve against its new address, not the page's.
            raise InlineScriptError(f'{rel}：页面里有内联的 <script type="module">，请把它写成 assets/js/ 下的文件')
        return f'<script src="{link(_script_file(site, text, written))}"{attrs}></script>'

    return SCRIPT.sub(replace, html)


def apply(site):
    """Move inline scripts into files and put the policy in every page's head; returns the files written."""
    site = Path(site)
    written = set()
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        html = _move_scripts(site, rel, path.read_text(encoding="utf-8"), written)
        if META not in html:
            html, found = CHARSET.subn(lambda m: m.group(0) + "\n    " + META, html, count=1)
            if not found:
                raise InlineScriptError(f'{rel}：页面没有 <meta charset="utf-8">，无法放入内容安全策略')
        path.write_text(html, encoding="utf-8")
    return sorted(written)
