"""The page being rendered, asked the same way whichever builder runs the macros.

MkDocs gives `page.file.src_uri`; builders whose page object lacks `file` (Zensical) still give the
page's source path or URL, from which the docs-relative Markdown path follows.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Calculator pages are made from data, not written (tools/scale_pages.py): SCALES/<id>.md for each INSTRUMENTS/<id>.yml.
SCALES = "scales"
INSTRUMENTS = ROOT / "data" / "instruments"


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
    """The page's Markdown as written (before macros run), read from docs/."""
    docs = Path(env.conf["docs_dir"]) if getattr(env, "conf", None) and env.conf.get("docs_dir") else DOCS
    return (docs / page_src(env)).read_text(encoding="utf-8")


def page_exists(page):
    """Whether the docs-relative `page` (e.g. 'scales/phq9.md') is a page of the site, written or made from data."""
    folder, _, name = page.rpartition("/")
    if folder == SCALES and name != "index.md":
        return name.endswith(".md") and (INSTRUMENTS / (name[:-3] + ".yml")).is_file()
    return (DOCS / page).is_file()
