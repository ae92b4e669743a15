"""Self-marking of written case answers: a pre-check that suggests which answer points (要点) an
answer seems to cover, and the total of the points the student then confirms.

The pre-check is a suggestion, never the marking: it looks for each point's key terms (groups of
synonyms) after normalising width and punctuation, ignores a term the answer negates ("不需要保密"),
and calls a point covered only when enough different groups appear, so one word is never enough.

Plain string methods only (no regular expressions, no unicodedata): MicroPython runs this file.
"""

from engine.errors import EngineError

# Longest answer the engine reads (a real answer sheet holds far less); longer texts are refused.
MAX_ANSWER = 20000
# Characters that end a clause: a negation never reaches across them.
CLAUSE_ENDS = "。，、；：！？,.;:!?\n"
# Characters dropped before matching: spaces, quotes, brackets, dashes, dots between words.
DROPPED = " \t\r\u3000\"'“”‘’「」『』《》〈〉()（）[]【】{}<>·•-—–_~～…/\\|*#"
# Words that negate the term right after them in the same clause (within NEGATION_REACH characters).
NEGATIONS = (
    "不需要",
    "不需",
    "无需",
    "无须",
    "毋须",
    "不必",
    "不用",
    "没必要",
    "没有必要",
    "不要",
    "不应",
    "不该",
    "不宜",
    "不能",
    "不会",
    "不做",
    "不予",
    "不考虑",
    "没有",
    "未能",
    "并非",
    "不是",
    "忽视",
    "忽略",
    "别",
    "勿",
)
NEGATION_REACH = 6


class RubricError(EngineError):
    """The rubric or the answer cannot be read; the message says what, in Chinese."""


def half_width(text):
    """Full-width ASCII (ＡＢＣ１２３，！) becomes half-width, the ideographic space a space; ASCII is lower-cased."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif code == 0x3000:
            ch = " "
        if "A" <= ch <= "Z":
            ch = chr(ord(ch) + 32)
        out.append(ch)
    return "".join(out)


def normalise(text):
    """The form both answers and terms are matched in: half-width, lower-case, decorations dropped,
    every clause end written as "。" (so "，" and "," and a line break all end a clause)."""
    out = []
    for ch in half_width(text):
        if ch in CLAUSE_ENDS:
            if out and out[-1] != "。":
                out.append("。")
        elif ch not in DROPPED:
            out.append(ch)
    return "".join(out)


def _negated(text, start):
    """Whether the term found at `start` is negated by a word just before it in its clause.

    A question of the form A不A / A没A ("是不是", "需不需要", "有没有") asks, it does not deny."""
    clause_start = text.rfind("。", 0, start) + 1
    begin = max(clause_start, start - NEGATION_REACH)
    for word in NEGATIONS:
        at = text.find(word, begin, start)
        while at >= 0:
            asks = word[0] in "不没" and at > 0 and at + 1 < len(text) and text[at - 1] == text[at + 1]
            if not asks:
                return True
            at = text.find(word, at + 1, start)
    return False


def _found(text, term):
    """'yes' if `term` occurs un-negated somewhere, 'negated' if only negated, '' if absent."""
    seen = ""
    start = text.find(term)
    while start >= 0:
        if not _negated(text, start):
            return "yes"
        seen = "negated"
        start = text.find(term, start + 1)
    return seen


def _point(point, where):
    if not isinstance(point, dict) or not isinstance(point.get("id"), str):
        raise RubricError("评分要点数据不完整：" + where + " 缺少编号")
    groups, need = point.get("terms"), point.get("need")
    if (
        not isinstance(groups, list)
        or not groups
        or any(not isinstance(g, list) or not g or any(not isinstance(t, str) or not t for t in g) for g in groups)
    ):
        raise RubricError("评分要点“" + point["id"] + "”的关键词数据不完整")
    if not isinstance(need, int) or isinstance(need, bool) or need < 1 or need > len(groups):
        raise RubricError("评分要点“" + point["id"] + "”的命中数要求不对")
    return groups, need


def precheck(points, answer):
    """For each rubric point {id, terms: [[synonym, …], …], need}: whether the answer appears to cover it.

    Returns {"empty": bool, "points": [{"id", "covered", "matched": [group index], "negated": [group
    index], "need"}]}: a group counts when one of its synonyms appears un-negated; "negated" lists the
    groups whose terms appear only negated. A point is covered when at least `need` groups count.
    """
    if not isinstance(points, list):
        raise RubricError("评分要点数据不完整")
    if answer is None:
        answer = ""
    if not isinstance(answer, str):
        raise RubricError("作答应为文字")
    if len(answer) > MAX_ANSWER:
        raise RubricError("作答太长（超过 " + str(MAX_ANSWER) + " 字），请删减后再提交")
    text = normalise(answer)
    out = []
    for index, point in enumerate(points):
        groups, need = _point(point, "第 " + str(index + 1) + " 条")
        matched, negated = [], []
        for number, group in enumerate(groups):
            verdicts = [_found(text, normalise(term)) for term in group] if text else []
            if "yes" in verdicts:
                matched.append(number)
            elif "negated" in verdicts:
                negated.append(number)
        out.append(
            {"id": point["id"], "covered": len(matched) >= need, "matched": matched, "negated": negated, "need": need}
        )
    return {"empty": not text.replace("。", ""), "points": out}


def total(points, confirmed):
    """The marks of a sub-question: the marks of every point in `confirmed` (ids the student confirmed).

    Returns {"points": earned, "max": full marks, "covered": [ids in rubric order], "missed": [ids]}.
    """
    if not isinstance(points, list) or not isinstance(confirmed, list):
        raise RubricError("评分数据不完整")
    known = {}
    for index, point in enumerate(points):
        marks = point.get("marks") if isinstance(point, dict) else None
        if not isinstance(point, dict) or not isinstance(point.get("id"), str):
            raise RubricError("评分要点数据不完整：第 " + str(index + 1) + " 条缺少编号")
        if not isinstance(marks, (int, float)) or isinstance(marks, bool) or marks < 0:
            raise RubricError("评分要点“" + point["id"] + "”的分值不对")
        known[point["id"]] = marks
    for ident in confirmed:
        if ident not in known:
            raise RubricError("确认的要点不在评分标准里：" + str(ident)[:24])
    covered = [p["id"] for p in points if p["id"] in confirmed]
    earned = 0
    maximum = 0
    for point in points:
        maximum += point["marks"]
        if point["id"] in confirmed:
            earned += point["marks"]
    return {
        "points": earned,
        "max": maximum,
        "covered": covered,
        "missed": [p["id"] for p in points if p["id"] not in confirmed],
    }
