"""What the reader keeps in this browser and moves in and out as files: checked before it is used.

Exported files are envelopes {"app": APP, "kind": kind, "format": n, "data": {...}}; the stored
value of a store is the same data plus "format". A file or stored value from another program, from
a newer release, or damaged is refused with a Chinese message; nothing saved is changed by a check.
"""

from engine import contract, dates
from engine.errors import EngineError

APP = contract.APP
FORMATS = contract.FORMATS
KIND_NAMES = contract.KIND_NAMES
# Keys that would change an object's prototype in the browser instead of becoming an entry.
FORBIDDEN_KEYS = ("__proto__", "constructor", "prototype")
# Full-width digits (what a Chinese keyboard gives in full-width mode) count as digits for the ID-number rule.
_DIGITS = contract.TEXT_KEPT[: contract.TEXT_DIGITS]
_JOINERS = contract.TEXT_KEPT[contract.TEXT_DIGITS :]


class StorageError(EngineError):
    """A file or stored value is not usable; the message says what and that nothing was changed."""


class _Invalid(Exception):
    """What is wrong, without the caller's prefix."""


def _fail(message):
    raise _Invalid(message)


def _clip(text):
    text = str(text)
    return text if len(text) <= 24 else text[:24] + "…"


def _mapping(value, what):
    if not isinstance(value, dict):
        _fail(what + "格式损坏")
    for key in value:
        if key in FORBIDDEN_KEYS:
            _fail(what + "里有不允许的名称“" + key + "”")
    return value


def _date(value, what):
    try:
        dates.day_number(value)
    except (ValueError, TypeError):
        _fail(what + "的日期无效：" + _clip(value))


def _count(value, what, low=0, high=None):
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        _fail(what + "的数值无效：" + _clip(value))


def _has_digit(text):
    for digit in _DIGITS:
        if digit in text:
            return True
    return False


def digit_run(text):
    """Length of the longest run of digits, spaces and hyphens between digits not counted."""
    if not _has_digit(text):
        return 0
    best = 0
    run = 0
    for char in text:
        if char in _DIGITS:
            run += 1
            if run > best:
                best = run
        elif char not in _JOINERS or run == 0:
            run = 0
    return best


def label_problem(label):
    """Why a case label cannot be used (Chinese), or "" when it can; the same rule for typed and imported labels."""
    if not isinstance(label, str) or not label.strip():
        return "个案代号不能为空"
    if len(label) > contract.LABEL_MAX:
        return "个案代号“" + _clip(label) + "”太长（最多 " + str(contract.LABEL_MAX) + " 个字）"
    if digit_run(label) >= contract.DIGIT_RUN:
        return "个案代号“" + _clip(label) + "”里有一长串数字，像身份证号、住院号或电话：请改用床号加自编序号"
    return ""


def envelope(kind, data):
    """Wrap data for export."""
    return {"app": APP, "kind": kind, "format": FORMATS[kind], "data": data}


def _checked(prefix, check, *args):
    try:
        return check(*args)
    except _Invalid as problem:
        raise StorageError(prefix + str(problem))
    except RuntimeError:  # MicroPython's recursion limit on absurdly deep data
        raise StorageError(prefix + "内容嵌套过深")


def check_import(kind, obj):
    """Return the data of an imported envelope of `kind`, or raise StorageError saying what is wrong."""
    return _checked("导入失败，已保存的内容没有改动：", _envelope, kind, obj)


def _envelope(kind, obj):
    _mapping(obj, "文件")
    if obj.get("app") != APP:
        _fail("这不是本手册导出的文件")
    if obj.get("kind") != kind:
        _fail("这是“" + KIND_NAMES.get(obj.get("kind"), "其他内容") + "”文件，不是" + KIND_NAMES[kind] + "文件")
    _version(obj.get("format"), kind, "文件")
    data = _mapping(obj.get("data"), "数据")
    (_exam if kind == "exam-progress" else _cases)(data)
    return data


def _version(version, kind, what):
    if not isinstance(version, int) or isinstance(version, bool):
        _fail("缺少格式版本号")
    if version > FORMATS[kind]:
        _fail(what + "来自更新的版本（格式 " + str(version) + "），请先更新手册")
    if version < 1:
        _fail("格式版本号无效")


def check_store(store, value):
    """Return the stored value of `store` ("cases" or "exam") if it is a valid current store, else raise."""
    kind = contract.STORE_KINDS[store]
    return _checked("本机保存的" + KIND_NAMES[kind] + "无法读取：", _stored, kind, value)


def _stored(kind, value):
    _mapping(value, "保存的数据")
    _version(value.get("format"), kind, "这些数据")
    if "rev" in value:
        _count(value["rev"], "这些数据的修改次数")
    (_exam if kind == "exam-progress" else _cases)(value)
    if (
        kind == "cases"
        and "current" in value
        and label_problem(value["current"])
        and value["current"] != contract.UNNAMED_CASE
    ):
        _fail("当前个案的代号无效")
    return value


def _exam(data):
    for qid, entry in _mapping(data.get("notebook", {}), "错题本").items():
        _mapping(entry, "错题 " + _clip(qid))
        _count(entry.get("step"), "错题 " + _clip(qid), 0, 5)
        _count(entry.get("wrong"), "错题 " + _clip(qid))
        _date(entry.get("due"), "错题 " + _clip(qid))
    for qid, entry in _mapping(data.get("answers", {}), "作答记录").items():
        _mapping(entry, "作答 " + _clip(qid))
        if not isinstance(entry.get("correct"), bool):
            _fail("作答 " + _clip(qid) + " 缺少对错记录")
        _date(entry.get("date"), "作答 " + _clip(qid))
    exams = data.get("exams", [])
    if not isinstance(exams, list):
        _fail("模拟考试记录格式损坏")
    for paper in exams:
        _mapping(paper, "模拟考试记录")
        _date(paper.get("date"), "模拟考试记录")
        for key in ("points", "max"):
            if not isinstance(paper.get(key), (int, float)) or isinstance(paper.get(key), bool):
                _fail("模拟考试记录的分数无效")
        if "paper" in paper:
            _name(paper["paper"], "模拟考试记录的试卷编号")
    for name, qid in _mapping(data.get("practice", {}), "练习进度的位置").items():
        _name(qid, "练习 " + _clip(name) + " 的位置")
    if data.get("mock") is not None:
        _mock(data["mock"])


# Ids of questions, sets and papers are short ASCII codes; anything longer is not one of them.
_NAME_MAX = 64
# The longest time a mock paper may have left, in seconds (the longest paper is 120 minutes).
_MOCK_SECONDS_MAX = 24 * 3600


def _name(value, what):
    if not isinstance(value, str) or not value or len(value) > _NAME_MAX:
        _fail(what + "无效：" + _clip(value))


def _mock(paper):
    """The mock paper in progress: its questions in order, answers so far, where the reader was, and its clock
    (seconds left when last saved, and the epoch second at which they run out if the page stays open)."""
    what = "未交卷的模拟试卷"
    _mapping(paper, what)
    _name(paper.get("paper"), what + "的试卷编号")
    ids = paper.get("ids")
    if not isinstance(ids, list) or not ids:
        _fail(what + "的题目列表无效")
    for qid in ids:
        _name(qid, what + "的题号")
    if len(set(ids)) != len(ids):
        _fail(what + "的题目列表有重复")
    for qid, chosen in _mapping(paper.get("responses", {}), what + "的作答").items():
        if qid not in ids or not isinstance(chosen, list):
            _fail(what + "的作答 " + _clip(qid) + " 无效")
        for option in chosen:
            _count(option, what + "的作答 " + _clip(qid), 0, 4)
    marked = paper.get("marked", [])
    if not isinstance(marked, list) or any(qid not in ids for qid in marked):
        _fail(what + "的标记无效")
    _count(paper.get("at", 0), what + "的位置", 0, len(ids) - 1)
    _count(paper.get("left"), what + "的剩余时间", 0, _MOCK_SECONDS_MAX)
    _count(paper.get("deadline"), what + "的截止时间")
    _date(paper.get("started"), what + "的开始日期")


def _cases(data):
    for label, case in _mapping(data.get("cases", {}), "个案列表").items():
        problem = label_problem(label)
        if problem and label != contract.UNNAMED_CASE:
            _fail(problem)
        what = "个案“" + _clip(label) + "”"
        _mapping(case, what)
        for cid, state in _mapping(case.get("checklists", {}), what).items():
            _mapping(state, what + "的清单 " + _clip(cid))
            for item, ticked in _mapping(state.get("checks", {}), what).items():
                if not isinstance(ticked, bool):
                    _fail(what + "的勾选项 " + _clip(item) + " 无效")
            for field, text in _mapping(state.get("fields", {}), what).items():
                if not isinstance(text, str):
                    _fail(what + "的填写项 " + _clip(field) + " 无效")
        if "updated" in case:
            _date(case["updated"], what)
        _measures(case.get(contract.MEASURES, []), what)


# A saved measure: what a calculator stored (engine/measures.py record()); its answers let it be rescored.
_ANSWER_TEXT_MAX = 16
_ID_MAX = 40


def _short_text(value, limit):
    return isinstance(value, str) and 0 < len(value) <= limit


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _measures(entries, what):
    if not isinstance(entries, list):
        _fail(what + "的测量记录格式损坏")
    for position in range(len(entries)):
        entry = entries[position]
        where = what + "的第 " + str(position + 1) + " 条测量记录"
        _mapping(entry, where)
        if not _short_text(entry.get("instrument"), _ID_MAX) or not _short_text(entry.get("version"), _ID_MAX):
            _fail(where + "缺少量表或评分规则版本")
        _date(entry.get("date"), where)
        if not _is_number(entry.get("total")):
            _fail(where + "的总分无效")
        if entry.get("band") is not None and not _short_text(entry.get("band"), _ID_MAX):
            _fail(where + "的分级无效")
        for name, value in _mapping(entry.get("subscales", {}), where).items():
            if not _is_number(value):
                _fail(where + "的分量表 " + _clip(name) + " 无效")
        flags = entry.get("flags", [])
        if not isinstance(flags, list) or not all(_short_text(flag, _ID_MAX) for flag in flags):
            _fail(where + "的警示项无效")
        answers = _mapping(entry.get("answers"), where)
        for key, value in answers.items():
            if not (_is_number(value) or _short_text(value, _ANSWER_TEXT_MAX)) or len(key) > _ID_MAX:
                _fail(where + "的第 " + _clip(key) + " 题答案无效")


def check_part(kind, data, prefix):
    """Check one piece of a large file or store (some of its entries); return the labels with ID-like notes.

    The browser sends big data in pieces, because MicroPython's JSON handling slows down more than
    linearly with the size of one message; `prefix` is the start of the message for a failure.
    """
    prefix = (
        "导入失败，已保存的内容没有改动：" if prefix == "import" else "本机保存的" + KIND_NAMES[kind] + "无法读取："
    )
    _checked(prefix, _exam if kind == "exam-progress" else _cases, data)
    return private_notes(data) if kind == "cases" else []


def private_notes(data):
    """Case labels whose notes hold a digit run like an ID card or phone number (sorted)."""
    found = []
    for label, case in (data.get("cases") or {}).items():
        for state in (case.get("checklists") or {}).values():
            for text in (state.get("fields") or {}).values():
                if isinstance(text, str) and digit_run(text) >= contract.DIGIT_RUN and label not in found:
                    found.append(label)
    return sorted(found)
