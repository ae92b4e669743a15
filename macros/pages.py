"""The page being rendered, asked the same way whichever builder runs the macros.

MkDocs gives `page.file.src_uri`; builders whose page object lacks `file` (Zensical) still give the
page's source path or URL, from which the docs-relative Markdown path follows.
"""

from pathlib import Path

from catalog.pages import DOCS, page_exists  # noqa: F401  (page_exists: re-exported for the exam macros)
from engine import contract


def page_src(env):
    """Docs-relative path of the page's Markdown source, e.g. 'casework/intake.md'."""
    page = env.page
    file = getattr(page, "file", None)
    for owner, name in ((file, "src_uri"), (file, "src_path"), (page, "src_uri"), (page, "src_path")):
        value = getattr(owner, name, None) if owner is not None else None
        if value:
            return str(value).replace("\\", "/")
    url = str(getattr(page, "url", "") or "").split("#")[0].split("?")[0].strip("/")
    if not url or url.endswith("/"):
        return url + "index.md"
    return url.removesuffix(".html") + ".md"


def page_markdown(env):
    """The page's Markdown as written (before macros run): the build's own copy (pages made from data
    have no file in docs/), else read from docs/."""
    text = getattr(getattr(env.page, "file", None), "content_string", None)
    if isinstance(text, str):
        return text
    docs = Path(env.conf["docs_dir"]) if getattr(env, "conf", None) and env.conf.get("docs_dir") else DOCS
    return (docs / page_src(env)).read_text(encoding="utf-8")


def needs_engine(env):
    """Mark the page being rendered as one that needs the engine (the template starts it early)."""
    env.page.meta[contract.NEEDS_ENGINE] = contract.ASSETS["engine_js"]
