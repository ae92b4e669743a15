"""The one scoring engine for every scale calculator.

Plain standard-library Python: the same file runs in CPython (pytest), Pyodide and MicroPython
(the browser's Web Worker). A spec is the JSON-compatible mapping of data/instruments/<id>.yml.

    score(spec, answers)              -> {"complete", "total", "subscales", "band", "flags", "missing"}
    compare(spec, before, after)      -> change between two results (pre/post view)
    summary_line(spec, result, date)  -> one line of Chinese text for the case record

`answers` maps item keys ("1".."n"; SSRS "5A".."5E") to the raw value printed on the form, before
reverse scoring; None (or an absent key) is a missing answer. Bad input raises ScoreError with a
Chinese message naming the item and the allowed values; it never yields a number.

All arithmetic is done on integers in "score units" (total × 10**decimals), so CPython and
MicroPython give identical results. Rounding is half up (x.5 → x+1), stated on each page.
"""

from engine import contract, instruments
from engine.errors import EngineError

PRORATED = contract.PRORATED
_CHECKED = {}
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
    if not isinstance(spec, dict) or not isinstance(spec.get("items"), list):
        shown = spec if isinstance(spec, str) else type(spec).__name__
        raise ScoreError("未知量表 “" + _clip(str(shown)) + "”：评分引擎没有这个量表的定义")
    marker = str(spec.get("id")) + "@" + str(spec.get("version"))
    if _CHECKED.get(marker) is not spec:
        try:
            instruments.check_spec(spec)
        except instruments.SpecError as error:
            raise ScoreError("量表定义有误（" + str(spec.get("id")) + "）：" + str(error))
        _CHECKED[marker] = spec
    return spec


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


def _read_answers(spec, answers):
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ScoreError("答案应为“条目编号: 分值”的映射，实际收到 " + type(answers).__name__)
    items = spec["items"]
    keys = [item["key"] for item in items]
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
    values = {}
    for item in items:
        values[item["key"]] = _read_value(item, answers.get(item["key"]))
    return values


# ---------------------------------------------------------------- scoring


def _round_div(numerator, denominator):
    """numerator / denominator rounded half up, on integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def _from_units(units, scale):
    if scale == 1:
        return units
    return units / scale


def _band_of(spec, units, scale):
    bands = spec.get("bands", [])
    for index in range(len(bands)):
        band = bands[index]
        if instruments.to_units(band["min"], scale) <= units <= instruments.to_units(band["max"], scale):
            return {"index": index, "label": band["label"]}
    return None


def _flags(spec, values):
    raised = []
    for flag in spec.get("flags", []):
        for key in flag["items"]:
            if values.get(key) is not None and values[key] >= flag["at_least"]:
                raised.append(flag["id"])
                break
    return raised


def score(spec, answers):
    """Score one set of answers; see the module docstring for the result's shape."""
    spec = _resolve(spec)
    values = _read_answers(spec, answers)
    items = instruments.required_items(spec)
    scale = 10 ** instruments.decimals(spec)
    method = spec["scoring"]["method"]
    rule = spec["scoring"]["missing"]

    missing = [item["key"] for item in items if values[item["key"]] is None]
    points = [instruments.scored(spec, item, values[item["key"]]) for item in items if values[item["key"]] is not None]
    flags = _flags(spec, values)
    answered = len(points)
    total_units = None
    if not missing or (rule["rule"] == "mean_substitution" and answered >= rule["min_answered"]):
        if method == "mean":
            total_units = _round_div(sum(points) * scale, answered)
        else:
            # Each missing item counts as the mean of the answered ones: sum × n / answered.
            total_units = _round_div(sum(points) * len(items) * scale, answered)
        if missing:
            flags.append(PRORATED)

    subscales = {}
    for sub in spec.get("subscales", []):
        members = [values[key] for key in sub["items"]]
        if None not in members:
            total = 0
            for key in sub["items"]:
                total += instruments.scored(spec, _item(spec, key), values[key])
            subscales[sub["id"]] = total

    complete = total_units is not None
    return {
        "complete": complete,
        "total": _from_units(total_units, scale) if complete else None,
        "subscales": subscales,
        "band": _band_of(spec, total_units, scale) if complete else None,
        "flags": flags,
        "missing": missing,
    }


def _item(spec, key):
    for item in spec["items"]:
        if item["key"] == key:
            return item
    raise ScoreError("未知条目 “" + _clip(str(key)) + "”")


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
    spec = _resolve(spec)
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
    bb = _band_of(spec, b, scale)
    ab = _band_of(spec, a, scale)
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


def summary_line(spec, result, date_text):
    """One line of plain Chinese for the case record (no total when the result is incomplete)."""
    spec = _resolve(spec)
    result = _as_result(spec, result, "结果")
    scale = 10 ** instruments.decimals(spec)
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
    notes = {}
    for flag in spec.get("flags", []):
        notes[flag["id"]] = flag["summary"]
    for flag in result.get("flags") or []:
        if flag in notes:
            parts.append(notes[flag])
    return head + "；".join(parts) + "。"


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
