"""The one scoring engine for every scale calculator.

Plain standard-library Python: the same file runs in CPython (pytest), Pyodide and MicroPython
(the browser's Web Worker). A spec is the JSON-compatible mapping of data/instruments/<id>.yml.

    score(spec, answers)              -> {"complete", "total", "subscales", "band", "flags", "missing"}
    compare(spec, before, after)      -> change between two results (pre/post view)
    summary_line(spec, answers, date, problems) -> one line of Chinese text for the case record
    prepare(spec), score_values(prep, values)    -> the same scoring, with the spec's lookups built once

`answers` maps item keys ("1".."n"; SSRS "5A".."5E") to the raw value printed on the form, before
reverse scoring; None (or an absent key) is a missing answer. Bad input raises ScoreError with a
Chinese message naming the item and the allowed values; it never yields a number.

All arithmetic is done on integers in "score units" (total × 10**decimals), so CPython and
MicroPython give identical results. Rounding is half up (x.5 → x+1), stated on each page.
"""

from engine import contract, instruments
from engine.errors import EngineError

PRORATED = contract.PRORATED
_PREPARED = {}  # "id@version" -> prepare()'s lookups for that spec object
# Every character CPython's str.isspace() accepts: MicroPython's str.strip() knows only ASCII
# whitespace, and a pasted answer may carry a no-break space (U+00A0) or an ideographic space (U+3000).
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


class ScoreError(EngineError):
    """Input that cannot be scored; str(error) is a readable Chinese message."""


def strip_spaces(text):
    """text without leading and trailing whitespace, the same in CPython and MicroPython."""
    start = 0
    end = len(text)
    while start < end and text[start] in SPACES:
        start += 1
    while end > start and text[end - 1] in SPACES:
        end -= 1
    return text[start:end]


# ---------------------------------------------------------------- spec and answers


def _resolve(spec):
    return prepare(spec)["spec"]


def prepare(spec):
    """The spec checked once and turned into lookups, reused by every later call with the same spec.

    Scoring a table calls score() once per row; checking the spec and recomputing each item's
    allowed values per row was most of the time a row took under MicroPython. A spec is read-only
    once scored: the lookups are kept for that object (a changed spec must be a new mapping).
    """
    if not isinstance(spec, dict) or not isinstance(spec.get("items"), list):
        shown = spec if isinstance(spec, str) else type(spec).__name__
        raise ScoreError("未知量表 “" + _clip(str(shown)) + "”：评分引擎没有这个量表的定义")
    marker = str(spec.get("id")) + "@" + str(spec.get("version"))
    known = _PREPARED.get(marker)
    if known is not None and known["spec"] is spec:
        return known
    try:
        instruments.check_spec(spec)
    except instruments.SpecError as error:
        raise ScoreError("量表定义有误（" + str(spec.get("id")) + "）：" + str(error))
    prep = _build(spec)
    _PREPARED[marker] = prep
    return prep


def _build(spec):
    scale = 10 ** instruments.decimals(spec)
    readers = []
    points = {}
    by_key = {}
    for item in spec["items"]:
        allowed = instruments.allowed_values(item)
        # The printed form of each allowed value ("0", "10"): a cell or answer that is exactly one
        # of these needs no parsing; anything else takes the full path with its error messages.
        texts = {}
        for value in allowed:
            texts[str(value)] = value
        points[item["key"]] = {v: instruments.scored(spec, item, v) for v in allowed}
        by_key[item["key"]] = item
        readers.append((item["key"], item, texts, allowed))
    bands = []
    for index, band in enumerate(spec.get("bands", [])):
        low = instruments.to_units(band["min"], scale)
        high = instruments.to_units(band["max"], scale)
        bands.append((low, high, {"index": index, "label": band["label"]}))
    return {
        "spec": spec,
        "scale": scale,
        "readers": readers,
        "by_key": by_key,
        "required": [(item["key"], points[item["key"]]) for item in instruments.required_items(spec)],
        "points": points,
        "bands": bands,
        "flags": [(flag["id"], flag["items"], flag["at_least"]) for flag in spec.get("flags", [])],
        "subscales": [(sub["id"], sub["items"]) for sub in spec.get("subscales", [])],
    }


def _clip(text):
    return text if len(text) <= 24 else text[:24] + "…"


def _allowed_text(item):
    values = instruments.allowed_values(item)
    if "range" in item and item["range"].get("step", 1) == 1 and len(values) > 5:
        return str(values[0]) + "–" + str(values[-1]) + " 之间的整数"
    return "、".join([str(v) for v in values]) + " 之一"


def _shown(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "“" + _clip(value) + "”"
    if isinstance(value, float) and value == value and -1e15 < value < 1e15 and value == int(value):
        return str(int(value))
    if isinstance(value, float):
        return "%.6g" % value
    return _clip(str(value))


def _item_error(item, value, problem):
    return ScoreError(
        "第 " + item["key"] + " 题的值 " + _shown(value) + " " + problem + "：应为 " + _allowed_text(item)
    )


def _ascii_digits(text):
    """True for a non-empty run of 0–9 only (str.isdigit also accepts other scripts' digits)."""
    if not text or len(text) > 30:
        return False
    for char in text:
        if char not in "0123456789":
            return False
    return True


def _parse_text(text):
    """A plain decimal number written as text ("3", " 2.0 ", "-1"); None when it is not one."""
    s = strip_spaces(text)
    body = s[1:] if s[:1] in ("-", "+") else s
    whole, dot, frac = body.partition(".")
    if not _ascii_digits(whole) or (dot and not _ascii_digits(frac)):
        return None
    if dot:
        return float(s)
    return int(s)


def _read_value(item, value):
    """The raw answer as an int, None when missing; ScoreError when it is not an allowed value."""
    if value is None:
        return None
    raw = value
    if isinstance(value, bool):
        raise _item_error(item, raw, "不是数字")
    if isinstance(value, str):
        if not strip_spaces(value):
            return None
        value = _parse_text(value)
        if value is None:
            raise _item_error(item, raw, "不是数字")
    if isinstance(value, float):
        if value != value or value - value != 0:
            raise _item_error(item, raw, "不是数字")
    elif not isinstance(value, int):
        raise _item_error(item, raw, "不是数字")
    allowed = instruments.allowed_values(item)
    if value < allowed[0] or value > allowed[-1]:
        raise _item_error(item, raw, "超出范围")
    if isinstance(value, float):
        if value != int(value):
            raise _item_error(item, raw, "不是允许的值")
        value = int(value)
    if value not in allowed:
        raise _item_error(item, raw, "不是允许的值")
    return value


def _key_order(key):
    return (0 if isinstance(key, str) else 1, str(key))


def read_values(prep, answers):
    """{item key: raw value or None} for every item; ScoreError for an unknown key or a bad value."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ScoreError("答案应为“条目编号: 分值”的映射，实际收到 " + type(answers).__name__)
    by_key = prep["by_key"]
    for key in answers:
        if not isinstance(key, str) or key not in by_key:
            _unknown_key(prep["spec"], answers)
    values = {}
    for key, item, texts, allowed in prep["readers"]:
        value = answers.get(key)
        if value is None:
            values[key] = None
        elif type(value) is str and value in texts:
            values[key] = texts[value]
        elif type(value) is int and value in allowed:
            values[key] = value
        else:
            values[key] = _read_value(item, value)
    return values


def _unknown_key(spec, answers):
    """Raise for the first unknown key in a stable order, whatever order the mapping has."""
    keys = [item["key"] for item in spec["items"]]
    for key in sorted(answers, key=_key_order):
        if not isinstance(key, str) or key not in keys:
            raise ScoreError(
                "未知条目 “"
                + _clip(str(key))
                + "”："
                + spec["names"]["abbr"]
                + " 的条目为 "
                + instruments.key_list_text(keys)
            )


# ---------------------------------------------------------------- scoring


def _round_div(numerator, denominator):
    """numerator / denominator rounded half up, on integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def _from_units(units, scale):
    if scale == 1:
        return units
    return units / scale


def _band_of(prep, units):
    for low, high, band in prep["bands"]:
        if low <= units <= high:
            return {"index": band["index"], "label": band["label"]}
    return None


def score(spec, answers):
    """Score one set of answers; see the module docstring for the result's shape."""
    prep = prepare(spec)
    return score_values(prep, read_values(prep, answers))


def score_values(prep, values):
    """score() for answers already read by read_values(): `prep` is prepare(spec)'s lookups."""
    spec = prep["spec"]
    scale = prep["scale"]
    missing = []
    points = 0
    answered = 0
    for key, table in prep["required"]:
        value = values[key]
        if value is None:
            missing.append(key)
        else:
            points += table[value]
            answered += 1
    flags = []
    for ident, keys, least in prep["flags"]:
        for key in keys:
            value = values[key]
            if value is not None and value >= least:
                flags.append(ident)
                break
    rule = spec["scoring"]["missing"]
    total_units = None
    if not missing or (rule["rule"] == "mean_substitution" and answered >= rule["min_answered"]):
        if spec["scoring"]["method"] == "mean":
            total_units = _round_div(points * scale, answered)
        else:
            # Each missing item counts as the mean of the answered ones: sum × n / answered.
            total_units = _round_div(points * len(prep["required"]) * scale, answered)
        if missing:
            flags.append(PRORATED)

    subscales = {}
    tables = prep["points"]
    for ident, keys in prep["subscales"]:
        total = 0
        for key in keys:
            value = values[key]
            if value is None:
                break
            total += tables[key][value]
        else:
            subscales[ident] = total

    complete = total_units is not None
    return {
        "complete": complete,
        "total": _from_units(total_units, scale) if complete else None,
        "subscales": subscales,
        "band": _band_of(prep, total_units) if complete else None,
        "flags": flags,
        "missing": missing,
    }


# ---------------------------------------------------------------- pre/post and case record


def _number_text(value, scale):
    if scale == 1:
        return str(int(value))
    units = instruments.to_units(value, scale)
    sign = "-" if units < 0 else ""
    units = abs(units)
    return sign + instruments._units_text(units, scale)


def _signed(units, scale):
    text = instruments._units_text(abs(units), scale)
    if units > 0:
        return "+" + text
    if units < 0:
        return "-" + text
    return "0"


def _as_result(spec, value, which):
    if isinstance(value, dict) and "complete" in value:
        if value.get("complete") and not instruments.is_number(value.get("total")):
            raise ScoreError(which + "结果无效：完整结果需要数值总分")
        return value
    if isinstance(value, dict) or value is None:
        return score(spec, value)
    raise ScoreError(which + "应为评分结果或答案映射")


def compare(spec, before, after):
    """Pre/post comparison. `before`/`after` are score() results (or answer mappings, scored here)."""
    prep = prepare(spec)
    spec = prep["spec"]
    before = _as_result(spec, before, "前测")
    after = _as_result(spec, after, "后测")
    scale = 10 ** instruments.decimals(spec)
    abbr = spec["names"]["abbr"]
    out = {
        "comparable": False,
        "before": None,
        "after": None,
        "change": None,
        "before_band": None,
        "after_band": None,
        "band_changed": None,
        "direction": None,
        "text": "",
    }
    if not before.get("complete") or not after.get("complete"):
        which = "前测" if not before.get("complete") else "后测"
        out["text"] = abbr + "：" + which + "未完成，不能比较前后测。"
        return out
    b = instruments.to_units(before["total"], scale)
    a = instruments.to_units(after["total"], scale)
    bb = _band_of(prep, b)
    ab = _band_of(prep, a)
    diff = a - b
    if diff == 0:
        direction = "unchanged"
    elif (diff > 0) == bool(spec["higher_is_better"]):
        direction = "better"
    else:
        direction = "worse"
    out["comparable"] = True
    out["before"] = _from_units(b, scale)
    out["after"] = _from_units(a, scale)
    out["change"] = _from_units(diff, scale)
    out["before_band"] = bb
    out["after_band"] = ab
    out["direction"] = direction
    label = spec["scoring"].get("total_label", "总分")
    text = (
        abbr + "：" + label + "由 " + _number_text(out["before"], scale) + " 变为 " + _number_text(out["after"], scale)
    )
    text += "（" + _signed(diff, scale) + "）"
    if bb is not None and ab is not None:
        out["band_changed"] = bb["index"] != ab["index"]
        if out["band_changed"]:
            text += "，分级由“" + bb["label"] + "”变为“" + ab["label"] + "”"
        else:
            text += "，分级未变（" + ab["label"] + "）"
    good = "分数越高越好" if spec["higher_is_better"] else "分数越低越好"
    if direction == "unchanged":
        text += "。分数没有变化。"
    elif direction == "better":
        text += "。本量表" + good + "，变化方向为好转。"
    else:
        text += "。本量表" + good + "，变化方向为变差。"
    text += "变化是否有临床意义，须结合测量误差和实际情况判断。"
    out["text"] = text
    return out


def summary_line(spec, scored, date_text, problems=None):
    """One line of plain Chinese for the case record (no total when the result is incomplete).

    `scored` is the answers (what the page copies from: each raised flag then names its items and
    their values) or a score() result, which holds no item values, so its flags are named only.
    `problems` lists the ids of the problem-list categories ticked (DT); None when not asked.
    """
    prep = prepare(spec)
    spec = prep["spec"]
    values = None
    if scored is None or (isinstance(scored, dict) and "complete" not in scored):
        values = read_values(prep, scored)
        result = score_values(prep, values)
    else:
        result = _as_result(spec, scored, "结果")
    ticked = _problem_labels(spec, problems)
    scale = prep["scale"]
    scoring = spec["scoring"]
    date_text = "" if date_text is None else str(date_text).strip()
    head = spec["names"]["abbr"] + "（评分规则 " + spec["version"] + "）" + date_text + "："
    parts = []
    missing = [str(k) for k in (result.get("missing") or [])]
    if result.get("complete"):
        total = (
            scoring.get("total_label", "总分") + " " + _number_text(result["total"], scale) + scoring.get("unit", "")
        )
        if missing:
            total += "（缺第 " + "、".join(missing) + " 题，按其余条目均分补足）"
        level = _level_text(spec, result["total"])
        if level:
            total += "，" + level
        band = result.get("band")
        if isinstance(band, dict) and isinstance(band.get("label"), str):
            total += "，" + band["label"]
        parts.append(total)
        subs = result.get("subscales") or {}
        names = {}
        for sub in spec.get("subscales", []):
            names[sub["id"]] = sub["name"]
        shown = [
            names[s["id"]] + " " + _number_text(subs[s["id"]], 1) for s in spec.get("subscales", []) if s["id"] in subs
        ]
        if shown:
            parts.append("、".join(shown))
    else:
        parts.append("未完成，缺第 " + "、".join(missing) + " 题，未计总分")
    raised = result.get("flags") or []
    for flag in spec.get("flags", []):
        if flag["id"] in raised:
            parts.append(flag["summary"] + _evidence(prep, flag, values))
    if ticked is not None:
        parts.append("问题类别：" + ("、".join(ticked) if ticked else "未勾选"))
    return head + "；".join(parts) + "。"


def _evidence(prep, flag, values):
    """ "：第 9 题 = 2（一半以上的天数）" — the answers that raised the flag, for the record.

    Nothing when the values are unknown, or for a single rating, whose value is the total already given.
    """
    if values is None or prep["spec"]["scoring"]["method"] == "single":
        return ""
    shown = []
    for key in flag["items"]:
        value = values[key]
        if value is not None and value >= flag["at_least"]:
            shown.append(_answer_text(prep["by_key"][key], value))
    return "：" + "、".join(shown)


def _answer_text(item, value):
    """A question is named by its number and the chosen answer; a rated symptom also by its name."""
    text = "第 " + item["key"] + " 题"
    for option in item.get("options", []):
        if option["value"] == value:
            return text + " = " + str(value) + "（" + option["label"] + "）"
    if item.get("text"):
        return text + "（" + item["text"].split("（")[0] + "）= " + str(value)
    return text + " = " + str(value)


def _problem_labels(spec, problems):
    """The ticked categories' names in the list's order; None when the page did not send a list."""
    if problems is None:
        return None
    if not isinstance(problems, list) or not all(isinstance(p, str) for p in problems):
        raise ScoreError("问题类别应为类别编号的列表")
    categories = (spec.get("problem_list") or {}).get("categories", [])
    if not categories:
        if problems:
            raise ScoreError(spec["names"]["abbr"] + " 没有问题清单，不能记录问题类别")
        return None
    known = [c["id"] for c in categories]
    for ident in problems:
        if ident not in known:
            raise ScoreError("未知的问题类别 “" + _clip(ident) + "”")
    return [c["label"] for c in categories if c["id"] in problems]


def _level_text(spec, total):
    """For single-rating tools with worded levels (KPS, ECOG): the chosen level's label."""
    if spec["scoring"]["method"] != "single":
        return ""
    item = spec["items"][0]
    for option in item.get("options", []):
        if option["value"] == total:
            return option["label"]
    return ""


def _listed(keys):
    return "、".join(["第 " + str(k) + " 题" for k in keys])


def shown(spec, result):
    """The result as the page shows it: every text ready to draw, formatted like summary_line()."""
    spec = _resolve(spec)
    result = _as_result(spec, result, "结果")
    scale = 10 ** instruments.decimals(spec)
    scoring = spec["scoring"]
    missing = [str(k) for k in (result.get("missing") or [])]
    out = {
        "label": scoring.get("total_label", "总分"),
        "total": "—",
        "band": "",
        "band_index": None,
        "subscales": "",
        "missing": "",
        "flags": list(result.get("flags") or []),
        "complete": False,
        "recorded": "",
    }
    if result.get("complete"):
        out["complete"] = True
        out["total"] = _number_text(result["total"], scale) + scoring.get("unit", "")
        band = result.get("band")
        if isinstance(band, dict):
            out["band"] = "（" + band["label"] + "）"
            out["band_index"] = band["index"]
        out["recorded"] = "已记录前测：" + out["label"] + " " + out["total"] + out["band"] + "。填完后测即可看到变化。"
    subs = result.get("subscales") or {}
    out["subscales"] = "；".join(
        [s["name"] + "：" + _number_text(subs[s["id"]], 1) for s in spec.get("subscales", []) if s["id"] in subs]
    )
    if missing:
        if result.get("complete"):
            out["missing"] = "按缺项规则处理的缺答：" + _listed(missing) + "。"
        else:
            out["missing"] = "还不能计分：尚缺 " + _listed(missing) + "。"
    return out


def view(spec, answers):
    """Score answers and return {"result": score(), "shown": shown()} in one call."""
    result = score(spec, answers)
    return {"result": result, "shown": shown(spec, result)}
