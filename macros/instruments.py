"""Scale calculators: render each instrument page from its spec (catalog/instruments.py loads them).

`register(env)` adds the macros `instrument(id)` (the whole body of a calculator page, markup per
the calculator contract), `instrument_count()` and `instrument_list()`.
"""

import html
import json
import posixpath

from catalog.datafiles import DataFileError
from catalog.instruments import INSTRUMENT_DIR, TOPICS, load_all
from engine import contract
from engine import instruments as rules
from macros.batch import batch_section
from macros.links import relative
from macros.measures import save_control_html
from macros.pages import needs_engine, page_src

BADGES = {
    "full": '<span class="hb-badge hb-badge--full">全文·注明出处</span>',
    "entry": '<span class="hb-badge hb-badge--entry">仅录入分值</span>',
}


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
C = contract.CLASSES


def _slot(name):
    """A result slot: the attribute the script fills it by, the class the stylesheet styles it by."""
    return f'class="{C["result_slot"]}{R[name]}" {A["result"]}="{R[name]}"'


# Options fit side by side as one row of equal buttons at 390 px while their labels, laid end to
# end, stay within about two lines of small type.
ROW_CHARS = 30
ROW_MAX = 7


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
        f"<p {_slot('status')}>{_e(contract.NOT_RUNNING['calculator'])}</p>",
        '<details class="hb-calc__more">',
        '<summary><span class="hb-calc__total">'
        + _e(spec["scoring"]["total_label"])
        + f"：<output {_slot('total')}>—</output> <span {_slot('band')}></span></span></summary>",
        f"<div {_slot('subscales')}></div>",
        f"<p {_slot('missing')}></p>",
        "</details>",
        f'<p {_slot("error")} role="alert"></p>',
        "</div>",
    ]
    for index, band in enumerate(spec.get("bands") or []):
        out.append(
            f'<div class="{C["band_note"]}" {A["band_note"]}="{index}" hidden><p><strong>{_e(band["label"])}</strong>：'
            f"{_e(band['next_step'])}</p></div>"
        )
    for flag in spec.get("flags") or []:
        out.append(
            f'<div class="{C["flag_note"]}" {A["flag_note"]}="{_e(flag["id"])}" hidden><p>{_e(flag["note"])}{_follow_html(flag, here)}</p></div>'
        )
    if spec["scoring"]["missing"]["rule"] == "mean_substitution":
        out.append(
            f'<div class="{C["flag_note"]}" {A["flag_note"]}="{contract.PRORATED}" hidden><p>有缺答，已按缺项规则补足计分：'
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
