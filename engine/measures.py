"""Repeated measures of one case: the record a calculator saves, and the view of a case's scores over time.

    record(spec, answers, date)       -> the entry stored under cases[label]["measures"]
    series(spec, entries, threshold)  -> points, changes and verdicts for the chart and table of one instrument

A change is called meaningful only when the instrument has a published threshold (data/thresholds.yml,
given here as `threshold`); a change of exactly the threshold counts, as in the group pre/post summary.
Without one, the numbers are shown and nothing is judged. Plain standard-library Python: it runs in
CPython, Pyodide and MicroPython alike; all arithmetic is on integer score units.
"""

from engine import contract, dates, instruments, scoring
from engine.errors import EngineError

# Verdict codes (also written to the page for tests): the change reaches the threshold for the
# better or the worse, stays below it, or cannot be judged (no threshold, or nothing to compare).
IMPROVED = "improved"
WORSENED = "worsened"
BELOW = "below"
NO_VERDICT = "none"


class MeasureError(EngineError):
    """A measure that cannot be saved or shown; the message is Chinese."""


def _unit_text(spec, units):
    scale = 10 ** instruments.decimals(spec)
    sign = "-" if units < 0 else ""
    return sign + instruments._units_text(abs(units), scale) + (spec["scoring"].get("unit", "") or " 分")


def _signed_text(spec, units):
    text = _unit_text(spec, units)
    return "+" + text if units > 0 else text


def _number(spec, units):
    scale = 10 ** instruments.decimals(spec)
    return units if scale == 1 else units / scale


def record(spec, answers, date):
    """The stored form of one completed measure: scored here from the answers, never taken from the page."""
    try:
        dates.day_number(date)
    except (ValueError, TypeError):
        raise MeasureError("测量日期无效，请按“年-月-日”填写，例如 2026-01-05")
    result = scoring.score(spec, answers)
    if not result["complete"]:
        raise MeasureError("作答还不完整，不能保存到个案：请先完成可计分的作答。")
    kept = {}
    for key in answers:
        if answers[key] is not None:
            kept[key] = answers[key]
    return {
        "instrument": spec["id"],
        "version": spec["version"],
        "date": date,
        "total": result["total"],
        "band": result["band"]["label"] if result["band"] else None,
        "subscales": result["subscales"],
        "flags": result["flags"],
        "answers": kept,
    }


def _case_name(label):
    return "个案“" + (label if len(label) <= 24 else label[:24] + "…") + "”"


def check(spec, entry, label, today=None):
    """Refuse a measure no instrument could give: the message names the case, the date and the field."""
    date = entry.get("date")
    where = _case_name(label) + " " + str(date)[:10] + " 的 " + spec["names"]["abbr"]
    try:
        day = dates.day_number(date)
    except (ValueError, TypeError):
        raise MeasureError(_case_name(label) + " 的 " + spec["names"]["abbr"] + " 测量日期无效：" + str(date)[:24])
    if today is not None and day > dates.day_number(today):
        raise MeasureError(where + " 测量日期晚于今天（" + today + "），不能保存")
    total = entry.get("total")
    if not instruments.is_number(total):
        raise MeasureError(where + " 总分无效")
    scale = 10 ** instruments.decimals(spec)
    low, high = instruments.score_range(spec)
    units = instruments.to_units(total, scale)
    if units < low or units > high:
        raise MeasureError(
            where
            + " 总分 "
            + scoring._number_text(total, scale)
            + " 超出量表范围（"
            + scoring._number_text(low / scale, scale)
            + "–"
            + scoring._number_text(high / scale, scale)
            + "）"
        )
    answers = entry.get("answers")
    if entry.get("version") == spec["version"] and isinstance(answers, dict):
        try:
            result = scoring.score(spec, answers)
        except EngineError as problem:
            raise MeasureError(where + " 保存的作答无效：" + str(problem))
        if result["complete"] and instruments.to_units(result["total"], scale) != units:
            raise MeasureError(
                where
                + " 总分 "
                + scoring._number_text(total, scale)
                + " 与保存的作答不符（按作答应为 "
                + scoring._number_text(result["total"], scale)
                + "）"
            )


def _bands(spec, low, high):
    """Bands with the edges to shade: halfway between one band's top and the next one's bottom."""
    bands = spec.get("bands") or []
    scale = 10 ** instruments.decimals(spec)
    out = []
    for index in range(len(bands)):
        band = bands[index]
        bottom = instruments.to_units(band["min"], scale)
        top = instruments.to_units(band["max"], scale)
        below = low if index == 0 else (instruments.to_units(bands[index - 1]["max"], scale) + bottom) / 2
        above = high if index == len(bands) - 1 else (top + instruments.to_units(bands[index + 1]["min"], scale)) / 2
        out.append(
            {
                "label": band["label"],
                "min": _number(spec, bottom),
                "max": _number(spec, top),
                "from": below / scale,
                "to": above / scale,
            }
        )
    return out


def _flag_texts(spec, flags):
    names = {contract.PRORATED: "有缺答，按缺项规则补足计分"}
    for flag in spec.get("flags") or []:
        names[flag["id"]] = flag["summary"]
    return [names.get(flag, flag) for flag in flags]


def _point(spec, entry, scale):
    """One saved measure as a point; entries of an older rule version are rescored from their answers."""
    total = entry["total"]
    flags = list(entry.get("flags") or [])
    rescored = False
    if entry.get("version") != spec["version"] and isinstance(entry.get("answers"), dict):
        try:
            result = scoring.score(spec, entry["answers"])
        except EngineError:
            result = None
        if result and result["complete"]:
            total = result["total"]
            flags = result["flags"]
            rescored = True
    units = instruments.to_units(total, scale)
    band = None
    for index in range(len(spec.get("bands") or [])):
        item = spec["bands"][index]
        if instruments.to_units(item["min"], scale) <= units <= instruments.to_units(item["max"], scale):
            band = item["label"]
    return {
        "date": entry["date"],
        "day": dates.day_number(entry["date"]),
        "units": units,
        "total": _number(spec, units),
        "total_text": _unit_text(spec, units),
        "band": band or "",
        "flags": flags,
        "flag_texts": _flag_texts(spec, flags),
        "rescored": rescored,
    }


def _verdict(spec, change_units, threshold):
    if threshold is None:
        return NO_VERDICT
    step = instruments.to_units(threshold["change"], 10 ** instruments.decimals(spec))
    better = change_units if spec["higher_is_better"] else -change_units
    if better >= step:
        return IMPROVED
    if better <= -step:
        return WORSENED
    return BELOW


def _change(spec, units, threshold):
    verdict = _verdict(spec, units, threshold)
    text = _signed_text(spec, units)
    if verdict == IMPROVED:
        text += "（达到阈值，好转）"
    elif verdict == WORSENED:
        text += "（达到阈值，变差）"
    elif verdict == BELOW:
        text += "（未达阈值）"
    return {"change": _number(spec, units), "text": text, "verdict": verdict}


def _summary(spec, first, last, previous, threshold):
    label = spec["scoring"].get("total_label", "总分")
    abbr = spec["names"]["abbr"]
    if previous is None:
        return (
            abbr
            + "：只有一次测量（"
            + first["date"]
            + "，"
            + label
            + " "
            + first["total_text"]
            + "），再测一次即可看到变化。"
        )
    base = last["from_baseline"]
    text = (
        abbr
        + "：与基线（"
        + first["date"]
        + "，"
        + first["total_text"]
        + "）相比，最近一次（"
        + last["date"]
        + "，"
        + last["total_text"]
        + "）变化 "
        + _signed_text(spec, last["units"] - first["units"])
        + "；与上一次相比变化 "
        + _signed_text(spec, last["units"] - previous["units"])
        + "。"
    )
    if threshold is None:
        return text + "本量表没有本手册采用的已发表变化阈值，这里只列出数字，不判断变化是否有临床意义。"
    step = _unit_text(spec, instruments.to_units(threshold["change"], 10 ** instruments.decimals(spec)))
    text += "判断依据：已发表的" + threshold["kind"] + "为 " + step + "。"
    if base["verdict"] == IMPROVED:
        return text + "与基线相比的变化达到阈值，属于有意义的好转。"
    if base["verdict"] == WORSENED:
        return text + "与基线相比的变化达到阈值，属于有意义的变差。"
    return text + "与基线相比的变化未达到阈值，不能认为有临床意义的变化。"


def series(spec, entries, threshold=None, label=None):
    """Everything the measurement view draws for one instrument of one case.

    entries: saved records of this instrument (any order; same-day records keep their saved order).
    threshold: {"change": points, "kind": text, ...} from data/thresholds.yml, or None.
    label: the case's label; when given, a stored entry no instrument could give (a total outside the
    range, one that does not match its answers) is refused naming the case, its date and the field,
    instead of being drawn as a change.
    """
    if not isinstance(entries, list) or not entries:
        raise MeasureError("这个个案还没有保存过这一量表的测量")
    if threshold is not None and (
        not isinstance(threshold, dict) or not instruments.is_number(threshold.get("change"))
    ):
        raise MeasureError("变化阈值的格式无效")
    scale = 10 ** instruments.decimals(spec)
    ordered = []
    for position in range(len(entries)):
        entry = entries[position]
        if not isinstance(entry, dict) or entry.get("instrument") != spec["id"]:
            raise MeasureError("测量记录与量表不符")
        if label is not None:
            check(spec, entry, label)
        ordered.append((dates.day_number(entry["date"]), position, entry))
    ordered.sort(key=lambda item: (item[0], item[1]))
    points = [_point(spec, item[2], scale) for item in ordered]
    first = points[0]
    previous = None
    for point in points:
        point["from_baseline"] = _change(spec, point["units"] - first["units"], threshold) if previous else None
        point["from_previous"] = _change(spec, point["units"] - previous["units"], threshold) if previous else None
        previous = point
    last = points[-1]
    before_last = points[-2] if len(points) > 1 else None
    low, high = instruments.score_range(spec)
    return {
        "instrument": spec["id"],
        "abbr": spec["names"]["abbr"],
        "name": spec["names"]["zh"],
        "version": spec["version"],
        "label": spec["scoring"].get("total_label", "总分"),
        "unit": spec["scoring"].get("unit", ""),
        "low": _number(spec, low),
        "high": _number(spec, high),
        "higher_is_better": spec["higher_is_better"],
        "direction": "分数越高越好" if spec["higher_is_better"] else "分数越高越严重",
        "bands": _bands(spec, low, high),
        "points": points,
        "threshold": threshold,
        "verdict": last["from_baseline"]["verdict"] if last["from_baseline"] else NO_VERDICT,
        "summary": _summary(spec, first, last, before_last, threshold),
    }
