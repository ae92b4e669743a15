"""Relative Markdown links between pages, so MkDocs can check every one of them."""

import posixpath

from macros.pages import page_src


def relative(env, target):
    """Path from the page being rendered to `target` (docs-relative, may carry #anchor)."""
    path, _, anchor = target.partition("#")
    here = posixpath.dirname(page_src(env))
    rel = posixpath.relpath(path, here or ".")
    return rel + (f"#{anchor}" if anchor else "")
