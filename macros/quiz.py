"""Question bank and technique drills: validation, the browser bundle (answers obfuscated) and quiz pages."""

import base64
import itertools
import json
import logging
import re
from pathlib import Path

from catalog.datafiles import DATA, DataFileError, check_fields, load_records, load_yaml
from catalog.references import references
from engine import contract
from engine import quiz as rules
from macros.pages import page_exists, page_src

CHAPTERS = {
    "overview": "医务社会工作概论",
    "process": "通用过程模式",
    "casework": "个案工作方法",
    "models": "个案工作模式",
    "interview": "会谈技巧",
    "medical": "医务社会工作专题",
    "hospital": "医院实务",
    "ethics": "伦理与团队",
    "palliative": "姑息治疗",
    "support": "社会支持理论",
}
TECHNIQUES = {
    "attending": "专注",
    "listening": "倾听",
    "empathy": "同理",
    "encouraging": "鼓励",
    "clarifying": "澄清",
    "focusing": "对焦",
    "summarizing": "摘要",
    "information": "提供信息",
    "self_disclosure": "自我披露",
    "suggestion": "建议",
    "advice": "忠告",
    "confrontation": "对质",
}
QUESTION_FIELDS = {
    "id": (str, True),
    "type": (str, True),
    "scenario": (str, False),
    "stem": (str, True),
    "options": (list, True),
    "section": (str, True),
    "exam": (str, True),
}
OPTION_FIELDS = {"text": (str, True), "correct": (bool, True), "why": (str, True)}
DRILL_FIELDS = {
    "id": (str, True),
    "scene": (str, True),
    "client": (str, True),
    "worker": (str, True),
    "answer": (str, True),
    "options": (dict, True),
    "section": (str, True),
    "exam": (str, True),
}
EXAM_CODE_FIELDS = {
    "code": (str, True),
    "subject": (str, False),
    "level": (str, False),
    "chapter": (str, True),
    "label": (str, True),
}
PAPER_FIELDS = {
    "id": (str, True),
    "name": (str, True),
    "codes": (list, True),
    "single": (int, True),
    "multi": (int, True),
    "minutes": (int, True),
}
# While the 实务 chapters' questions are still being written, a paper whose pool is too small only warns.
# Set to True once they are merged: then a short pool fails the build.
PAPER_POOLS_MUST_BE_FULL = True
# The correct option may be the (strictly) longest in at most this share of single-answer questions:
# above it, "pick the longest" becomes a winning strategy that the real paper does not reward.
LENGTH_CUE_LIMIT = 0.30
# Character-bigram Jaccard similarity of scenario + stem + keyed answer(s) at or above which two items are
# near-duplicates. Measured on the bank before clean-up: restatements of one question with the same key scored
# 0.61–0.73, while distinct questions built on one template (与躯体康复/与心理适应 in one study, 优势/劣势 of one
# model) scored ≤ 0.55 because their keys differ. Counting the key keeps template stems ("下列说法正确的是")
# from colliding when they test different things. Paraphrases that reword stem and key both can score lower (two
# such pairs, at 0.49 and 0.52, were found by reading and removed): the rule is a floor under review, not a substitute.
DUPLICATE_THRESHOLD = 0.6
# Words by which a stem would name the handbook's own sources; the seeds' author names are added from references.yml.
SOURCE_WORDS = ["课件", "文章", "笔记", "网页", "本手册"]
log = logging.getLogger("handbook.quiz")
# type -> (allowed option counts, allowed numbers of correct options)
SHAPES = {"single": ({4}, {1}), "multi": ({5}, {2, 3, 4}), "case": ({4, 5}, {1, 2, 3, 4})}
TYPE_NAMES = {"single": "单选", "multi": "多选", "case": "案例分析"}
DRILL_QUESTION = "社会工作者运用的是哪种会谈技巧？"


def load_exam():
    """The exam registry: ({code: record}, [paper]); papers name only known codes."""
    path = DATA / "exam.yml"
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(path, "（整个文件）", "应有 codes 与 papers 两部分")
    codes = load_records(path, EXAM_CODE_FIELDS, key="code", top="codes")
    papers = load_records(path, PAPER_FIELDS, top="papers")
    for pid, paper in papers.items():
        unknown = [c for c in paper["codes"] if c not in codes]
        if unknown or not paper["codes"]:
            raise DataFileError(path, pid, f"codes 里有未登记的考试章节：{', '.join(map(str, unknown)) or '（空）'}")
        if min(paper["single"], paper["multi"]) < 0 or paper["minutes"] < 1 or paper["single"] + paper["multi"] == 0:
            raise DataFileError(path, pid, "题量和时长应为正整数")
    return codes, list(papers.values())


def _source_pattern():
    """Words and names by which a stem would cite the handbook's own sources."""
    names = set()
    for rid, ref in references().items():
        if ref.get("file"):  # a seed document: its authors, unless anonymous
            names.update(n.strip() for n in ref["text"].split(". ")[0].split(",") if n.strip() not in ("", "佚名"))
            names.add(rid)
    words = SOURCE_WORDS + sorted(names)
    return re.compile("|".join(map(re.escape, words)), re.IGNORECASE)


def _check_sources_not_named(path, qid, texts, pattern):
    for text in texts:
        hit = pattern.search(text or "")
        if hit:
            raise DataFileError(path, qid, f"题干或案例材料不应提到手册的来源（“{hit.group(0)}”）：真题不会这样出题")


def _check_exam(path, qid, code, codes):
    if code not in codes:
        raise DataFileError(path, qid, f"exam 应为 {', '.join(codes)} 之一，实际是 {code!r}")


def _check_section(path, qid, section):
    page = section.partition("#")[0]
    if not page.endswith(".md") or not page_exists(page):
        raise DataFileError(path, qid, f"section 指向的页面不存在：{section}")


def _check_question(path, question, codes):
    qid = question["id"]
    _check_exam(path, qid, question["exam"], codes)
    if question["type"] not in SHAPES:
        raise DataFileError(path, qid, f"type 应为 single、multi 或 case，实际是 {question['type']!r}")
    if question["type"] == "case" and not question.get("scenario"):
        raise DataFileError(path, qid, "案例分析题缺少 scenario（案例材料）")
    counts, rights = SHAPES[question["type"]]
    options = question["options"]
    for n, option in enumerate(options, 1):
        check_fields(path, f"{qid} 选项 {n}", option, OPTION_FIELDS)
    if len(options) not in counts:
        raise DataFileError(
            path,
            qid,
            f"{TYPE_NAMES[question['type']]}题应有 {'或'.join(map(str, sorted(counts)))} 个选项，实际 {len(options)} 个",
        )
    correct = sum(o["correct"] for o in options)
    if correct == 0:
        raise DataFileError(path, qid, "没有正确选项")
    if correct not in rights:
        raise DataFileError(path, qid, f"{TYPE_NAMES[question['type']]}题的正确选项数不对：{correct} 个")
    texts = [o["text"].strip() for o in options]
    if len(set(texts)) != len(texts):
        raise DataFileError(path, qid, "选项重复")
    _check_section(path, qid, question["section"])


def correct_is_longest(question):
    """True when the one correct option is strictly longer (in characters) than every other option.
    A tie does not single the answer out, so it is not a cue."""
    lengths = [len(o["text"].strip()) for o in question["options"]]
    right = [i for i, o in enumerate(question["options"]) if o["correct"]]
    return len(right) == 1 and all(lengths[right[0]] > n for i, n in enumerate(lengths) if i != right[0])


def length_cue(questions):
    """(questions whose correct option is the longest, single-answer questions): drills are left out,
    their options being technique names."""
    singles = [q for q in questions if sum(o["correct"] for o in q["options"]) == 1]
    return [q for q in singles if correct_is_longest(q)], singles


def _check_length_cue(questions):
    cued, singles = length_cue(questions)
    if singles and len(cued) > LENGTH_CUE_LIMIT * len(singles):
        by_file = {}
        for q in cued:
            by_file.setdefault(q["file"].name, []).append(q["id"])
        listing = "；".join(f"{name}：{', '.join(ids)}" for name, ids in sorted(by_file.items()))
        raise DataFileError(
            DATA / "questions",
            "单选题（全库）",
            f"正确选项是最长选项的题占 {len(cued)}/{len(singles)}（{len(cued) / len(singles):.0%}），"
            f"超过上限 {LENGTH_CUE_LIMIT:.0%}：{listing}",
        )


def _bigrams(text):
    text = re.sub(r"[\W_]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _keys(q):
    """(bigrams with the scenario, bigrams without it) of scenario + stem + keyed answers."""
    core = q["stem"].replace(DRILL_QUESTION, "") + "".join(o["text"] for o in q["options"] if o["correct"])
    return _bigrams((q.get("scenario") or "") + core), _bigrams(core)


def _jaccard(x, y):
    return len(x & y) / len(x | y) if x and y else 0.0


def similarity(a, b, keys=None):
    """Bigram Jaccard of two items' scenario + stem + keyed answers; a scenario they share is left out,
    so several questions on one case are compared by what they ask."""
    (ka, kb) = keys or (_keys(a), _keys(b))
    shared = bool(a.get("scenario")) and a.get("scenario") == b.get("scenario")
    return _jaccard(ka[1], kb[1]) if shared else _jaccard(ka[0], kb[0])


def _check_duplicates(items):
    keys = [_keys(q) for q in items]
    for (i, a), (j, b) in itertools.combinations(enumerate(items), 2):
        score = similarity(a, b, (keys[i], keys[j]))
        if score >= DUPLICATE_THRESHOLD:
            raise DataFileError(
                a["file"],
                a["id"],
                f"与 {b['file'].name} 的 {b['id']} 几乎重复（题干与答案的相似度 {score:.2f} ≥ {DUPLICATE_THRESHOLD}）",
            )


def load_questions():
    """Every question of the bank, validated, each tagged with its chapter, in file order."""
    codes, _ = load_exam()
    pattern = _source_pattern()
    questions, seen = [], {}
    for path in sorted((DATA / "questions").glob("*.yml")):
        raw = load_yaml(path)
        chapter = raw.get("chapter") if isinstance(raw, dict) else None
        if chapter not in CHAPTERS or path.stem != chapter:
            raise DataFileError(path, "chapter", f"chapter 应与文件名一致，且为 {', '.join(CHAPTERS)} 之一")
        for qid, question in load_records(path, QUESTION_FIELDS, top="questions").items():
            if qid in seen:
                raise DataFileError(path, qid, f"题号与 {seen[qid].name} 重复")
            seen[qid] = path
            _check_question(path, question, codes)
            _check_sources_not_named(path, qid, [question.get("scenario"), question["stem"]], pattern)
            questions.append({**question, "chapter": chapter, "file": path})
    _check_length_cue(questions)
    _check_duplicates(questions)
    return questions


def load_drills():
    """Technique drills as single-choice questions (chapter 会谈技巧)."""
    codes, _ = load_exam()
    pattern = _source_pattern()
    path = DATA / "drills.yml"
    drills = []
    for did, drill in load_records(path, DRILL_FIELDS, top="drills").items():
        _check_exam(path, did, drill["exam"], codes)
        unknown = sorted(set(drill["options"]) - set(TECHNIQUES))
        if unknown or len(drill["options"]) != 4:
            raise DataFileError(path, did, f"options 应为 4 个技巧编号（未知：{', '.join(unknown) or '无'}）")
        if drill["answer"] not in drill["options"]:
            raise DataFileError(path, did, "answer 不在 options 里")
        if not all(isinstance(w, str) and w.strip() for w in drill["options"].values()):
            raise DataFileError(path, did, "每个选项都要有理由")
        _check_section(path, did, drill["section"])
        _check_sources_not_named(path, did, [drill["scene"], drill["client"], drill["worker"]], pattern)
        drills.append(
            {
                "id": did,
                "type": "single",
                "chapter": "interview",
                "exam": drill["exam"],
                "file": path,
                "section": drill["section"],
                "scenario": drill["scene"],
                "stem": f"{drill['client']}\n{drill['worker']}\n{DRILL_QUESTION}",
                "options": [
                    {"text": TECHNIQUES[t], "correct": t == drill["answer"], "why": why}
                    for t, why in sorted(drill["options"].items())
                ],
            }
        )
    _check_duplicates(drills)
    return drills


def paper_pool(paper, questions, drills):
    """Ids a paper may draw: 单选 (single questions and drills) and 多选 whose exam code the paper lists."""
    mine = [q for q in questions + drills if q["exam"] in paper["codes"]]
    return {
        "single": [q["id"] for q in mine if q["type"] == "single"],
        "multi": [q["id"] for q in mine if q["type"] == "multi"],
    }


def paper_shortfall(paper, questions, drills):
    """{type: how many items the pool lacks} for each type the pool cannot fill; {} when the paper can be drawn."""
    pool = paper_pool(paper, questions, drills)
    return {kind: paper[kind] - len(pool[kind]) for kind in ("single", "multi") if len(pool[kind]) < paper[kind]}


def check_papers(questions, drills, strict=None):
    """Every paper's pool is large enough: otherwise fail the build (strict) or warn."""
    strict = PAPER_POOLS_MUST_BE_FULL if strict is None else strict
    _, papers = load_exam()
    for paper in papers:
        short = paper_shortfall(paper, questions, drills)
        if short:
            lack = "，".join(f"{TYPE_NAMES[k]}题还缺 {n} 题（需 {paper[k]} 题）" for k, n in short.items())
            error = DataFileError(DATA / "exam.yml", paper["id"], f"{paper['name']} 的题库不够抽一整卷：{lack}")
            if strict:
                raise error
            log.warning("%s", error)


# The parts of a mock paper, in order, as the page titles them (points by the rule in engine/quiz.py).
PARTS = {
    "single": "一、单项选择题（共 {n} 题，每题 {points:g} 分）",
    "multi": "二、多项选择题（共 {n} 题，每题 {points:g} 分；错选不得分，少选每个正确选项得 {partial:g} 分）",
}


def paper_parts(paper, pool):
    """How the page lays out one paper: per part its type, title, how many items it draws and how many a full
    paper has (fewer while the pool is short)."""
    points = {"single": rules.SINGLE_POINTS, "multi": rules.MULTI_POINTS}
    parts = []
    for kind, title in PARTS.items():
        n = min(len(pool[kind]), paper[kind])
        parts.append(
            {
                "type": kind,
                "name": TYPE_NAMES[kind],
                "count": n,
                "wanted": paper[kind],
                "title": title.format(n=n, points=points[kind], partial=rules.PARTIAL_POINTS),
            }
        )
    return parts


def _hide(qid, payload):
    """Keep the answer out of plain sight until the reader answers (not secrecy: the reader owns the device)."""
    key = (qid + contract.HIDE_SUFFIX).encode()
    raw = json.dumps(payload, ensure_ascii=False).encode()
    return base64.b64encode(bytes(b ^ key[i % len(key)] for i, b in enumerate(raw))).decode()


def bundle():
    """The browser's bank: stems and options in plain text, correctness and explanations hidden; each item
    carries its exam code, and each mock paper its pool of ids and its parts (the drawing rule and the layout
    live here, not in JS)."""
    codes, papers = load_exam()
    questions, drills = load_questions(), load_drills()

    def public(q):
        page, _, anchor = q["section"].partition("#")
        return {
            "id": q["id"],
            "chapter": q["chapter"],
            "exam": q["exam"],
            "type": q["type"],
            "scenario": q.get("scenario", ""),
            "stem": q["stem"],
            "options": [o["text"] for o in q["options"]],
            "section": page[:-3] + ".html" + (f"#{anchor}" if anchor else ""),
            "key": _hide(
                q["id"],
                {"c": [i for i, o in enumerate(q["options"]) if o["correct"]], "w": [o["why"] for o in q["options"]]},
            ),
        }

    return {
        "chapters": CHAPTERS,
        "exams": {c: r["label"] for c, r in codes.items()},
        "types": TYPE_NAMES,
        "papers": [
            {**paper, "pool": pool, "parts": paper_parts(paper, pool)}
            for paper, pool in ((p, paper_pool(p, questions, drills)) for p in papers)
        ],
        "questions": [public(q) for q in questions],
        "drills": [public(q) for q in drills],
    }


def bundle_files():
    """{file name: content}: the whole bank (mock exam, 错题本) and one file per practice set,
    so a chapter's practice page downloads only its own questions."""
    full = bundle()
    files = {contract.EXAM_FILES["bank"]: full}
    for chapter in CHAPTERS:
        files[contract.EXAM_FILES["set"].replace("{}", chapter)] = {
            **full,
            "questions": [q for q in full["questions"] if q["chapter"] == chapter],
            "drills": [],
            "papers": [],
        }
    files[contract.EXAM_FILES["drills"]] = {**full, "questions": [], "papers": []}
    return files


def check_anchors(site):
    """After the build: every question's #anchor exists in its built page (else the build fails)."""
    for q in load_questions() + load_drills():
        page, _, anchor = q["section"].partition("#")
        if anchor:
            html = (Path(site) / (page[:-3] + ".html")).read_text(encoding="utf-8")
            if f'id="{anchor}"' not in html:
                raise DataFileError(q["file"], q["id"], f"section 的锚点不存在：{q['section']}")


def _root(kind, **attrs):
    extra = "".join(f' {contract.ATTR["quiz_" + k]}="{v}"' for k, v in attrs.items())
    return (
        f'<div class="hb-quiz" {contract.ATTR["quiz"]}="{kind}"{extra}>'
        '<p class="hb-quiz__loading">正在加载题目……</p>'
        "<noscript><p>练习需要 JavaScript。</p></noscript></div>\n"
    )


def register(env):
    questions = load_questions()
    drills = load_drills()
    codes, papers = load_exam()
    check_papers(questions, drills)

    @env.macro
    def practice_set(chapter):
        """Chapter practice: every question of one chapter, answered one at a time."""
        if chapter not in CHAPTERS:
            raise DataFileError(DATA / "questions", page_src(env), f"未知章节 {chapter}")
        return _root("practice", set=chapter)

    @env.macro
    def technique_drills():
        """All technique drills."""
        return _root("practice", set="drills")

    @env.macro
    def mock_exam():
        """The mock papers defined in data/exam.yml, drawn from the bank."""
        return _root("mock")

    @env.macro
    def mistakes_notebook():
        """The 错题本 with the questions due for review today."""
        return _root("review")

    @env.macro
    def bank_table():
        """Question counts per chapter and type, then per exam chapter code."""
        rows = ["| 章节 | 单选 | 多选 | 案例分析 | 合计 |", "| --- | --- | --- | --- | --- |"]
        for chapter, name in CHAPTERS.items():
            mine = [q for q in questions if q["chapter"] == chapter]
            if not mine:
                continue
            counts = [sum(q["type"] == t for q in mine) for t in SHAPES]
            rows.append(f"| {name} | {' | '.join(map(str, counts))} | {len(mine)} |")
        rows.append(f"| 技巧辨析（单选） | {len(drills)} | 0 | 0 | {len(drills)} |")
        rows += [
            "",
            "按考试科目与章节（`exam` 编号）：",
            "",
            "| 科目与章节 | 编号 | 单选 | 多选 | 案例分析 | 技巧辨析 | 合计 |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for code, record in codes.items():
            mine = [q for q in questions if q["exam"] == code]
            counts = [sum(q["type"] == t for q in mine) for t in SHAPES]
            drilled = sum(d["exam"] == code for d in drills)
            rows.append(
                f"| {record['label']} | `{code}` | {' | '.join(map(str, counts))} | {drilled} | {len(mine) + drilled} |"
            )
        return "\n".join(rows) + "\n"

    @env.macro
    def paper_table():
        """Each mock paper: how many items its pool holds against what one paper needs."""
        rows = ["| 试卷 | 单选：题库 / 每卷 | 多选：题库 / 每卷 |", "| --- | --- | --- |"]
        for paper in papers:
            pool = paper_pool(paper, questions, drills)
            rows.append(
                f"| {paper['name']} | {len(pool['single'])} / {paper['single']} | "
                f"{len(pool['multi'])} / {paper['multi']} |"
            )
        return "\n".join(rows) + "\n"
