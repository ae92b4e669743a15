"""Question bank and technique drills: validation, the browser bundle (answers obfuscated) and quiz pages."""

import base64
import json
from pathlib import Path

from engine import contract
from macros.datafiles import DATA, DataFileError, check_fields, load_records, load_yaml

DOCS = DATA.parent / "docs"
CHAPTERS = {"overview": "医务社会工作概论", "process": "通用过程模式", "casework": "个案工作方法",
            "models": "个案工作模式", "interview": "会谈技巧", "medical": "医务社会工作专题",
            "hospital": "医院实务", "ethics": "伦理与团队", "palliative": "姑息治疗", "support": "社会支持理论"}
TECHNIQUES = {"attending": "专注", "listening": "倾听", "empathy": "同理", "encouraging": "鼓励",
              "clarifying": "澄清", "focusing": "对焦", "summarizing": "摘要", "information": "提供信息",
              "self_disclosure": "自我披露", "suggestion": "建议", "advice": "忠告", "confrontation": "对质"}
QUESTION_FIELDS = {"id": (str, True), "type": (str, True), "scenario": (str, False), "stem": (str, True),
                   "options": (list, True), "section": (str, True), "exam": (str, False)}
OPTION_FIELDS = {"text": (str, True), "correct": (bool, True), "why": (str, True)}
DRILL_FIELDS = {"id": (str, True), "scene": (str, True), "client": (str, True), "worker": (str, True),
                "answer": (str, True), "options": (dict, True), "section": (str, True),
                "exam": (str, False)}
# type -> (allowed option counts, allowed numbers of correct options)
SHAPES = {"single": ({4}, {1}), "multi": ({5}, {2, 3, 4}), "case": ({4, 5}, {1, 2, 3, 4})}
TYPE_NAMES = {"single": "单选", "multi": "多选", "case": "案例分析"}


def _check_section(path, qid, section):
    page = section.partition("#")[0]
    if not page.endswith(".md") or not (DOCS / page).is_file():
        raise DataFileError(path, qid, f"section 指向的页面不存在：{section}")


def _check_question(path, question):
    qid = question["id"]
    if question["type"] not in SHAPES:
        raise DataFileError(path, qid, f"type 应为 single、multi 或 case，实际是 {question['type']!r}")
    if question["type"] == "case" and not question.get("scenario"):
        raise DataFileError(path, qid, "案例分析题缺少 scenario（案例材料）")
    counts, rights = SHAPES[question["type"]]
    options = question["options"]
    for n, option in enumerate(options, 1):
        check_fields(path, f"{qid} 选项 {n}", option, OPTION_FIELDS)
    if len(options) not in counts:
        raise DataFileError(path, qid, f"{TYPE_NAMES[question['type']]}题应有 {'或'.join(map(str, sorted(counts)))} 个选项，实际 {len(options)} 个")
    correct = sum(o["correct"] for o in options)
    if correct == 0:
        raise DataFileError(path, qid, "没有正确选项")
    if correct not in rights:
        raise DataFileError(path, qid, f"{TYPE_NAMES[question['type']]}题的正确选项数不对：{correct} 个")
    texts = [o["text"].strip() for o in options]
    if len(set(texts)) != len(texts):
        raise DataFileError(path, qid, "选项重复")
    _check_section(path, qid, question["section"])


def load_questions():
    """Every question of the bank, validated, each tagged with its chapter, in file order."""
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
            _check_question(path, question)
            questions.append({**question, "chapter": chapter, "file": path})
    return questions


def load_drills():
    """Technique drills as single-choice questions (chapter 会谈技巧)."""
    path = DATA / "drills.yml"
    drills = []
    for did, drill in load_records(path, DRILL_FIELDS, top="drills").items():
        unknown = sorted(set(drill["options"]) - set(TECHNIQUES))
        if unknown or len(drill["options"]) != 4:
            raise DataFileError(path, did, f"options 应为 4 个技巧编号（未知：{', '.join(unknown) or '无'}）")
        if drill["answer"] not in drill["options"]:
            raise DataFileError(path, did, "answer 不在 options 里")
        if not all(isinstance(w, str) and w.strip() for w in drill["options"].values()):
            raise DataFileError(path, did, "每个选项都要有理由")
        _check_section(path, did, drill["section"])
        drills.append({
            "id": did, "type": "single", "chapter": "interview", "file": path, "section": drill["section"],
            "scenario": drill["scene"], "stem": f"{drill['client']}\n{drill['worker']}\n社会工作者运用的是哪种会谈技巧？",
            "options": [{"text": TECHNIQUES[t], "correct": t == drill["answer"], "why": why}
                        for t, why in sorted(drill["options"].items())],
        })
    return drills


def _hide(qid, payload):
    """Keep the answer out of plain sight until the reader answers (not secrecy: the reader owns the device)."""
    key = (qid + contract.HIDE_SUFFIX).encode()
    raw = json.dumps(payload, ensure_ascii=False).encode()
    return base64.b64encode(bytes(b ^ key[i % len(key)] for i, b in enumerate(raw))).decode()


def bundle():
    """The browser's bank: stems and options in plain text, correctness and explanations hidden."""
    def public(q):
        page, _, anchor = q["section"].partition("#")
        return {
            "id": q["id"], "chapter": q["chapter"], "type": q["type"], "scenario": q.get("scenario", ""),
            "stem": q["stem"], "options": [o["text"] for o in q["options"]],
            "section": page[:-3] + ".html" + (f"#{anchor}" if anchor else ""),
            "key": _hide(q["id"], {"c": [i for i, o in enumerate(q["options"]) if o["correct"]],
                                   "w": [o["why"] for o in q["options"]]}),
        }
    return {"chapters": CHAPTERS, "questions": [public(q) for q in load_questions()],
            "drills": [public(q) for q in load_drills()]}


def bundle_files():
    """{file name: content}: the whole bank (mock exam, 错题本) and one file per practice set,
    so a chapter's practice page downloads only its own questions."""
    full = bundle()
    files = {"bank.json": full}
    for chapter in CHAPTERS:
        files[f"set-{chapter}.json"] = {**full, "questions": [q for q in full["questions"] if q["chapter"] == chapter],
                                        "drills": []}
    files["set-drills.json"] = {**full, "questions": []}
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
    extra = "".join(f' data-quiz-{k}="{v}"' for k, v in attrs.items())
    return (f'<div class="hb-quiz" data-quiz="{kind}"{extra}>'
            '<p class="hb-quiz__loading">正在加载题目……</p>'
            '<noscript><p>练习需要 JavaScript。</p></noscript></div>\n')


def register(env):
    questions = load_questions()
    drills = load_drills()

    @env.macro
    def practice_set(chapter):
        """Chapter practice: every question of one chapter, answered one at a time."""
        if chapter not in CHAPTERS:
            raise DataFileError(DATA / "questions", env.page.file.src_uri, f"未知章节 {chapter}")
        return _root("practice", set=chapter)

    @env.macro
    def technique_drills():
        """All technique drills."""
        return _root("practice", set="drills")

    @env.macro
    def mock_exam():
        """A timed paper in the real format, drawn from the bank."""
        return _root("mock")

    @env.macro
    def mistakes_notebook():
        """The 错题本 with the questions due for review today."""
        return _root("review")

    @env.macro
    def bank_table():
        """Question counts per chapter and type."""
        rows = ["| 章节 | 单选 | 多选 | 案例分析 | 合计 |", "| --- | --- | --- | --- | --- |"]
        for chapter, name in CHAPTERS.items():
            mine = [q for q in questions if q["chapter"] == chapter]
            counts = [sum(q["type"] == t for q in mine) for t in SHAPES]
            rows.append(f"| {name} | {' | '.join(map(str, counts))} | {len(mine)} |")
        rows.append(f"| 技巧辨析（单选） | {len(drills)} | 0 | 0 | {len(drills)} |")
        return "\n".join(rows) + "\n"
