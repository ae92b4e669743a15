"""The case-analysis practice store: drafts and self-marked results, changed only by step().

Store (contract.CASE_PRACTICE["store"]):
    {"format": 1,
     "drafts":  {case id: {question id: text}},
     "results": {case id: {question id: {"kind", "points", "max", "covered": [point ids], "date"}}}}

step(store, action) -> {"store": new store, "messages": [Chinese texts]} is the only way it changes;
the page writes back what it returns. report() turns the results into the score report.
Plain Python that MicroPython runs.
"""

from engine import contract, dates, rubric, storage
from engine.errors import EngineError

FORMAT = contract.CASE_PRACTICE["format"]
# Question kinds, as the data files name them, and how the report names them.
KINDS = contract.CASE_PRACTICE["kinds"]
MAX_ID = 40


class PracticeError(EngineError):
    """An action or a stored value the engine refuses; the message says why, in Chinese."""


def _day(value):
    """The day number of an ISO date, or the reader's message when it is not one."""
    try:
        return dates.day_number(value)
    except (ValueError, TypeError):
        raise PracticeError("日期不对：" + str(value)[:12])


def empty():
    return {"format": FORMAT, "drafts": {}, "results": {}}


def export(store):
    """The export file's envelope (engine/storage.py) of the saved store, or of an empty one."""
    return storage.envelope(contract.CASE_PRACTICE["kind"], store if store else empty())


def _ident(value, what):
    if not isinstance(value, str) or not value or len(value) > MAX_ID:
        raise PracticeError(what + "编号不对")
    return value


def _result(value, where):
    if not isinstance(value, dict):
        raise PracticeError(where + "的成绩记录不完整")
    for name in ("points", "max"):
        number = value.get(name)
        if not isinstance(number, (int, float)) or isinstance(number, bool) or number < 0:
            raise PracticeError(where + "的成绩记录里分数不对")
    if value["points"] > value["max"]:
        raise PracticeError(where + "的得分超过了满分")
    if value.get("kind") not in KINDS:
        raise PracticeError(where + "的小题类型不认识")
    covered = value.get("covered")
    if not isinstance(covered, list) or any(not isinstance(c, str) for c in covered):
        raise PracticeError(where + "的要点记录不完整")
    _day(value.get("date"))


def check_store(value):
    """Return `value` if it is a readable store of this format; otherwise raise with what is wrong."""
    head = "本机保存的案例分析练习无法读取："
    if not isinstance(value, dict):
        raise PracticeError(head + "内容不是记录")
    if value.get("format") != FORMAT:
        if isinstance(value.get("format"), int) and value["format"] > FORMAT:
            raise PracticeError(head + "它来自更新版本的手册，请先更新本站")
        raise PracticeError(head + "格式编号不对")
    for part in ("drafts", "results"):
        if not isinstance(value.get(part), dict):
            raise PracticeError(head + "缺少“" + part + "”部分")
    try:
        for case, answers in value["drafts"].items():
            _ident(case, "案例")
            if not isinstance(answers, dict):
                raise PracticeError("案例“" + case + "”的草稿不完整")
            for question, text in answers.items():
                _ident(question, "小题")
                if not isinstance(text, str) or len(text) > rubric.MAX_ANSWER:
                    raise PracticeError("案例“" + case + "”的草稿不是文字或太长")
        for case, questions in value["results"].items():
            _ident(case, "案例")
            if not isinstance(questions, dict):
                raise PracticeError("案例“" + case + "”的成绩不完整")
            for question, result in questions.items():
                _result(result, "案例“" + case + "”第 " + _ident(question, "小题") + " 小题")
    except EngineError as exc:
        raise PracticeError(head + str(exc))
    return value


def _copy(store):
    """A copy deep enough that step() never changes the store it was given."""
    return {
        "format": FORMAT,
        "drafts": {case: dict(answers) for case, answers in store["drafts"].items()},
        "results": {case: dict(questions) for case, questions in store["results"].items()},
    }


def step(store, action):
    """Apply one action to the store. Actions:

    {"type": "draft", "case", "question", "text"}    keep a draft (an empty text removes it)
    {"type": "mark", "case", "question", "kind", "points": rubric points, "confirmed": [ids], "date"}
                                                     total the confirmed points and keep the result
    {"type": "clear", "case"}                        forget one case's drafts and results
    {"type": "merge", "data": another store}         bring in an imported store: its results replace
                                                     older ones, its drafts fill only empty boxes
    """
    if store is None:
        store = empty()
    check_store(store)
    if not isinstance(action, dict):
        raise PracticeError("操作不完整")
    kind = action.get("type")
    new = _copy(store)
    if kind == "draft":
        case, question = _ident(action.get("case"), "案例"), _ident(action.get("question"), "小题")
        text = action.get("text")
        if not isinstance(text, str):
            raise PracticeError("草稿应为文字")
        if len(text) > rubric.MAX_ANSWER:
            return {"store": store, "messages": ["草稿太长（超过 " + str(rubric.MAX_ANSWER) + " 字），这次没有保存"]}
        answers = new["drafts"].setdefault(case, {})
        if text:
            answers[question] = text
        else:
            answers.pop(question, None)
            if not answers:
                del new["drafts"][case]
        return {"store": new, "messages": []}
    if kind == "mark":
        case, question = _ident(action.get("case"), "案例"), _ident(action.get("question"), "小题")
        if action.get("kind") not in KINDS:
            raise PracticeError("小题类型不认识")
        _day(action.get("date"))
        summed = rubric.total(action.get("points"), action.get("confirmed"))
        new["results"].setdefault(case, {})[question] = {
            "kind": action["kind"],
            "points": summed["points"],
            "max": summed["max"],
            "covered": summed["covered"],
            "date": action["date"],
        }
        return {
            "store": new,
            "messages": [
                "本小题自评 " + _number(summed["points"]) + " / " + _number(summed["max"]) + " 分，已保存在本机"
            ],
        }
    if kind == "clear":
        case = _ident(action.get("case"), "案例")
        new["drafts"].pop(case, None)
        new["results"].pop(case, None)
        return {"store": new, "messages": ["已清除本案例的草稿和自评成绩"]}
    if kind == "merge":
        incoming = check_store(action.get("data"))
        added = 0
        for case, questions in incoming["results"].items():
            mine = new["results"].setdefault(case, {})
            for question, result in questions.items():
                old = mine.get(question)
                if old is None or _day(result["date"]) >= _day(old["date"]):
                    mine[question] = dict(result)
                    added += 1
        for case, answers in incoming["drafts"].items():
            mine = new["drafts"].setdefault(case, {})
            for question, text in answers.items():
                if not mine.get(question):
                    mine[question] = text
        return {"store": new, "messages": ["已导入 " + str(added) + " 条小题成绩"]}
    raise PracticeError("未知的操作：" + str(kind)[:24])


def _number(value):
    """1.0 -> "1", 1.5 -> "1.5": marks as a reader writes them."""
    return str(int(value)) if value == int(value) else str(value)


def report(store):
    """Totals per case and per kind of sub-question, kinds that lose the most first.

    {"cases": {case: {"points", "max", "done"}}, "kinds": [{"kind", "name", "points", "max", "lost", "count"}]}
    """
    check_store(store)
    cases, kinds = {}, {}
    for case, questions in store["results"].items():
        row = cases.setdefault(case, {"points": 0, "max": 0, "done": 0})
        for result in questions.values():
            row["points"] += result["points"]
            row["max"] += result["max"]
            row["done"] += 1
            tally = kinds.setdefault(result["kind"], {"points": 0, "max": 0, "count": 0})
            tally["points"] += result["points"]
            tally["max"] += result["max"]
            tally["count"] += 1
    rows = []
    for kind, tally in kinds.items():
        lost = tally["max"] - tally["points"]
        share = lost / tally["max"] if tally["max"] else 0
        rows.append((-share, kind, lost, tally))
    rows.sort()
    return {
        "cases": cases,
        "kinds": [
            {
                "kind": kind,
                "name": KINDS[kind],
                "points": tally["points"],
                "max": tally["max"],
                "lost": lost,
                "lost_share": -negative,
                "count": tally["count"],
            }
            for negative, kind, lost, tally in rows
        ],
    }
