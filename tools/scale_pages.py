"""The calculator pages and their navigation, made from data/instruments/*.yml.

Each instrument file becomes the page scales/<id>.md (its title and the instrument() macro), and
scales/SUMMARY.md lists the pages in the order of the files' `order` fields; mkdocs.yml's
`量表计算器: scales/` entry takes its pages from that list. During `mkdocs build` the
mkdocs-gen-files plugin runs this file and the pages exist only in the build (mkdocs-literate-nav
reads the list). For a builder without those plugins, `python -m tools.scale_pages DOCS_DIR`
writes the same files into DOCS_DIR/scales/ and `--nav` prints the section as mkdocs.yml nav.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402  (needs ROOT on the path when run as a script)

from catalog import instruments, pages  # noqa: E402
from tools import generated_pages  # noqa: E402

FOLDER = pages.SCALES
INDEX = "index.md"
# mkdocs-literate-nav's default nav_file: the section's page list.
NAV_FILE = "SUMMARY.md"


def title(spec):
    """The page title, as the index table and the navigation show it: e.g. 患者健康问卷抑郁量表（PHQ-9）."""
    return f"{spec['names']['zh']}（{spec['names']['abbr']}）"


def _link_text(text):
    for char in "\\[]*_`":
        text = text.replace(char, "\\" + char)
    return text


def pages(specs):
    """{docs-relative path: Markdown}: one page per instrument, then the section's page list."""
    out = {f"{FOLDER}/{sid}.md": f'# {title(spec)}\n\n{{{{ instrument("{sid}") }}}}\n' for sid, spec in specs.items()}
    lines = [f"<!-- Made from data/instruments/*.yml by tools/scale_pages.py; {INDEX} comes first. -->", ""]
    lines += [f"- [{_link_text(title(spec))}]({sid}.md)" for sid, spec in specs.items()]
    out[f"{FOLDER}/{NAV_FILE}"] = "\n".join(lines) + "\n"
    return out


def check_docs(docs_dir, specs):
    """Only the section's index page is written by hand: any other page in scales/ would drift from the data."""
    for path in sorted((Path(docs_dir) / FOLDER).glob("*.md")):
        if path.name == INDEX:
            continue
        shown = f"{Path(docs_dir).name}/{FOLDER}/{path.name}"
        if path.stem in specs:
            raise PluginError(
                f"{shown}：量表页由 data/instruments/{path.stem}.yml 生成，请删除这个手写的页面（改页面请改数据文件）"
            )
        raise PluginError(
            f"{shown}：没有对应的量表数据文件 data/instruments/{path.stem}.yml；"
            f"{FOLDER}/ 下除 {INDEX} 外的页面都由数据文件生成，请删除这个页面或补上数据文件"
        )


def nav_yaml(specs):
    """The section as mkdocs.yml nav lines, for a builder that reads no page list."""
    entries = [f"{FOLDER}/{INDEX}"] + [f"{FOLDER}/{sid}.md" for sid in specs]
    return "\n".join(f"      - {entry}" for entry in entries) + "\n"


def generate():
    """Inside `mkdocs build` (mkdocs-gen-files): add the pages to the build without writing to docs/."""
    import mkdocs_gen_files

    editor = mkdocs_gen_files.FilesEditor.current()
    specs = generated_pages.specs_or_stop(instruments.load_all)
    check_docs(editor.config["docs_dir"], specs)
    generated_pages.add_to_build(editor, pages(specs), f"{FOLDER}/{NAV_FILE}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs_dir", nargs="?", help="write the pages into DOCS_DIR/scales/")
    parser.add_argument("--nav", action="store_true", help="print the 量表计算器 section as mkdocs.yml nav lines")
    args = parser.parse_args(argv)
    specs = instruments.load_all()
    if args.docs_dir:
        generated_pages.write(args.docs_dir, pages(specs))
    if args.nav:
        sys.stdout.write(nav_yaml(specs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
elif __name__ == "<run_path>":  # how mkdocs-gen-files runs the file
    generate()
