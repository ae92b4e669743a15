"""Scale calculators: load and validate data/instruments/*.yml, render each instrument page.

`load_all()` returns {id: spec}; every spec is JSON-compatible and is exactly what the scoring
engine (engine/scoring.py) receives. `register(env)` adds the macros `instrument(id)` (the whole
body of a calculator page, markup per the calculator contract) and `instrument_list()`.
"""

import html
import itertools
import json
import posixpath
import re

from catalog.datafiles import DataFileError, check_fields, load_yaml
from engine import contract
from engine import instruments as rules
from macros.batch import batch_section
from macros.links import relative
from macros.measures import save_control_html
from macros.pages import INSTRUMENTS, page_exists, page_src

INSTRUMENT_DIR = INSTRUMENTS
TOPICS = ("情绪筛查", "家庭与照顾", "社会支持", "抗逆力", "功能与症状")

FIELDS = {
    "id": (str, True),
    "version": (str, True),
    "names": (dict, True),
    "topic": (str, True),
    # Place in the navigation and, within its topic, in the index table: ascending, unique.
    "order": (int, True),
    "summary": (str, True),
    "licence": (dict, True),
    "citations": (list, True),
    "validation_zh": (str, True),
    "wording_note": (str, False),
    "use_when": (list, True),
    "not_when": (list, True),
    "instructions": (str, True),
    "items": (list, True),
    "reverse": (list, False),
    "subscales": (list, False),
    "scoring": (dict, True),
    "bands": (list, False),
    "no_band_reason": (str, False),
    "flags": (list, False),
    "higher_is_better": (bool, True),
    "red_flags": (list, False),
    "hand_scoring": (str, True),
    "conflicts": (list, False),
    "problem_list": (dict, False),
}
NAME_FIELDS = {"zh": (str, True), "en": (str, True), "abbr": (str, True)}
LICENCE_FIELDS = {"kind": (str, True), "text": (str, True)}
SCORING_FIELDS = {
    "method": (str, True),
    "decimals": (int, False),
    "total_label": (str, True),
    "unit": (str, False),
    "missing": (dict, True),
}
MISSING_FIELDS = {"rule": (str, True), "min_answered": (int, False), "source": (str, True), "text": (str, True)}
BAND_FIELDS = {
    "min": (object, True),
    "max": (object, True),
    "label": (str, True),
    "source": (str, True),
    "next_step": (str, True),
}
FLAG_FIELDS = {
    "id": (str, True),
    "items": (list, True),
    "at_least": (int, True),
    "source": (str, True),
    "summary": (str, True),
    "note": (str, True),
    "follow_up": (dict, False),
}
# A red flag is a sentence, or {text, follow_up} when it should lead straight to a tool or page.
RED_FLAG_FIELDS = {"text": (str, True), "follow_up": (dict, False)}
# Where to go next when a flag is raised: a docs-relative page (optionally #anchor) and its link text.
FOLLOW_UP_FIELDS = {"target": (str, True), "label": (str, True)}
FOLLOW_UP_TARGET = re.compile(r"^(?!/)(?!.*(^|/)\.\.(/|$))[A-Za-z0-9_\-/.]+\.md(#[^\s#]+)?$")
ITEM_FIELDS = {
    "key": (str, True),
    "text": (str, False),
    "lead": (str, False),
    "options": (list, False),
    "range": (dict, False),
    "anchors": (list, False),
    "checkboxes": (list, False),
    "optional": (bool, False),
}
SUBSCALE_FIELDS = {"id": (str, True), "name": (str, True), "items": (list, True)}
PROBLEM_FIELDS = {"intro": (str, True), "categories": (list, True)}
CATEGORY_FIELDS = {"id": (str, True), "label": (str, True), "hint": (str, True)}
BADGES = {
    "full": '<span class="hb-badge hb-badge--full">全文·注明出处</span>',
    "entry": '<span class="hb-badge hb-badge--entry">仅录入分值</span>',
}


# ---------------------------------------------------------------- loading and validation


def _check_list_of_text(path, entry, values):
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise DataFileError(path, entry, "列表中的每一项都应为非空文本")


def _check_follow_up(path, entry, flag):
    """A flag's follow_up must name a page of this site (MkDocs checks the anchor in the page's own copy of the link)."""
    follow = flag.get("follow_up")
    if follow is None:
        return
    check_fields(path, f"{entry}.follow_up", follow, FOLLOW_UP_FIELDS)
    target = follow["target"]
    if not FOLLOW_UP_TARGET.match(target):
        raise DataFileError(
            path,
            f"{entry}.follow_up",
            f"target “{target}” 应为相对 docs/ 的 .md 路径，可带 #锚点，如 practice/checklists/crisis.md",
        )
    if not page_exists(target.partition("#")[0]):
        raise DataFileError(path, f"{entry}.follow_up", f"target “{target}” 指向的页面不存在")


def _check_record(path, spec):
    """File-level rules (fields and types); structural rules live in engine/instruments.py."""
    check_fields(path, "（顶层）", spec, FIELDS)
    if spec["id"] != path.stem:
        raise DataFileError(path, "id", f"应与文件名一致（{path.stem}），实际是 {spec['id']!r}")
    if spec["topic"] not in TOPICS:
        raise DataFileError(path, "topic", f"应为 {'、'.join(TOPICS)} 之一")
    check_fields(path, "names", spec["names"], NAME_FIELDS)
    check_fields(path, "licence", spec["licence"], LICENCE_FIELDS)
    if not spec["citations"]:
        raise DataFileError(path, "citations", "至少要有一条文献")
    for field in ("citations", "use_when", "not_when", "conflicts"):
        _check_list_of_text(path, field, spec.get(field) or [])
    for position, flag in enumerate(spec.get("red_flags") or [], 1):
        entry = f"red_flags 第 {position} 项"
        if isinstance(flag, dict):
            check_fields(path, entry, flag, RED_FLAG_FIELDS)
            _check_list_of_text(path, entry, [flag["text"]])
            _check_follow_up(path, entry, flag)
        else:
            _check_list_of_text(path, "red_flags", [flag])
    check_fields(path, "scoring", spec["scoring"], SCORING_FIELDS)
    check_fields(path, "scoring.missing", spec["scoring"]["missing"], MISSING_FIELDS)
    for position, item in enumerate(spec["items"], 1):
        entry = f"items 第 {position} 项（key {item.get('key') if isinstance(item, dict) else '?'}）"
        if isinstance(item, dict) and not isinstance(item.get("key"), str):
            raise DataFileError(path, entry, 'key 应为带引号的文本，例如 "1"（YAML 中不加引号会变成数字）')
        check_fields(path, entry, item, ITEM_FIELDS)
    for position, band in enumerate(spec.get("bands") or [], 1):
        check_fields(path, f"bands 第 {position} 档", band, BAND_FIELDS)
    for flag in spec.get("flags") or []:
        check_fields(path, f"flags（{flag.get('id') if isinstance(flag, dict) else '?'}）", flag, FLAG_FIELDS)
        _check_follow_up(path, f"flags（{flag['id']}）", flag)
    for sub in spec.get("subscales") or []:
        check_fields(path, "subscales", sub, SUBSCALE_FIELDS)
    if "problem_list" in spec:
        check_fields(path, "problem_list", spec["problem_list"], PROBLEM_FIELDS)
        for category in spec["problem_list"]["categories"]:
            check_fields(path, "problem_list.categories", category, CATEGORY_FIELDS)
    if spec.get("bands") and spec.get("no_band_reason"):
        raise DataFileError(path, "no_band_reason", "有分级时不应再写 no_band_reason")
    # Everything must survive a JSON round trip unchanged: the browser gets the spec as JSON.
    try:
        if json.loads(json.dumps(spec, ensure_ascii=False)) != spec:
            raise ValueError
    except (TypeError, ValueError):
        raise DataFileError(path, "（整个文件）", "内容应与 JSON 兼容（不要用 YAML 日期、集合等类型）") from None


def load_file(path):
    """Load and validate one instrument file; DataFileError names the file, the entry and the rule."""
    spec = load_yaml(path)
    if not isinstance(spec, dict):
        raise DataFileError(path, "（整个文件）", "应为映射（键: 值）")
    _check_record(path, spec)
    try:
        rules.check_spec(spec)
    except rules.SpecError as error:
        raise DataFileError(path, error.entry, error.rule) from None
    return spec


def load_all(directory=None):
    """{id: spec} for every instrument file in the directory, each validated, in the order of their `order` fields.

    The data directory is the registry: a file there is a calculator page, a navigation entry and part
    of the engine bundle."""
    directory = INSTRUMENT_DIR if directory is None else directory
    loaded = [(load_file(path), path) for path in sorted(directory.glob("*.yml"))]
    if not loaded:
        raise DataFileError(directory, "（目录）", "没有任何量表文件（*.yml）")
    loaded.sort(key=lambda pair: pair[0]["order"])
    for (first, first_path), (second, second_path) in itertools.pairwise(loaded):
        if first["order"] == second["order"]:
            raise DataFileError(
                second_path, "order", f"{second['order']} 已被 {first_path.name} 使用：每个量表的 order 应各不相同"
            )
    return {spec["id"]: spec for spec, _ in loaded}


# Every calculator the site ships, in navigation order: discovered from the data directory.
IDS = tuple(load_all())


# ---------------------------------------------------------------- rendering


def _e(text):
    return html.escape(str(text), quote=True)


def _md(text):
    """Plain data text placed in Markdown: no HTML, no accidental emphasis."""
    return html.escape(str(text), quote=False).replace("*", "\\*").replace("_", "\\_")


def _indent(text, spaces=4):
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.strip("\n").split("\n"))


def _number(value, places):
    return f"{value:.{places}f}" if places else str(int(value))


def range_text(spec):
    """The possible total, e.g. '0–27'."""
    low, high = rules.score_range(spec)
    scale = 10 ** rules.decimals(spec)
    unit = spec["scoring"].get("unit", "")
    places = rules.decimals(spec)
    return f"{_number(low / scale, places)}{unit}–{_number(high / scale, places)}{unit}"


def item_count(spec):
    """'10 个条目' (SSRS rows 5A–5E count as one item), plus optional items."""
    numbers = []
    for item in rules.required_items(spec):
        number = rules.split_key(item["key"])[0]
        if number not in numbers:
            numbers.append(number)
    optional = len(spec["items"]) - len(rules.required_items(spec))
    return f"{len(numbers)} 个条目" + (f"（另有 {optional} 项选填）" if optional else "")


def _legend(item):
    text = item["text"]
    key = item["key"]
    return text if rules.split_key(key)[1] else f"{key}. {text}"


A = contract.ATTR
R = contract.RESULT
# Options fit side by side as one row of equal buttons at 390 px while their labels, laid end to
# end, stay within about two lines of small type.
ROW_CHARS = 30
ROW_MAX = 7


def needs_engine(env):
    """Mark the page being rendered as one that needs the engine (the template starts it early)."""
    env.page.meta[contract.NEEDS_ENGINE] = contract.ASSETS["engine_js"]


def _choice(spec, item, value, face, label=""):
    """One radio drawn as a button: the real input covers the whole face, so a tap anywhere on it
    lands on the input itself and keyboards and screen readers still see a radio group."""
    name = f"{spec['id']}-{item['key']}"
    text = f"<small>{_e(label)}</small>" if label else ""
    return (
        f'<label class="hb-opt"><input type="radio" name="{_e(name)}" value="{value}" {A["item"]}="{_e(item["key"])}">'
        f"<span><b>{_e(face)}</b>{text}</span></label>"
    )


def _option_row(spec, item):
    """'row' when every option fits in one line of equal buttons, else 'list' (one option a line)."""
    options = item["options"]
    longest = max(len(o["label"]) for o in options)
    return "row" if len(options) <= ROW_MAX and longest * len(options) <= ROW_CHARS else "list"


def _form_item(spec, item):
    entry = spec["licence"]["kind"] == "entry"
    key = item["key"]
    out = []
    if item.get("lead"):
        out.append(f'<p class="hb-item__lead">{_e(item["lead"])}</p>')
    if "checkboxes" in item:
        out.append('<fieldset class="hb-item hb-item--boxes">')
        out.append(f"<legend>{_e(_legend(item))}</legend>")
        out.append(f'<label><input type="checkbox" {A["item"]}="{_e(key)}" value="none"> 无任何来源</label>')
        for box in item["checkboxes"]:
            out.append(
                f'<label><input type="checkbox" {A["item"]}="{_e(key)}" value="{_e(box[:1])}"> {_e(box)}</label>'
            )
        out.append("</fieldset>")
    elif "options" in item:
        shape = _option_row(spec, item)
        count = len(item["options"])
        out.append(f'<fieldset class="hb-item hb-item--{shape}" style="--hb-n:{count}">')
        out.append(f"<legend>{_e(_legend(item))}</legend>")
        for option in item["options"]:
            out.append(_choice(spec, item, option["value"], option["value"], option["label"]))
        out.append("</fieldset>")
    elif entry and spec["scoring"]["method"] != "single":
        r = item["range"]
        ident = f"{spec['id']}-{key}"
        out.append(
            f'<div class="hb-item hb-item--entry"><label for="{_e(ident)}"><span class="hb-visually-hidden">条目 </span>'
            f'{_e(key)}<span class="hb-visually-hidden">（{r["min"]}–{r["max"]}）</span></label>'
        )
        out.append(
            f'<input id="{_e(ident)}" type="number" inputmode="numeric" enterkeyhint="next" min="{r["min"]}"'
            f' max="{r["max"]}" step="{r.get("step", 1)}" {A["item"]}="{_e(key)}"></div>'
        )
    else:
        r = item["range"]
        unit = spec["scoring"].get("unit", "")
        if entry:
            legend = f"{spec['scoring']['total_label']}（{r['min']}{unit}–{r['max']}{unit}）"
        else:
            legend = _legend(item)
            if item.get("anchors"):
                legend += f"（{r['min']} = {item['anchors'][0]}；{r['max']} = {item['anchors'][1]}）"
        values = rules.allowed_values(item)
        out.append(f'<fieldset class="hb-item hb-item--row hb-item--numbers" style="--hb-n:{len(values)}">')
        out.append(f"<legend>{_e(legend)}</legend>")
        for value in values:
            out.append(_choice(spec, item, value, f"{value}{unit}"))
        out.append("</fieldset>")
    return out


def _form_items(spec):
    """Every item in order; runs of score-entry boxes share one compact grid."""
    out, grid = [], False
    for item in spec["items"]:
        boxed = (
            spec["licence"]["kind"] == "entry"
            and spec["scoring"]["method"] != "single"
            and "options" not in item
            and "checkboxes" not in item
        )
        if boxed and not grid:
            out.append('<div class="hb-calc__grid">')
        elif grid and not boxed:
            out.append("</div>")
        grid = boxed
        out += _form_item(spec, item)
    if grid:
        out.append("</div>")
    return out


def _problem_list(spec):
    problems = spec.get("problem_list")
    if not problems:
        return []
    out = ['<fieldset class="hb-item hb-problems">', f"<legend>{_e(problems['intro'])}</legend>"]
    for category in problems["categories"]:
        out.append(
            f'<label><input type="checkbox" name="{_e(spec["id"])}-problem" value="{_e(category["id"])}">'
            f" <span>{_e(category['label'])}<small>：{_e(category['hint'])}</small></span></label>"
        )
    out.append("</fieldset>")
    return out


def _href(target, here, html_link):
    """Relative link from the page folder `here` to a docs page; raw HTML needs the built .html name."""
    page, _, anchor = target.partition("#")
    rel = posixpath.relpath(page, here or ".")
    if html_link:
        rel = rel[:-3] + ".html"
    return rel + (f"#{anchor}" if anchor else "")


def _follow_html(flag, here):
    follow = flag.get("follow_up")
    if not follow:
        return ""
    return f' <a class="hb-flag__follow" href="{_e(_href(follow["target"], here, True))}">{_e(follow["label"])}</a>'


def _follow_md(flag, here):
    follow = flag.get("follow_up")
    if not follow:
        return ""
    return f" [{_md(follow['label'])}]({_href(follow['target'], here, False)})"


def calculator_html(spec, here="scales"):
    """The calculator root, exactly per the markup contract; one line per element, no blank lines.

    The result panel is pinned to the bottom of the screen while the form is in view, so it shows
    one line (total and band, plus any red flag); the details open on tap.
    """
    sid = spec["id"]
    abbr = spec["names"]["abbr"]
    subscale_names = json.dumps({s["id"]: s["name"] for s in spec.get("subscales") or []}, ensure_ascii=False)
    out = [
        f'<div class="hb-calc" {A["instrument"]}="{_e(sid)}" {A["subscales"]}="{_e(subscale_names)}">',
        f'<form class="hb-calc__form" novalidate data-search-exclude aria-label="{_e(abbr)} 评分表">',
    ]
    out += _form_items(spec)
    out += _problem_list(spec)
    out += [
        "</form>",
        '<div class="hb-calc__result" aria-live="polite">',
        f'<p {A["result"]}="{R["status"]}">{_e(contract.NOT_RUNNING["calculator"])}</p>',
        '<details class="hb-calc__more">',
        '<summary><span class="hb-calc__total">'
        + _e(spec["scoring"]["total_label"])
        + f'：<output {A["result"]}="{R["total"]}">—</output> <span {A["result"]}="{R["band"]}"></span></span></summary>',
        f'<div {A["result"]}="{R["subscales"]}"></div>',
        f'<p {A["result"]}="{R["missing"]}"></p>',
        "</details>",
        f'<p {A["result"]}="{R["error"]}" role="alert"></p>',
        "</div>",
    ]
    for index, band in enumerate(spec.get("bands") or []):
        out.append(
            f'<div {A["band_note"]}="{index}" hidden><p><strong>{_e(band["label"])}</strong>：'
            f"{_e(band['next_step'])}</p></div>"
        )
    for flag in spec.get("flags") or []:
        out.append(
            f'<div {A["flag_note"]}="{_e(flag["id"])}" hidden><p>{_e(flag["note"])}{_follow_html(flag, here)}</p></div>'
        )
    if spec["scoring"]["missing"]["rule"] == "mean_substitution":
        out.append(
            f'<div {A["flag_note"]}="{contract.PRORATED}" hidden><p>有缺答，已按缺项规则补足计分：'
            f"{_e(spec['scoring']['missing']['text'])}</p></div>"
        )
    out += [
        '<div class="hb-calc__actions hb-noprint">',
        f'<button type="button" {A["action"]}="{contract.ACTION["copy"]}">复制结果</button>',
        f'<button type="button" {A["action"]}="{contract.ACTION["pre"]}">记为前测</button>',
        f'<button type="button" {A["action"]}="{contract.ACTION["reset"]}">清空</button>',
        f'<button type="button" {A["action"]}="{contract.ACTION["print"]}">打印空白表</button>',
        "</div>",
        f'<section class="hb-calc__compare" {A["compare"]} hidden aria-live="polite">',
        f"<h3>前后测对比</h3><p {A['compare_text']}></p>",
        "</section>",
        save_control_html(spec, here),
        "</div>",
    ]
    return "\n".join(out)


def _bullets(values):
    return "\n".join(f"- {_md(v)}" for v in values)


def _band_table(spec):
    bands = spec.get("bands") or []
    places = rules.decimals(spec)
    unit = spec["scoring"].get("unit", "")
    if not bands:
        return ['!!! note "本计算器不给分级"', _indent(_md(spec["no_band_reason"])), ""]
    rows = ["| 分数 | 分级 | 建议的下一步 |", "| --- | --- | --- |"]
    for band in bands:
        low, high = _number(band["min"], places), _number(band["max"], places)
        span = f"{low}{unit}" if low == high else f"{low}{unit}–{high}{unit}"
        rows.append(f"| {span} | {_md(band['label'])} | {_md(band['next_step'])} |")
    sources = []
    for band in bands:
        for part in band["source"].split("；"):
            if part.strip() and part.strip() not in sources:
                sources.append(part.strip())
    rows += ["", f"分级来源：{_md('；'.join(sources))}。分级是筛查或常模参考，不是诊断。", ""]
    return rows


def _flag_notes(spec, here="scales"):
    out = []
    for flag in spec.get("flags") or []:
        out += [
            f'!!! danger "警示：{_e(flag["summary"])}"',
            _indent(_md(flag["note"]) + f"（来源：{_md(flag['source'])}）" + _follow_md(flag, here)),
            "",
        ]
    if spec.get("red_flags"):
        lines = [
            f"- {_md(flag['text'])}{_follow_md(flag, here)}" if isinstance(flag, dict) else f"- {_md(flag)}"
            for flag in spec["red_flags"]
        ]
        out += ['!!! warning "需要立即关注的情形"', _indent("\n".join(lines)), ""]
    return out


def _scoring_section(spec):
    scoring = spec["scoring"]
    out = ["## 评分方法", "", spec["hand_scoring"].strip(), ""]
    missing = scoring["missing"]
    out += [f"**缺项处理：** {_md(missing['text'])}", "", f"<small>依据：{_md(missing['source'])}</small>", ""]
    if spec.get("reverse"):
        out += [f"**反向计分条目：** 第 {'、'.join(spec['reverse'])} 题。", ""]
    if spec.get("subscales"):
        out += ["| 分量表 | 条目 |", "| --- | --- |"]
        for sub in spec["subscales"]:
            out.append(f"| {_md(sub['name'])} | {'、'.join(sub['items'])} |")
        out.append("")
    direction = "分数越高越好" if spec["higher_is_better"] else "分数越高越严重"
    out += [
        f"可能的{_md(scoring['total_label'])}范围：{range_text(spec)}（{direction}）。"
        f"本页评分规则版本 `{spec['version']}`：引用结果时请一并记录。",
        "",
    ]
    return out


def render(spec, here="scales"):
    """The whole body of an instrument page (everything after the page title)."""
    names = spec["names"]
    licence = spec["licence"]
    direction = "分数越高越好" if spec["higher_is_better"] else "分数越高越严重"
    size = "单项评分" if spec["scoring"]["method"] == "single" else item_count(spec)
    out = [
        f"{BADGES[licence['kind']]} 评分规则 `{spec['version']}` · {_md(names['en'])} · {size} · {direction}",
        "",
        '!!! abstract "提要"',
        _indent(_md(spec["summary"]) + " 在下方作答即可自动计分；所有计算都在你的设备上完成，不上传任何数据。"),
        "",
        # The form comes first on a phone: when to use it stays one tap away, above the form.
        '??? info "什么时候用，什么时候不用"',
        _indent("适用：\n\n" + _bullets(spec["use_when"]) + "\n\n不适用或需要注意：\n\n" + _bullets(spec["not_when"])),
        "",
    ]
    if licence["kind"] == "entry":
        out += [
            '??? info "仅录入分值：本站不呈现条目文字"',
            _indent("本量表受版权保护，本站不呈现条目文字或表格。请使用经授权获得的正式量表，再把分值录入下方。"),
            "",
        ]
    if spec.get("wording_note"):
        out += ['??? note "关于条目措辞"', _indent(_md(spec["wording_note"])), ""]
    out += [f'<p class="hb-calc__instructions">{_e(spec["instructions"])}</p>', "", calculator_html(spec, here), ""]
    out += ["## 结果解读", ""] + _band_table(spec) + _flag_notes(spec, here)
    out += _scoring_section(spec)
    out += batch_section(spec)
    out += [
        "## 出处与许可",
        "",
        f"**许可：** {_md(licence['text'])}",
        "",
        "**文献：**",
        "",
        "\n".join(f"{n}. {_md(c)}" for n, c in enumerate(spec["citations"], 1)),
        "",
        f"**中文版：** {_md(spec['validation_zh'])}",
        "",
    ]
    if spec.get("conflicts"):
        out += [
            "## 来源之间的分歧",
            "",
            '!!! warning "不同来源的说法不一致"',
            _indent("本页的选择如下；其他机构或文献可能采用不同的做法，比较结果时请注意。"),
            "",
            _indent(_bullets(spec["conflicts"])),
            "",
        ]
    return "\n".join(out) + "\n"


def list_table(specs, link):
    # Three columns, the licence badge under the name, so the table fits a 390 px screen.
    rows = ["| 量表与许可 | 用途 | 条目与分数 |", "| --- | --- | --- |"]
    # Grouped by topic; within a topic, in navigation order (specs come in that order).
    order = sorted(specs, key=lambda i: TOPICS.index(specs[i]["topic"]))
    for sid in order:
        spec = specs[sid]
        names = spec["names"]
        size = "单项评分" if spec["scoring"]["method"] == "single" else item_count(spec)
        rows.append(
            f"| [{_md(names['zh'])}（{_md(names['abbr'])}）]({link(sid)})<br>{BADGES[spec['licence']['kind']]} "
            f"| {_md(spec['topic'])} | {size}，{range_text(spec)} |"
        )
    return "\n".join(rows) + "\n"


def register(env):
    specs = load_all()

    @env.macro
    def instrument(instrument_id):
        """The whole body of an instrument page: form, result area, interpretation, scoring key, sources."""
        if instrument_id not in specs:
            raise DataFileError(INSTRUMENT_DIR, page_src(env), f"未知量表 {instrument_id!r}")
        needs_engine(env)
        return render(specs[instrument_id], posixpath.dirname(page_src(env)))

    @env.macro
    def instrument_count():
        """How many calculators the site has: as many as the data directory holds."""
        return len(specs)

    @env.macro
    def instrument_list():
        """The index table of every calculator, with licence badges."""
        return list_table(specs, lambda sid: relative(env, f"scales/{sid}.md"))
