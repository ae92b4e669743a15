"""The checklist pages and the 实务工具 section's navigation, made from data/checklists/*.yml.

Each checklist of kind `checklist` becomes the page practice/checklists/<id>.md: its title, abstract,
intro, stage line, the checklist() macro, its printing tip and its sources, all from its data file
(the `page` mapping holds what only the page says). practice/SUMMARY.md lists the section: the
written pages first, then the checklists in the order of their `order` fields (the order the case
navigator and the tools table use); mkdocs.yml's `实务工具: practice/` entry takes its pages from it.
Like tools/scale_pages.py: mkdocs-gen-files runs this file during `mkdocs build`; for a builder
without those plugins, `python -m tools.checklist_pages DOCS_DIR` writes the same files.
"""

import argparse
import posixpath
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402  (needs ROOT on the path when run as a script)

from catalog import checklists  # noqa: E402
from tools import generated_pages  # noqa: E402

SECTION = "practice"
FOLDER = checklists.PAGES.rstrip("/")
NAV_FILE = "SUMMARY.md"
# The section's written pages, in the order the navigation shows them, before the checklists
# (its index.md comes first without being listed: literate-nav's implicit_index).
WRITTEN = ("navigator.md", "measures.md", "case-record.md")
NAVIGATOR = f"{SECTION}/navigator.md"
INDEX = f"{SECTION}/index.md"
PRIVATE = (
    "勾选和填写的内容只保存在这台设备的浏览器里，不会上传；不要填写姓名、身份证号、住院号等能识别身份的信息。"
    "需要纸质版时，用浏览器的“打印”功能（电脑上按 Ctrl+P）"
)
# The printing tip, by the page's `print` field (default blank_form); `none` leaves it out.
PRINT_TIPS = {
    "blank_form": PRIVATE + "，打印时会隐藏网站的导航栏；想要空白表，可以先在[个案流程导航]({navigator})"
    "里新建一个个案代号，再回到本页打印。",
    "hides_nav": PRIVATE + "，打印时会隐藏网站的导航栏。",
    "short": PRIVATE + "。",
}
PROGRAMMES = "## 项目一览 {: .hb-print-omit }\n\n每个项目在什么情况下会被列出，都写在数据里，下表由同一份数据生成：\n\n"


def _link(target, here):
    page, _, anchor = target.partition("#")
    return posixpath.relpath(page, here) + (f"#{anchor}" if anchor else "")


def page(spec):
    """The Markdown of one checklist's page."""
    here = FOLDER
    extra = spec["page"]
    out = [f"# {spec['title']}", "", '!!! abstract "提要"', f"    {extra['abstract']}", "", spec["intro"].strip(), ""]
    if extra.get("notice"):
        out += [extra["notice"].strip(), ""]
    stage = f"适用阶段：{spec['stage']}。"
    if extra.get("method"):
        stage += f"方法见[{extra['method']['label']}]({_link(extra['method']['target'], here)})；"
    if extra.get("navigator", True):
        stage += f"要按顺序走完一个个案，请用[个案流程导航]({_link(NAVIGATOR, here)})；"
    stage += f"全部工具见[实务工具]({_link(INDEX, here)})。"
    out += [stage, "", f'{{{{ checklist("{spec["id"]}") }}}}', ""]
    if extra.get("after"):
        out += [extra["after"].strip(), ""]
    tip = extra.get("print", "blank_form")
    if tip != "none":
        out += ['!!! tip "打印与保存"', "    " + PRINT_TIPS[tip].format(navigator=_link(NAVIGATOR, here)), ""]
    if spec.get("decision") == checklists.PROGRAMME_DECISION:
        out += [PROGRAMMES + f'{{{{ programme_table("{spec["id"]}") }}}}', ""]
    out.append("{{ sources(" + ", ".join(f'"{source}"' for source in spec["sources"]) + ") }}")
    return "\n".join(out) + "\n"


def _title(docs_dir, name):
    first = (Path(docs_dir) / SECTION / name).read_text(encoding="utf-8").split("\n", 1)[0]
    return first.removeprefix("# ").strip()


def _link_text(text):
    for char in "\\[]*_`":
        text = text.replace(char, "\\" + char)
    return text


def pages(specs, docs_dir):
    """{docs-relative path: Markdown}: one page per checklist, then the section's page list."""
    chosen = checklists.ordered(specs)
    out = {f"{FOLDER}/{spec['id']}.md": page(spec) for spec in chosen}
    lines = ["<!-- Made by tools/checklist_pages.py: the written pages, then data/checklists/*.yml by order. -->", ""]
    lines += [f"- [{_link_text(_title(docs_dir, name))}]({name})" for name in WRITTEN]
    lines += [
        f"- [{_link_text(spec['title'])}]({FOLDER.removeprefix(SECTION + '/')}/{spec['id']}.md)" for spec in chosen
    ]
    out[f"{SECTION}/{NAV_FILE}"] = "\n".join(lines) + "\n"
    return out


def check_docs(docs_dir):
    """No checklist page is written by hand: it would drift from its data file."""
    for path in sorted((Path(docs_dir) / FOLDER).glob("*.md")):
        raise PluginError(
            f"{Path(docs_dir).name}/{FOLDER}/{path.name}：清单页面由 data/checklists/{path.stem}.yml 生成，"
            "请删除这个手写的页面（改页面请改数据文件的 page 等字段）"
        )


def nav_yaml(specs):
    """The section as mkdocs.yml nav lines, for a builder that reads no page list."""
    entries = [INDEX] + [f"{SECTION}/{name}" for name in WRITTEN]
    entries += [f"{FOLDER}/{spec['id']}.md" for spec in checklists.ordered(specs)]
    return "\n".join(f"      - {entry}" for entry in entries) + "\n"


def generate():
    """Inside `mkdocs build` (mkdocs-gen-files): add the pages to the build without writing to docs/."""
    import mkdocs_gen_files

    editor = mkdocs_gen_files.FilesEditor.current()
    docs_dir = editor.config["docs_dir"]
    check_docs(docs_dir)
    specs = generated_pages.specs_or_stop(checklists.load_all)
    generated_pages.add_to_build(editor, pages(specs, docs_dir), f"{SECTION}/{NAV_FILE}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docs_dir", nargs="?", help="write the pages into DOCS_DIR/practice/")
    parser.add_argument("--nav", action="store_true", help="print the 实务工具 section as mkdocs.yml nav lines")
    args = parser.parse_args(argv)
    specs = checklists.load_all()
    if args.docs_dir:
        generated_pages.write(args.docs_dir, pages(specs, args.docs_dir))
    if args.nav:
        sys.stdout.write(nav_yaml(specs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
elif __name__ == "<run_path>":  # how mkdocs-gen-files runs the file
    generate()
