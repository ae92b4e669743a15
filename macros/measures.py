"""Repeated measures of a case: the «保存到个案» control of every calculator and the measurement view.

The control is wired by the calculator's script, the view by the measurement kind's (engine/kinds.py); what
is saved and every change and verdict come from engine/measures.py. The view's page loads its script
itself (no other page needs it), and the script loads the chart library only there.
"""

import html
import json
import posixpath

from catalog import instruments, thresholds
from engine import contract
from macros.pages import needs_engine

A = contract.ATTR
VIEW_PAGE = "practice/measures.md"
NOT_RUNNING = (
    "测量记录需要在网站上打开并启用 JavaScript（直接双击本地文件不能运行）。"
    "要在本机使用，请运行随附的本地服务器（python3 tools/serve.py site）或用任何静态网站服务器打开。"
)


def _e(text):
    return html.escape(str(text), quote=True)


def save_control_html(spec, here):
    """Below the calculator's form and actions (never in the pinned result bar): case, date, save button."""
    sid = _e(spec["id"])
    view = posixpath.relpath(VIEW_PAGE, here or ".")[:-3] + ".html"
    return "\n".join(
        [
            f'<section class="hb-calc__save hb-noprint" {A["measure_save"]}>',
            "<h3>保存到个案</h3>",
            f'<p>把本次结果连同各题作答保存在本机浏览器，归入一个个案；多次测量的变化见<a href="{_e(view)}">测量记录</a>。'
            "不要用真实姓名或住院号作代号。</p>",
            '<div class="hb-calc__save-row">',
            f'<label for="hb-save-{sid}-case">个案</label><select id="hb-save-{sid}-case"></select>',
            f'<label for="hb-save-{sid}-label" hidden>新个案代号</label>'
            f'<input id="hb-save-{sid}-label" type="text" maxlength="{contract.LABEL_MAX}" autocomplete="off" hidden>',
            f'<label for="hb-save-{sid}-date">测量日期</label><input id="hb-save-{sid}-date" type="date">',
            '<button type="button">保存到个案</button>',
            "</div>",
            '<p role="status" aria-live="polite"></p>',
            "</section>",
        ]
    )


def _threshold_table(specs, found):
    rows = ["| 量表 | 变化阈值 | 类型 | 出处与适用范围 |", "| --- | --- | --- | --- |"]
    for ident, record in found.items():
        spec = specs[ident]
        unit = spec["scoring"].get("unit", "") or " 分"
        rows.append(
            f"| {spec['names']['abbr']} | {record['change']}{unit} | {record['kind']} "
            f"| {record['source']}。{record['note']} |"
        )
    return "\n".join(rows) + "\n"


def register(env):
    specs = instruments.load_all()
    found = thresholds.load(specs)

    @env.macro
    def measures_view():
        """The measurement view: a case picker, then per instrument a chart, the changes and a table."""
        needs_engine(env)
        limits = json.dumps(found, ensure_ascii=False)
        return "\n".join(
            [
                f'<div class="hb-measures" {A["measures"]} {A["measure_thresholds"]}="{_e(limits)}">',
                '<p class="hb-measures__pick hb-noprint"><label for="hb-measures-case">个案</label>'
                ' <select id="hb-measures-case"></select></p>',
                f'<p class="hb-measures__status" role="status">{_e(NOT_RUNNING)}</p>',
                '<div class="hb-measures__body"></div>',
                "</div>",
                "",
            ]
        )

    @env.macro
    def measure_thresholds():
        """The published change thresholds the view judges by (data/thresholds.yml)."""
        return _threshold_table(specs, found)
