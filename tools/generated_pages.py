"""What tools/scale_pages.py and tools/checklist_pages.py share: pages made from data files reach the build
through mkdocs-gen-files (the section's page list is read for the navigation, not published as a page), or a
docs folder, for a builder without those plugins."""

from pathlib import Path

from mkdocs.exceptions import PluginError

from catalog.datafiles import DataFileError


def specs_or_stop(load_all):
    """The data files, loaded and checked; a bad one stops the build with its message alone (no traceback)."""
    try:
        return load_all()
    except DataFileError as error:
        raise PluginError(str(error)) from None


def add_to_build(editor, pages, nav_file):
    """Inside `mkdocs build`: add {name: Markdown} to the build without writing to docs/."""
    from mkdocs.structure.files import InclusionLevel

    for name, text in pages.items():
        with editor.open(name, "w") as handle:
            handle.write(text)
    editor.files.get_file_from_path(nav_file).inclusion = InclusionLevel.EXCLUDED


def write(docs_dir, pages):
    """Write {name: Markdown} into docs_dir (the command line, for other builders)."""
    for name, text in pages.items():
        target = Path(docs_dir) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
