"""tools/preload.py: what a tool page preloads is derived from its tool kinds and the scripts' imports."""

from engine import contract
from tools import preload


def write(site, rel, text):
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_script_brings_every_module_it_imports_statically(tmp_path):
    write(tmp_path, "assets/js/tool.js", 'import { a } from "./a.js";\nimport "../lib/b.js";\nimport("./lazy.js");\n')
    write(tmp_path, "assets/js/a.js", 'export { b } from "../lib/b.js";\nexport const a = 1;\n')
    write(tmp_path, "assets/lib/b.js", "export const b = 2;\n")
    write(tmp_path, "assets/js/lazy.js", "export const lazy = 3;\n")
    # A dynamic import() is loaded only when used: not preloaded.
    assert preload.module_closure(tmp_path, "assets/js/tool.js") == [
        "assets/js/tool.js",
        "assets/js/a.js",
        "assets/lib/b.js",
    ]


def test_tool_kinds_and_ids_are_read_from_the_page():
    attr = contract.ATTR
    html = (
        f'<div {attr["instrument"]}="phq9"><div {attr["subscales"]}="x"></div></div>'
        f'<div {attr["instrument"]}="gad7"></div><section {attr["batch"]}></section>'
        f'<div {attr["quiz_set"]}="drills"></div>'
    )
    assert preload.page_tools(html) == {"instrument": ["phq9", "gad7"], "batch": [""]}


def test_a_page_that_starts_the_engine_hands_it_the_bundle_and_its_specs(tmp_path):
    script, folder = preload.KINDS["instrument"]
    write(tmp_path, script, f'import {{ call }} from "./{contract.ASSETS["engine_js"].rsplit("/", 1)[1]}";\n')
    write(tmp_path, contract.ASSETS["engine_js"], "export const call = 1;\n")
    write(tmp_path, f"{contract.ASSETS['engine_data_dir']}{folder}/phq9.json", "{}")
    modules, handed = preload.files_for(tmp_path, {"instrument": ["phq9", "gone"]}, engine=True)
    # engine.js is already preloaded by the theme; a spec the build did not write is not asked for.
    assert modules == [script]
    assert handed == [
        contract.ASSETS["engine_bundle"],
        f"{contract.ASSETS['engine_data_dir']}{folder}/phq9.json",
    ]
    # Without the engine started from the head there is no worker to hand files to.
    assert preload.files_for(tmp_path, {"instrument": ["phq9"]}, engine=False)[1] == []
