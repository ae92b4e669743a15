"""Markup of the batch-scoring section on each calculator page (wired by the batch kind's script, engine/kinds.py).

The CSV columns come from engine/batch.py, the same code the command line and the worker use.
"""

import html
import json

from engine import batch, contract

A = contract.ATTR


def batch_section(spec):
    """Markdown lines: a heading, a short explanation and the batch root element."""
    sid = spec["id"]
    abbr = spec["names"]["abbr"]
    template = json.dumps(batch.template_header(spec), ensure_ascii=False)
    limit = f"{batch.MAX_BYTES // (1024 * 1024)} MB、{batch.MAX_ROWS} 行"
    return [
        "## 批量评分",
        "",
        f"把多份 {abbr} 答卷录入表格（CSV 文件，每位受访者一行），可以在这里一次计分：文件只在本机读取和计分，"
        f"不会上传。表头用条目编号，“编号”列填匿名编号；可先下载空白模板。文件上限 {limit}。"
        "某一行有不合规的值时，这一行不给分数，并写明行号、列名和原因。",
        "",
        f'<div class="hb-batch hb-noprint" {A["batch"]}="{html.escape(sid)}"'
        f' {A["batch_header"]}="{html.escape(template, quote=True)}" {A["batch_max_bytes"]}="{batch.MAX_BYTES}">',
        f'<div class="hb-batch__drop" {A["batch_drop"]}>',
        f'<input type="file" id="hb-batch-{html.escape(sid)}" accept=".csv,text/csv" class="hb-visually-hidden"'
        f" {A['batch_file']}>",
        f'<label class="md-button" for="hb-batch-{html.escape(sid)}">选择 CSV 文件</label>',
        "<span>或把文件拖到这里</span>",
        f'<button type="button" class="md-button" {A["batch_template"]}>下载空白模板</button>',
        "</div>",
        f'<progress {A["batch_progress"]} max="1" value="0" aria-label="计分进度" hidden></progress>',
        f'<p {A["batch_status"]} role="status" aria-live="polite"></p>',
        f'<button type="button" class="md-button md-button--primary" {A["batch_download"]} hidden>下载计分结果</button>',
        f'<div class="hb-batch__table" {A["batch_table"]}></div>',
        "</div>",
        "",
    ]
