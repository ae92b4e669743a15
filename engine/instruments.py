"""Instrument specs: allowed values, score range and the structural rules every spec must meet.

Plain standard-library Python that runs unchanged in CPython, Pyodide and MicroPython (no typing,
no dataclasses, no regular expressions). A spec is the JSON-compatible mapping loaded from
data/instruments/<id>.yml; macros/instruments.py adds the file-level checks (required text fields).
"""

SCORING_METHODS = ("sum", "mean", "single")
MISSING_RULES = ("all", "mean_substitution")


class SpecError(Exception):
    """A spec breaks a structural rule: `entry` says where, `rule` says what (both in Chinese)."""

    def __init__(self, entry, rule):
        super().__init__(entry + "：" + rule)
        self.entry = entry
        self.rule = rule


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return (isinstance(value, int) or isinstance(value, float)) and not isinstance(value, bool)


def split_key(key):
    """'5A' -> (5, 'A'); '12' -> (12, ''); anything else -> None."""
    if not isinstance(key, str) or not key:
        return None
    digits = ""
    rest = ""
    for i in range(len(key)):
        if "0" <= key[i] <= "9":
            digits += key[i]
        else:
            rest = key[i:]
            break
    if not digits or digits[0] == "0" or len(rest) > 1:
        return None
    if rest and not ("A" <= rest <= "Z"):
        return None
    return int(digits), rest


def allowed_values(item):
    """The raw values the item accepts, ascending."""
    if "options" in item:
        return sorted([o["value"] for o in item["options"]])
    r = item["range"]
    return list(range(r["min"], r["max"] + 1, r.get("step", 1)))


def scored(spec, item, raw):
    """The value that enters the score: reverse-keyed items are mirrored (min + max − raw)."""
    if item["key"] in spec.get("reverse", []):
        values = allowed_values(item)
        return values[0] + values[-1] - raw
    return raw


def required_items(spec):
    return [item for item in spec["items"] if not item.get("optional")]


def decimals(spec):
    return spec["scoring"].get("decimals", 0)


def to_units(value, scale):
    """A number in score units (value × scale) as an int, rounding half away from zero."""
    x = value * scale
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def score_range(spec):
    """(lowest, highest) possible total, in score units (total × 10**decimals)."""
    items = required_items(spec)
    scale = 10 ** decimals(spec)
    lows = []
    highs = []
    for item in items:
        values = [scored(spec, item, v) for v in allowed_values(item)]
        lows.append(min(values))
        highs.append(max(values))
    if spec["scoring"]["method"] == "mean":
        return min(lows) * scale, max(highs) * scale
    return sum(lows) * scale, sum(highs) * scale


def key_list_text(keys):
    """'1–9' for plain consecutive keys, otherwise every key joined with '、'."""
    plain = [split_key(k) for k in keys]
    if plain and all(p is not None and p[1] == "" for p in plain):
        numbers = [p[0] for p in plain]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))) and len(numbers) > 2:
            return str(numbers[0]) + "–" + str(numbers[-1])
    return "、".join(keys)


def _fail(entry, rule):
    raise SpecError(entry, rule)


def _check_item(spec, position, item, entry_only):
    where = "items 第 " + str(position) + " 项"
    if not isinstance(item, dict):
        _fail(where, "应为映射")
    key = item.get("key")
    if not isinstance(key, str):
        _fail(where, 'key 应为带引号的文本，例如 "1"')
    where = where + "（key " + key + "）"
    if ("options" in item) == ("range" in item):
        _fail(where, "必须且只能有 options 或 range 之一")
    if "options" in item:
        options = item["options"]
        if not isinstance(options, list) or len(options) < 2:
            _fail(where, "options 至少要有两个选项")
        seen = []
        for option in options:
            if not isinstance(option, dict) or not is_int(option.get("value")):
                _fail(where, "每个选项都要有整数 value")
            if not isinstance(option.get("label"), str) or not option["label"]:
                _fail(where, "选项 " + str(option.get("value")) + " 缺少 label")
            if option["value"] in seen:
                _fail(where, "选项的值 " + str(option["value"]) + " 重复")
            seen.append(option["value"])
    else:
        r = item["range"]
        if not isinstance(r, dict) or not is_int(r.get("min")) or not is_int(r.get("max")):
            _fail(where, "range 需要整数 min 和 max")
        step = r.get("step", 1)
        if not is_int(step) or step < 1 or r["min"] >= r["max"] or (r["max"] - r["min"]) % step:
            _fail(where, "range 的 min < max，且 max − min 须是 step 的整数倍")
    if entry_only:
        for field in ("text", "anchors", "lead", "checkboxes", "options"):
            if field in item:
                _fail(where, "仅录入分值的量表不得包含条目文字（" + field + "）；请用 range")
    elif not isinstance(item.get("text"), str) or not item["text"]:
        _fail(where, "全文量表的条目需要 text")
    if "checkboxes" in item:
        boxes = item["checkboxes"]
        r = item.get("range") or {}
        if not isinstance(boxes, list) or r.get("min") != 0 or r.get("max") != len(boxes):
            _fail(where, "checkboxes 计数条目的 range 应为 0 到来源个数")


def _check_numbering(keys):
    """Keys run 1, 2, 3 … without gaps; a number may instead be split into A, B, C … rows."""
    expected = 1
    previous = None
    for key in keys:
        parts = split_key(key)
        if parts is None:
            _fail("items（key " + str(key) + "）", "条目编号应为 1、2、3……或 5A、5B 这样的形式")
        number, letter = parts
        if previous is not None and letter and previous[0] == number and previous[1]:
            if ord(letter) != ord(previous[1]) + 1:
                _fail(
                    "items（key " + key + "）",
                    "分行编号不连续：" + previous[1] + " 之后应为 " + chr(ord(previous[1]) + 1),
                )
        elif number != expected or (letter and letter != "A"):
            _fail("items（key " + key + "）", "条目编号不连续：此处应为 " + str(expected))
        else:
            expected = number + 1
        previous = parts


def check_spec(spec):
    """Raise SpecError at the first structural problem; return None when the spec is sound."""
    if not isinstance(spec, dict):
        _fail("（整个文件）", "应为映射")
    for field in ("id", "version"):
        if not isinstance(spec.get(field), str) or not spec[field]:
            _fail(field, "缺少或不是文本")
    names = spec.get("names")
    if not isinstance(names, dict) or not isinstance(names.get("abbr"), str):
        _fail("names", "需要 abbr（缩写）")
    licence = spec.get("licence")
    if not isinstance(licence, dict) or licence.get("kind") not in ("full", "entry"):
        _fail("licence", "kind 应为 full（全文·注明出处）或 entry（仅录入分值）")
    entry_only = licence["kind"] == "entry"
    items = spec.get("items")
    if not isinstance(items, list) or not items:
        _fail("items", "至少要有一个条目")
    for position in range(len(items)):
        _check_item(spec, position + 1, items[position], entry_only)
    keys = [item["key"] for item in items]
    _check_numbering(keys)
    if not required_items(spec):
        _fail("items", "至少要有一个必答条目")
    for key in spec.get("reverse", []):
        if key not in keys:
            _fail("reverse", "反向计分条目 " + str(key) + " 不存在")

    scoring = spec.get("scoring")
    if not isinstance(scoring, dict) or scoring.get("method") not in SCORING_METHODS:
        _fail("scoring", "method 应为 sum、mean 或 single")
    if scoring["method"] == "single" and len(items) != 1:
        _fail("scoring", "single（单项评分）只能有一个条目")
    places = scoring.get("decimals", 0)
    if not is_int(places) or places < 0 or places > 3:
        _fail("scoring", "decimals 应为 0–3 的整数")
    missing = scoring.get("missing")
    if not isinstance(missing, dict) or missing.get("rule") not in MISSING_RULES:
        _fail("scoring.missing", "rule 应为 all（每题必答）或 mean_substitution（以已答条目均分替代）")
    if missing["rule"] == "mean_substitution":
        least = missing.get("min_answered")
        if not is_int(least) or least < 1 or least >= len(required_items(spec)):
            _fail("scoring.missing", "min_answered 应为 1 到（条目数 − 1）之间的整数")
        if not isinstance(missing.get("source"), str) or not missing["source"]:
            _fail("scoring.missing", "缺项规则必须注明来源或本手册的选择理由（source）")

    for sub in spec.get("subscales", []):
        if not isinstance(sub, dict) or not isinstance(sub.get("id"), str) or not isinstance(sub.get("name"), str):
            _fail("subscales", "每个分量表需要 id 和 name")
        members = sub.get("items")
        if not isinstance(members, list) or not members:
            _fail("subscales（" + sub["id"] + "）", "需要条目列表 items")
        for key in members:
            if key not in keys or members.count(key) > 1:
                _fail("subscales（" + sub["id"] + "）", "条目 " + str(key) + " 不存在或重复")

    scale = 10**places
    low, high = score_range(spec)
    bands = spec.get("bands", [])
    if not isinstance(bands, list):
        _fail("bands", "应为列表")
    if not bands and not spec.get("no_band_reason"):
        _fail("bands", "没有分级时必须用 no_band_reason 说明原因")
    expect = low
    for position in range(len(bands)):
        band = bands[position]
        where = "bands 第 " + str(position + 1) + " 档"
        if not isinstance(band, dict) or not is_number(band.get("min")) or not is_number(band.get("max")):
            _fail(where, "需要数值 min 和 max")
        for field in ("label", "source", "next_step"):
            if not isinstance(band.get(field), str) or not band[field].strip():
                _fail(where, "缺少 " + field + ("（每一档分级都必须注明来源）" if field == "source" else ""))
        lo = to_units(band["min"], scale)
        hi = to_units(band["max"], scale)
        if abs(band["min"] * scale - lo) > 1e-6 or abs(band["max"] * scale - hi) > 1e-6:
            _fail(where, "边界的小数位多于 decimals")
        if lo != expect:
            if lo < expect:
                _fail(where, "与上一档重叠（应从 " + _units_text(expect, scale) + " 开始）")
            _fail(where, "与上一档之间有空档（应从 " + _units_text(expect, scale) + " 开始）")
        if hi < lo:
            _fail(where, "max 小于 min")
        expect = hi + 1
    if bands and expect != high + 1:
        _fail("bands", "分级没有恰好覆盖可能的分数范围 " + _units_text(low, scale) + "–" + _units_text(high, scale))

    flag_ids = []
    for flag in spec.get("flags", []):
        if not isinstance(flag, dict) or not isinstance(flag.get("id"), str):
            _fail("flags", "每个警示需要 id")
        where = "flags（" + flag["id"] + "）"
        if flag["id"] in flag_ids or flag["id"] == "prorated":
            _fail(where, "id 重复或与保留的 prorated 冲突")
        flag_ids.append(flag["id"])
        members = flag.get("items")
        if not isinstance(members, list) or not members or not is_number(flag.get("at_least")):
            _fail(where, "需要条目列表 items 和界值 at_least")
        for key in members:
            if key not in keys:
                _fail(where, "条目 " + str(key) + " 不存在")
        for field in ("note", "summary", "source"):
            if not isinstance(flag.get(field), str) or not flag[field]:
                _fail(where, "缺少 " + field)
    if not isinstance(spec.get("higher_is_better"), bool):
        _fail("higher_is_better", "应为 true 或 false")


def _units_text(units, scale):
    if scale == 1:
        return str(units)
    whole = units // scale
    frac = str(units - whole * scale)
    while len(frac) < len(str(scale)) - 1:
        frac = "0" + frac
    return str(whole) + "." + frac
