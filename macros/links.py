"""Relative Markdown links between pages, so MkDocs can check every one of them."""

import posixpath


def relative(env, target):
    """Path from the page being rendered to `target` (docs-relative, may carry #anchor)."""
    path, _, anchor = target.partition("#")
    here = posixpath.dirname(env.page.file.src_uri)
    rel = posixpath.relpath(path, here or ".")
    return rel + (f"#{anchor}" if anchor else "")
