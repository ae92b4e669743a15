"""The question bank, the technique drills and the exam registry: loaded and checked once per version of their
files; the mock papers' plans and the browser's bundle (answers obfuscated) made from them. macros/quiz.py renders."""

import base64
import itertools
import json
import logging
import re
from pathlib import Path

from catalog import syllabus
from catalog.chapters import load_chapters
from catalog.datafiles import DATA, DataFileError, check_fields, load_records, load_yaml, once_per_version
from catalog.pages import page_exists
from catalog.references import REFERENCE_FILE, references
from engine import contract
from engine import quiz as rules

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
PAPER_FIELDS = {
    "id": (str, True),
    "subject": (str, False),
    "name": (str, False),
    "codes": (list, True),
    "single": (int, True),
    "multi": (int, True),
    "minutes": (int, False),
    "fixed": (int, True),
    "drills": (int, True),
}
EXTENSION_FIELDS = {"code": (str, True), "label": (str, True)}
NUMERALS = "一二三四五六七八九"
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
# Patterns by which a stem would lean on a source instead of asking what the reader should know: an author or a
# study ("Funch 和 Mettlin", "Stanley（2012）", "有研究", "访谈研究", "作者"), a guideline or code by name
# ("临床实践指南", "NCCN", "LIVE LIFE", "NASW"), or the textbook as authority ("按教材", "按照初级《社会工作实务》教材").
# A real paper asks the concept; naming the source also lets a student answer by recall of a name, not of the idea.
SOURCE_PATTERNS = [
    r"[A-Z][A-Za-z'-]+\s*(?:和|与|及|&|and)\s*[A-Z][A-Za-z'-]+",
    r"[A-Z][A-Za-z'-]+(?:\s*等)?\s*[（(]\d{4}[）)]",
    r"有研究|一项[^，。（]{0,12}研究|[访调]谈?研究|研究(?:发现|显示|表明|指出|中)|该研究|相关研究|(?<!工)作者|文献|调查显示",
    r"NCCN|NASW|LIVE LIFE|ESMO|ASCO|临床实践指南|实施指南|(?:照护|治疗)指南",
    r"(?:按|按照|根据|依据)[^，。（]{0,12}(?:教材|课本|讲义)|教材(?:的|中的|里的)?(?:说法|界定|划分|认为)",
]
log = logging.getLogger("handbook.quiz")
# type -> (allowed option counts, allowed numbers of correct options)
SHAPES = {"single": ({4}, {1}), "multi": ({5}, {2, 3, 4}), "case": ({4, 5}, {1, 2, 3, 4})}
TYPE_NAMES = {"single": "单选", "multi": "多选", "case": "案例分析"}
DRILL_QUESTION = "社会工作者运用的是哪种会谈技巧？"


def _exam_files():
    return [DATA / "exam.yml", syllabus.SYLLABUS]


def _bank_files():
    return [*(DATA / "questions").glob("*.yml"), DATA / "drills.yml", REFERENCE_FILE, *_exam_files()]


@once_per_version(_exam_files)
def load_exam():
    """The exam registry: ({code: record}, [paper]). Codes are the syllabus's chapter ids (data/syllabus.yml) plus
    the handbook's extension; each paper names only known codes and takes its name, time and pass line from the
    syllabus paper it imitates."""
    path = DATA / "exam.yml"
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(path, "（整个文件）", "应有 extension 与 papers 两部分")
    check_fields(path, "extension", raw.get("extension"), EXTENSION_FIELDS)
    syl = syllabus.load_syllabus()
    codes = {
        cid: {"code": cid, "label": syllabus.chapter_label(cid), "paper": ch["paper"]["id"], "title": ch["title"]}
        for cid, ch in syl["chapters"].items()
    }
    extension = raw["extension"]
    codes[extension["code"]] = {"code": extension["code"], "label": extension["label"], "paper": "", "title": ""}
    papers = load_records(path, PAPER_FIELDS, top="papers")
    for pid, paper in papers.items():
        unknown = [c for c in paper["codes"] if c not in codes]
        if unknown or not paper["codes"]:
            raise DataFileError(path, pid, f"codes 里有未登记的考试章节：{', '.join(map(str, unknown)) or '（空）'}")
        subject = syl["papers"].get(paper.get("subject") or "")
        if paper.get("subject") and not subject:
            raise DataFileError(path, pid, f"subject 应为 data/syllabus.yml 的科目 id：{', '.join(syl['papers'])}")
        if subject:
            total = paper["single"] + paper["multi"]
            paper["name"] = f"{subject['title']}模拟卷（{total} 题，{subject['minutes']} 分钟）"
            paper.update(minutes=subject["minutes"], passing=subject["pass"], full=subject["full"])
        elif not paper.get("name") or not paper.get("minutes"):
            raise DataFileError(path, pid, "不对应考试科目的试卷要写 name 和 minutes")
        if min(paper["single"], paper["multi"], paper["fixed"], paper["drills"]) < 0 or paper["minutes"] < 1:
            raise DataFileError(path, pid, "题量、套数和时长应为正整数")
        if paper["single"] + paper["multi"] == 0 or paper["drills"] > paper["single"]:
            raise DataFileError(path, pid, "题量应为正数，技巧辨析题不能多于单选题")
    return codes, list(papers.values())


def _source_pattern():
    """Words and names by which a stem would cite the handbook's own sources."""
    names = set()
    for rid, ref in references().items():
        if ref.get("file"):  # a seed document: its authors, unless anonymous
            names.update(n.strip() for n in ref["text"].split(". ")[0].split(",") if n.strip() not in ("", "佚名"))
            names.add(rid)
    words = [re.escape(w) for w in SOURCE_WORDS + sorted(names)] + SOURCE_PATTERNS
    return re.compile("|".join(words), re.IGNORECASE)


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


def closest_pair(items):
    """(similarity, a, b) of the two most similar items (each item's bigrams made once), or (0.0, None, None)."""
    keys = [_keys(q) for q in items]
    best = (0.0, None, None)
    for (i, a), (j, b) in itertools.combinations(enumerate(items), 2):
        score = similarity(a, b, (keys[i], keys[j]))
        if score > best[0]:
            best = (score, a, b)
    return best


def _check_duplicates(items):
    score, a, b = closest_pair(items)
    if score >= DUPLICATE_THRESHOLD:
        raise DataFileError(
            a["file"],
            a["id"],
            f"与 {b['file'].name} 的 {b['id']} 几乎重复（题干与答案的相似度 {score:.2f} ≥ {DUPLICATE_THRESHOLD}）",
        )


@once_per_version(_bank_files)
def load_questions():
    """Every question of the bank, validated, each tagged with its chapter, in file order."""
    codes, _ = load_exam()
    pattern = _source_pattern()
    questions, seen = [], {}
    chapters = load_chapters()
    for path in sorted((DATA / "questions").glob("*.yml")):
        raw = load_yaml(path)
        chapter = raw.get("chapter") if isinstance(raw, dict) else None
        if chapter not in chapters or path.stem != chapter:
            raise DataFileError(path, "chapter", f"chapter 应与文件名一致，且为 {', '.join(chapters)} 之一")
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


@once_per_version(_bank_files)
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


def part_of(q):
    """Which part of a paper an item can sit in: 单选 (one key among four options), 多选 (two or more keys among five)
    or neither. Case questions go by their shape, so a case with one key is drawn as a 单选."""
    keys, count = sum(o["correct"] for o in q["options"]), len(q["options"])
    if q["type"] == "single" or (q["type"] == "case" and keys == 1 and count == 4):
        return "single"
    if q["type"] == "multi" or (q["type"] == "case" and keys >= 2 and count == 5):
        return "multi"
    return None


def paper_pool(paper, questions, drills):
    """Ids a paper may draw, by part: 单选 questions, technique drills (also 单选, capped per paper) and 多选,
    each in a stable order (chapter code as the paper lists them, then page, then id)."""
    order = {code: n for n, code in enumerate(paper["codes"])}

    def mine(items, part):
        chosen = [q for q in items if q["exam"] in order and part_of(q) == part]
        return [q["id"] for q in sorted(chosen, key=lambda q: (order[q["exam"]], q["section"], q["id"]))]

    return {
        "single": mine(questions, "single"),
        "drill": mine(drills, "single") if paper["drills"] else [],
        "multi": mine(questions, "multi"),
    }


def _wanted(paper):
    """How many items of each pool one paper takes: drills up to their cap, the rest of 单选 from questions."""
    return {"single": paper["single"] - paper["drills"], "drill": paper["drills"], "multi": paper["multi"]}


def fixed_papers(paper, pool):
    """The paper's fixed sets (试卷一、二、三…), drawn once and sharing no item: each pool is dealt round-robin
    in its stable order, so every set samples every chapter and page alike. A set takes at most what it needs;
    a short pool leaves the later sets short, never repeats an item."""
    sets = [{kind: [] for kind in pool} for _ in range(paper["fixed"])]
    want = _wanted(paper)
    for kind, ids in pool.items():
        for n, qid in enumerate(ids[: want[kind] * paper["fixed"]]):
            sets[n % paper["fixed"]][kind].append(qid)
    return sets


def paper_shortfall(paper, questions, drills):
    """{type: how many items the pool lacks} so that every fixed set and the random paper are full; {} when they are.
    Drills short of their cap are made up by questions."""
    pool = paper_pool(paper, questions, drills)
    copies = max(paper["fixed"], 1)
    drills_used = min(len(pool["drill"]), paper["drills"] * copies)
    need = {"single": paper["single"] * copies - drills_used, "multi": paper["multi"] * copies}
    return {kind: need[kind] - len(pool[kind]) for kind in need if len(pool[kind]) < need[kind]}


def check_papers(questions, drills, strict=None):
    """Every paper's pool is large enough: otherwise fail the build (strict) or warn."""
    strict = PAPER_POOLS_MUST_BE_FULL if strict is None else strict
    _, papers = load_exam()
    for paper in papers:
        short = paper_shortfall(paper, questions, drills)
        if short:
            copies = f"{paper['fixed']} 套互不重复的" if paper["fixed"] > 1 else "一整卷"
            lack = "，".join(f"{TYPE_NAMES[k]}题还缺 {n} 题（每卷 {paper[k]} 题）" for k, n in short.items())
            error = DataFileError(DATA / "exam.yml", paper["id"], f"{paper['name']} 的题库不够抽{copies}试卷：{lack}")
            if strict:
                raise error
            log.warning("%s", error)


# The parts of a mock paper, in order, as the page titles them (points by the rule in engine/quiz.py).
PARTS = {
    "single": "一、单项选择题（共 {n} 题，每题 {points:g} 分）",
    "multi": "二、多项选择题（共 {n} 题，每题 {points:g} 分；错选不得分，少选每个正确选项得 {partial:g} 分）",
}


def paper_parts(paper, pool):
    """How the page lays out one paper: per part its type, title, how many items it draws from which pools and how
    many a full paper has (fewer while the pool is short)."""
    points = {"single": rules.SINGLE_POINTS, "multi": rules.MULTI_POINTS}
    want = _wanted(paper)
    drills = min(len(pool["drill"]), want["drill"])
    draws = {
        "single": [
            {"pool": "single", "n": min(len(pool["single"]), paper["single"] - drills)},
            {"pool": "drill", "n": drills},
        ],
        "multi": [{"pool": "multi", "n": min(len(pool["multi"]), paper["multi"])}],
    }
    parts = []
    for kind, title in PARTS.items():
        mine = [d for d in draws[kind] if d["n"]]
        n = sum(d["n"] for d in mine)
        parts.append(
            {
                "type": kind,
                "name": TYPE_NAMES[kind],
                "count": n,
                "wanted": paper[kind],
                "draws": mine,
                "title": title.format(n=n, points=points[kind], partial=rules.PARTIAL_POINTS),
            }
        )
    return parts


def paper_plans(paper, questions, drills):
    """The papers the mock page offers for one entry of exam.yml: its fixed sets (试卷一、二、三…), then the
    random paper. A fixed set's pool is exactly its items, in order; the random paper draws from the whole pool."""
    pool = paper_pool(paper, questions, drills)
    common = {k: paper.get(k) for k in ("minutes", "passing", "full", "codes", "subject")}
    plans = []
    for n, chosen in enumerate(fixed_papers(paper, pool)):
        name = f"{paper['name'].split('（')[0]} · 试卷{NUMERALS[n]}"
        plans.append(
            {
                **common,
                "id": f"{paper['id']}-{n + 1}",
                "name": name,
                "fixed": True,
                "pool": chosen,
                "parts": paper_parts(paper, chosen),
            }
        )
    name = paper["name"] if not paper["fixed"] else f"{paper['name'].split('（')[0]} · 随机组卷"
    plans.append(
        {**common, "id": paper["id"], "name": name, "fixed": False, "pool": pool, "parts": paper_parts(paper, pool)}
    )
    return plans


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
        "chapters": load_chapters(),
        "exams": {c: r["label"] for c, r in codes.items()},
        "types": TYPE_NAMES,
        "papers": [plan for paper in papers for plan in paper_plans(paper, questions, drills)],
        "questions": [public(q) for q in questions],
        "drills": [public(q) for q in drills],
    }


def bundle_files():
    """{file name: content}: the whole bank (错题本), one file per practice set so a chapter's practice page
    downloads only its own questions, the mock papers' index (no questions) and one file per paper
    holding only the items that paper can draw: the mock page fetches the paper it draws."""
    full = bundle()
    files = {contract.EXAM_FILES["bank"]: {**full, "papers": []}}
    for chapter in load_chapters():
        files[contract.EXAM_FILES["set"].replace("{}", chapter)] = {
            **full,
            "questions": [q for q in full["questions"] if q["chapter"] == chapter],
            "drills": [],
            "papers": [],
        }
    files[contract.EXAM_FILES["drills"]] = {**full, "questions": [], "papers": []}
    files[contract.EXAM_FILES["papers"]] = {**full, "questions": [], "drills": []}
    for plan in full["papers"]:
        ids = {i for pool in plan["pool"].values() for i in pool}
        files[contract.EXAM_FILES["paper"].replace("{}", plan["id"])] = {
            **full,
            "papers": [plan],
            "questions": [q for q in full["questions"] if q["id"] in ids],
            "drills": [q for q in full["drills"] if q["id"] in ids],
        }
    return files


def check_anchors(site):
    """After the build: every question's #anchor exists in its built page (else the build fails)."""
    for q in load_questions() + load_drills():
        page, _, anchor = q["section"].partition("#")
        if anchor:
            html = (Path(site) / (page[:-3] + ".html")).read_text(encoding="utf-8")
            if f'id="{anchor}"' not in html:
                raise DataFileError(q["file"], q["id"], f"section 的锚点不存在：{q['section']}")
