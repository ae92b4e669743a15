"""Instruments (data/instruments/*.yml): the schema of a file, its loader and build-time checks.

`load_all()` returns {id: spec}, validated once per version of the files; every spec is
JSON-compatible and is exactly what the scoring engine (engine/scoring.py) receives.
"""

import itertools
import json
import re

from catalog.datafiles import DataFileError, check_fields, load_yaml, once_per_version
from catalog.pages import INSTRUMENTS, page_exists
from engine import instruments as rules

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


@once_per_version(lambda: INSTRUMENT_DIR.glob("*.yml"))
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


def ids():
    """Every calculator the site ships, in navigation order: discovered from the data directory."""
    return tuple(load_all())
