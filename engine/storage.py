"""Files the reader exports and imports (exam progress, case records): checked before anything is replaced.

Every file is an envelope {"app": APP, "kind": kind, "format": n, "data": {...}}. A file from another
program, from a newer release, or damaged is refused with a Chinese message; the caller keeps what it has.
"""

from engine import dates

APP = "medical-social-work-handbook"
FORMATS = {"exam-progress": 1, "cases": 1}
KIND_NAMES = {"exam-progress": "练习进度", "cases": "个案进度"}


class StorageError(Exception):
    """An imported file is not usable; nothing saved was changed."""


def _fail(message):
    raise StorageError("导入失败，已保存的内容没有改动：" + message)


def _mapping(value, what):
    if not isinstance(value, dict):
        _fail(what + "格式损坏")
    return value


def _date(value, what):
    try:
        dates.day_number(value)
    except (ValueError, TypeError):
        _fail(what + "的日期无效：" + str(value))


def _count(value, what, low=0, high=None):
    if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
        _fail(what + "的数值无效：" + str(value))


def envelope(kind, data):
    """Wrap data for export."""
    return {"app": APP, "kind": kind, "format": FORMATS[kind], "data": data}


def check_import(kind, obj):
    """Return the data of an imported envelope of `kind`, or raise StorageError saying what is wrong."""
    _mapping(obj, "文件")
    if obj.get("app") != APP:
        _fail("这不是本手册导出的文件")
    if obj.get("kind") != kind:
        _fail("这是“" + KIND_NAMES.get(obj.get("kind"), "其他内容") + "”文件，不是" + KIND_NAMES[kind] + "文件")
    version = obj.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        _fail("缺少格式版本号")
    if version > FORMATS[kind]:
        _fail("文件来自更新的版本（格式 " + str(version) + "），请先更新手册")
    if version < 1:
        _fail("格式版本号无效")
    data = _mapping(obj.get("data"), "数据")
    (_exam if kind == "exam-progress" else _cases)(data)
    return data


def _exam(data):
    for qid, entry in _mapping(data.get("notebook", {}), "错题本").items():
        _mapping(entry, "错题 " + qid)
        _count(entry.get("step"), "错题 " + qid, 0, 5)
        _count(entry.get("wrong"), "错题 " + qid)
        _date(entry.get("due"), "错题 " + qid)
    for qid, entry in _mapping(data.get("answers", {}), "作答记录").items():
        _mapping(entry, "作答 " + qid)
        if not isinstance(entry.get("correct"), bool):
            _fail("作答 " + qid + " 缺少对错记录")
        _date(entry.get("date"), "作答 " + qid)
    exams = data.get("exams", [])
    if not isinstance(exams, list):
        _fail("模拟考试记录格式损坏")
    for paper in exams:
        _mapping(paper, "模拟考试记录")
        _date(paper.get("date"), "模拟考试记录")
        for key in ("points", "max"):
            if not isinstance(paper.get(key), (int, float)) or isinstance(paper.get(key), bool):
                _fail("模拟考试记录的分数无效")


def _cases(data):
    for label, case in _mapping(data.get("cases", {}), "个案列表").items():
        what = "个案“" + label + "”"
        _mapping(case, what)
        for cid, state in _mapping(case.get("checklists", {}), what).items():
            _mapping(state, what + "的清单 " + cid)
            for item, ticked in _mapping(state.get("checks", {}), what).items():
                if not isinstance(ticked, bool):
                    _fail(what + "的勾选项 " + item + " 无效")
            for field, text in _mapping(state.get("fields", {}), what).items():
                if not isinstance(text, str):
                    _fail(what + "的填写项 " + field + " 无效")
        if "updated" in case:
            _date(case["updated"], what)
