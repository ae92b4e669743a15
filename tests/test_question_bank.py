"""The question bank: real files validate and meet the counts; malformed questions fail the build by name."""

import base64
import itertools
import json
import logging
import re
import shutil

import pytest
import yaml

from catalog import questions as quiz
from catalog.chapters import load_chapters
from catalog.datafiles import DataFileError
from engine import contract
from macros import pages

GOOD = {
    "id": "cw-900",
    "type": "single",
    "stem": "题干（ ）",
    "section": "casework/intake.md",
    "exam": "zonghe-casework",
    "options": [{"text": t, "correct": t == "甲", "why": "理由"} for t in ("甲", "乙", "丙", "丁")],
}
REAL_EXAM = quiz.DATA / "exam.yml"


def write_bank(tmp_path, monkeypatch, *questions, chapter="casework", drills=None):
    (tmp_path / "questions").mkdir(exist_ok=True)
    (tmp_path / "questions" / f"{chapter}.yml").write_text(
        yaml.safe_dump({"chapter": chapter, "questions": list(questions)}, allow_unicode=True), encoding="utf-8"
    )
    if not (tmp_path / "exam.yml").exists():
        shutil.copy(REAL_EXAM, tmp_path / "exam.yml")
    (tmp_path / "drills.yml").write_text(yaml.safe_dump({"drills": drills or []}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(quiz, "DATA", tmp_path)


def variant(**changes):
    q = json.loads(json.dumps(GOOD))
    q.update(changes)
    return q


def test_valid_question_loads(tmp_path, monkeypatch):
    write_bank(tmp_path, monkeypatch, GOOD)
    assert [q["id"] for q in quiz.load_questions()] == ["cw-900"]


def test_source_check_leaves_ordinary_stems_alone():
    """社会工作者 contains 作者, and a national policy document may be asked about by name."""
    pattern = quiz._source_pattern()
    for stem in (
        "社会工作者首先应当（ ）",
        "《安宁疗护实践指南（2025年版）》规定的是（ ）",
        "按照危机介入的原则，社会工作者的首要目标是（ ）",
        "社会工作者用 PHQ-9 为患者筛查（ ）",
    ):
        assert not pattern.search(stem), stem


@pytest.mark.parametrize(
    "bad, rule",
    [
        (variant(options=[{"text": t, "correct": False, "why": "w"} for t in "甲乙丙丁"]), "没有正确选项"),
        (variant(options=[{"text": t, "correct": True, "why": "w"} for t in "甲乙丙丁"]), "正确选项数不对"),
        (variant(options=[{"text": "甲", "correct": i == 0, "why": "w"} for i in range(4)]), "选项重复"),
        (variant(options=[{"text": t, "correct": t == "甲"} for t in "甲乙丙丁"]), "缺少必填字段 “why”"),
        (variant(options=[{"text": t, "correct": t == "甲", "why": "w"} for t in "甲乙丙"]), "应有 4 个选项"),
        (variant(section="casework/nowhere.md"), "页面不存在"),
        (variant(type="essay"), "type 应为"),
        (variant(type="case"), "scenario"),
        (
            variant(type="multi", options=[{"text": t, "correct": t == "甲", "why": "w"} for t in "甲乙丙丁戊"]),
            "正确选项数不对",
        ),
        (variant(exam="shiwu-02"), "exam 应为"),
        (variant(exam=None), "缺少必填字段 “exam”"),
        # Stems and scenarios never name the handbook's own sources.
        (variant(stem="课件中把需求分为几个维度（ ）"), "不应提到手册的来源（“课件”）"),
        (variant(stem="按照 s001 的描述，下列说法正确的是（ ）"), "不应提到手册的来源（“s001”）"),
        (variant(stem="按照 S003，下列说法正确的是（ ）"), "不应提到手册的来源"),
        (variant(stem="马小懿等通过访谈发现（ ）"), "不应提到手册的来源（“马小懿”）"),
        (variant(stem="本手册认为（ ）"), "不应提到手册的来源（“本手册”）"),
        (variant(scenario="来源网页介绍了一种做法。"), "不应提到手册的来源（“网页”）"),
        (variant(scenario="备考笔记里的一个案例。"), "不应提到手册的来源（“笔记”）"),
        (variant(stem="文章作者的观点是（ ）"), "不应提到手册的来源（“文章”）"),
        # Authors, studies, guidelines and the textbook as authority (issue 22).
        (variant(stem="在 Funch 和 Mettlin（1982）的研究中，与躯体康复呈正相关的是（ ）"), "（“Funch 和 Mettlin”）"),
        (variant(stem="根据 Stanley（2012）的描述，安全计划包括（ ）"), "（“Stanley（2012）”）"),
        (variant(stem="有研究访谈了多位医务社会工作者（ ）"), "（“有研究”）"),
        (variant(stem="对医务人员的访谈研究发现（ ）"), "（“访谈研究”）"),
        (variant(stem="按照 NCCN 指南的要求，这样的支持缺少的是（ ）"), "（“NCCN”）"),
        (variant(stem="按照姑息照护的临床实践指南，满意结果包括（ ）"), "（“临床实践指南”）"),
        (variant(stem="世界卫生组织 LIVE LIFE 实施指南列出的干预是（ ）"), "（“LIVE LIFE”）"),
        (variant(stem="按照 NASW 伦理守则，应说明的内容有（ ）"), "（“NASW”）"),
        (variant(stem="按教材，医务社会工作的特点包括（ ）"), "（“按教材”）"),
        (variant(stem="按照初级《社会工作实务》教材，个案会谈的类型包括（ ）"), "不应提到手册的来源"),
        (variant(scenario="该研究所列的挑战有三项。"), "（“该研究”）"),
    ],
)
def test_malformed_question_names_file_question_and_rule(tmp_path, monkeypatch, bad, rule):
    write_bank(tmp_path, monkeypatch, bad)
    with pytest.raises(DataFileError) as caught:
        quiz.load_questions()
    message = str(caught.value)
    assert "casework.yml" in message and "cw-900" in message and rule in message


def single(qid, stem, right="甲", longest=False, scenario=None):
    """A single-answer question; `longest` makes the correct option the strictly longest one."""
    texts = [right + "的较长说法" if longest else right] + [c * len(right) for c in "乙丙丁"]  # equal length: a tie
    q = {
        "id": qid,
        "type": "single",
        "stem": stem,
        "section": "casework/intake.md",
        "exam": "zonghe-casework",
        "options": [{"text": t, "correct": i == 0, "why": "理由"} for i, t in enumerate(texts)],
    }
    if scenario:
        q["scenario"] = scenario
    return q


STEMS = [
    "某医院社会工作者小李第一次到病房见患者，此时小李应（ ）",
    "社会工作者整理个案记录时，下列写法恰当的是（ ）",
    "患者出院前，社会工作者联系社区服务机构，这属于（ ）",
    "家属在走廊里情绪激动，社会工作者首先应（ ）",
    "个案工作的评估阶段要回答的问题是（ ）",
    "服务协议中不应写入的内容是（ ）",
    "结案时服务对象出现倒退，社工应（ ）",
    "危机介入的首要目标是（ ）",
    "收集资料会谈的主要目的是（ ）",
    "对质技巧的着眼点在于（ ）",
]


def test_length_cue_over_30_percent_fails_naming_file_and_questions(tmp_path, monkeypatch):
    questions = [single(f"cw-9{i:02d}", stem, right=f"答{i}", longest=i < 4) for i, stem in enumerate(STEMS)]
    write_bank(tmp_path, monkeypatch, *questions)
    with pytest.raises(DataFileError) as caught:
        quiz.load_questions()
    message = str(caught.value)
    assert "4/10" in message and "30%" in message and "casework.yml" in message
    assert all(f"cw-90{i}" in message for i in range(4)) and "cw-904" not in message


def test_length_cue_at_30_percent_passes_and_ties_are_no_cue(tmp_path, monkeypatch):
    questions = [single(f"cw-9{i:02d}", stem, right=f"答{i}", longest=i < 3) for i, stem in enumerate(STEMS)]
    tie = single("cw-999", "转介通常只在两种情形下进行，另一种是（ ）", right="服务区域之外")
    write_bank(tmp_path, monkeypatch, *questions, tie)
    loaded = quiz.load_questions()
    assert len(quiz.length_cue(loaded)[0]) == 3 and not quiz.correct_is_longest(tie)


def test_near_duplicate_refused_naming_both(tmp_path, monkeypatch):
    a = single("cw-901", "某医院社会工作者小李第一次到病房见患者，此时小李应（ ）", right="建立专业关系")
    b = single("cw-902", "某医院社会工作者小李第一次到病房探望患者，这时小李应（ ）", right="建立专业关系")
    write_bank(tmp_path, monkeypatch, a, b)
    with pytest.raises(DataFileError, match=r"cw-901.*与 casework.yml 的 cw-902 几乎重复"):
        quiz.load_questions()


def test_same_template_with_different_key_or_shared_case_is_not_duplicate(tmp_path, monkeypatch):
    case = "王先生，58 岁，肺癌术后，下周出院回县城老家，那里有一家社会工作服务机构。双方都认为目标已经基本达到。"
    questions = [
        single("cw-901", "与传统模式相比，线上服务的优势是（ ）", right="服务过程有据可循"),
        single("cw-902", "与传统模式相比，线上服务的劣势是（ ）", right="缺少肢体语言的线索"),
        single("cw-903", "社会工作者准备结案，首先应（ ）", right="提前告知结案安排", scenario=case),
        single("cw-904", "结案后，社会工作者还应安排（ ）", right="电话跟踪服务", scenario=case),
    ]
    write_bank(tmp_path, monkeypatch, *questions)
    assert len(quiz.load_questions()) == 4


def test_duplicate_threshold_separates_restatements_from_template_pairs():
    restated = (
        single(
            "a",
            "关于个案记录中“现在与过去”的处理，下列做法正确的是（ ）",
            right="以现在的问题为描述重点，过去的经历作补充解释",
        ),
        single(
            "b",
            "关于个案记录中“现在与过去”的处理，正确的做法是（ ）",
            right="以现在的问题为描述重点，过去经历作补充解释放在其后",
        ),
    )
    template = (
        single("c", "在一项研究中，与躯体康复呈正相关的是（ ）", right="经济支持"),
        single("d", "在一项研究中，与心理适应呈正相关的是（ ）", right="家庭外源性支持和专业人员支持"),
    )
    assert quiz.similarity(*restated) >= quiz.DUPLICATE_THRESHOLD > quiz.similarity(*template)


def test_real_bank_passes_every_rule():
    questions, drills = quiz.load_questions(), quiz.load_drills()
    pattern = quiz._source_pattern()
    assert not [q["id"] for q in questions + drills if pattern.search((q.get("scenario") or "") + q["stem"])]
    cued, singles = quiz.length_cue(questions)
    assert len(cued) <= quiz.LENGTH_CUE_LIMIT * len(singles), (len(cued), len(singles))
    for items in (questions, drills):
        worst, a, b = quiz.closest_pair(items)
        assert worst < quiz.DUPLICATE_THRESHOLD, (a["id"], b["id"])


def test_every_item_carries_a_registered_exam_code():
    codes, _ = quiz.load_exam()
    questions, drills = quiz.load_questions(), quiz.load_drills()
    assert all(q["exam"] in codes for q in questions + drills)
    # Case work and interviewing are 《社会工作综合能力》 个案工作方法, never 实务.
    assert {q["exam"] for q in questions if q["chapter"] in ("casework", "interview")} == {"zonghe-casework"}
    assert {d["exam"] for d in drills} == {"zonghe-casework"}
    # Labels come from data/syllabus.yml: paper and chapter title, no number while the 2026 one is unconfirmed.
    assert codes["shiwu-process"]["label"] == "《社会工作实务》（初级）社会工作服务通用过程"
    assert codes["shiwu-medical"]["label"] == "《社会工作实务》（初级）医务社会工作"


def drill(did, code):
    scene, client, worker = {
        "dr-901": ("骨科病房", "患者：“我从架子上摔下来。”", "社工：“您是从架子上摔下来的。”"),
        "dr-902": ("化疗室", "家属：“早上六点就得起来做饭。”", "社工：“六点起来做饭，然后赶过来。”"),
    }.get(did, ("病房", "患者说了一段话", "社工回应"))
    return {
        "id": did,
        "scene": scene,
        "client": client,
        "worker": worker,
        "answer": "listening",
        "options": {"listening": "对", "empathy": "错", "clarifying": "错", "focusing": "错"},
        "section": "interview/listening.md",
        "exam": code,
    }


def test_unknown_exam_code_on_a_drill_names_file_and_drill(tmp_path, monkeypatch):
    write_bank(tmp_path, monkeypatch, GOOD, drills=[drill("dr-900", "shiwu-99")])
    with pytest.raises(DataFileError) as caught:
        quiz.load_drills()
    assert "drills.yml" in str(caught.value) and "dr-900" in str(caught.value) and "exam 应为" in str(caught.value)


def test_paper_naming_unknown_code_fails(tmp_path, monkeypatch):
    write_bank(tmp_path, monkeypatch, GOOD)
    exam = yaml.safe_load(REAL_EXAM.read_text(encoding="utf-8"))
    exam["papers"][0]["codes"] = ["shiwu-process", "shiwu-99"]
    (tmp_path / "exam.yml").write_text(yaml.safe_dump(exam, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"exam.yml，条目 shiwu：codes 里有未登记的考试章节：shiwu-99"):
        quiz.load_exam()


TOPICS = [
    "接案会谈的任务",
    "预估的主要步骤",
    "服务计划的目标",
    "直接介入的策略",
    "过程评估的方法",
    "结案时的反应",
    "跟进服务与转介",
    "急诊室社会工作",
    "慢性病长期照顾",
    "安宁疗护团队",
    "妇幼健康服务",
    "精神卫生社区康复",
    "个案记录的写法",
    "会谈场所的安排",
    "专业关系的要素",
    "资源链接的途径",
    "家庭结构图绘制",
    "生态图的用途",
    "危机介入的原则",
    "任务中心模式",
]


def fake_paper_bank(tmp_path, monkeypatch):
    """Per code: 3 singles and 2 multis (all distinct); 2 drills tagged zonghe-casework."""
    questions, topics = [], iter(TOPICS)
    for n, code in enumerate(["zonghe-casework", "shiwu-process", "shiwu-medical", "none"]):
        for k in range(3):
            q = single(f"cw-{n}{k}0", f"关于{next(topics)}，下列说法正确的是（ ）", right=f"答案{n}{k}")
            questions.append({**q, "exam": code})
        for k in range(2):
            questions.append(
                {
                    "id": f"cw-{n}{k}1",
                    "type": "multi",
                    "stem": f"关于{next(topics)}，正确的有（ ）",
                    "exam": code,
                    "section": "casework/intake.md",
                    "options": [{"text": f"{t}{n}{k}", "correct": t in "甲乙", "why": "w"} for t in "甲乙丙丁戊"],
                }
            )
    write_bank(
        tmp_path,
        monkeypatch,
        *questions,
        drills=[drill("dr-901", "zonghe-casework"), drill("dr-902", "zonghe-casework")],
    )
    papers = {p["id"]: p for p in quiz.load_exam()[1]}
    return quiz.load_questions(), quiz.load_drills(), papers


def test_each_paper_draws_only_its_codes(tmp_path, monkeypatch):
    questions, drills, papers = fake_paper_bank(tmp_path, monkeypatch)
    code = {q["id"]: q["exam"] for q in questions + drills}
    shiwu = quiz.paper_pool(papers["shiwu"], questions, drills)
    zonghe = quiz.paper_pool(papers["zonghe"], questions, drills)
    assert {code[i] for i in shiwu["single"] + shiwu["multi"]} == {"shiwu-process", "shiwu-medical"}
    assert {code[i] for i in zonghe["single"] + zonghe["drill"] + zonghe["multi"]} == {"zonghe-casework"}
    assert (len(shiwu["single"]), len(shiwu["drill"]), len(shiwu["multi"])) == (6, 0, 4)
    assert (len(zonghe["single"]), len(zonghe["drill"]), len(zonghe["multi"])) == (3, 2, 2)
    assert set(zonghe["drill"]) == {"dr-901", "dr-902"} and not {"dr-901", "dr-902"} & set(shiwu["single"])


def test_full_papers_have_the_real_format():
    papers = {p["id"]: p for p in quiz.load_exam()[1]}
    for pid in ("shiwu", "zonghe"):
        p = papers[pid]
        assert (p["single"], p["multi"], p["minutes"]) == (60, 20, 120)
        assert p["single"] * 1 + p["multi"] * 2 == 100
    assert (papers["quick"]["single"] + papers["quick"]["multi"], papers["quick"]["minutes"]) == (15, 20)


def test_shortfall_names_paper_and_counts(tmp_path, monkeypatch, caplog):
    questions, drills, papers = fake_paper_bank(tmp_path, monkeypatch)
    # Three fixed papers that share no item: 180 单选 and 60 多选 (实务: 6 and 4 in the fake bank).
    assert quiz.paper_shortfall(papers["shiwu"], questions, drills) == {"single": 174, "multi": 56}
    # 综合能力: the 2 drills count (cap 6 a paper), the other 178 单选 must be questions.
    assert quiz.paper_shortfall(papers["zonghe"], questions, drills) == {"single": 175, "multi": 58}
    with pytest.raises(DataFileError) as caught:
        quiz.check_papers(questions, drills, strict=True)
    assert "exam.yml" in str(caught.value) and "shiwu" in str(caught.value) and "3 套互不重复的" in str(caught.value)
    assert "单选题还缺 174 题（每卷 60 题）" in str(caught.value) and "多选题还缺 56 题" in str(caught.value)
    with caplog.at_level(logging.WARNING, logger="handbook.quiz"):
        quiz.check_papers(questions, drills, strict=False)
    assert "《社会工作综合能力》（初级）模拟卷" in caplog.text and "单选题还缺 175 题" in caplog.text


def test_every_paper_pool_is_full_in_the_real_bank():
    questions, drills = quiz.load_questions(), quiz.load_drills()
    for paper in quiz.load_exam()[1]:
        assert quiz.paper_shortfall(paper, questions, drills) == {}, paper["id"]


def test_fixed_papers_share_no_question_and_are_full():
    questions, drills = quiz.load_questions(), quiz.load_drills()
    code = {q["id"]: q["exam"] for q in questions + drills}
    for paper in quiz.load_exam()[1]:
        plans = [p for p in quiz.paper_plans(paper, questions, drills) if p["fixed"]]
        assert len(plans) == paper["fixed"]
        sets = [{i for ids in plan["pool"].values() for i in ids} for plan in plans]
        for a, b in itertools.combinations(sets, 2):
            assert not a & b, (paper["id"], sorted(a & b)[:5])
        for plan, ids in zip(plans, sets, strict=True):
            assert [part["count"] for part in plan["parts"]] == [paper["single"], paper["multi"]], plan["id"]
            assert {code[i] for i in ids} <= set(paper["codes"])
            # Technique drills never take more than their cap.
            assert len(plan["pool"]["drill"]) <= paper["drills"]


def test_key_positions_are_balanced():
    """Each of A–D keys between 20 % and 30 % of single-answer items: no position a guesser could favour."""
    singles = [q for q in quiz.load_questions() if quiz.part_of(q) == "single"]
    at = [next(i for i, o in enumerate(q["options"]) if o["correct"]) for q in singles]
    shares = [at.count(i) / len(at) for i in range(4)]
    assert all(0.2 <= s <= 0.3 for s in shares), shares


def test_case_questions_are_drawn_by_their_shape():
    questions, drills = quiz.load_questions(), quiz.load_drills()
    cases = {q["id"]: q for q in questions if q["type"] == "case"}
    drawn = set()
    for paper in quiz.load_exam()[1]:
        pool = quiz.paper_pool(paper, questions, drills)
        drawn |= {i for i in pool["single"] + pool["multi"] if i in cases}
        assert all(sum(o["correct"] for o in cases[i]["options"]) == 1 for i in pool["single"] if i in cases)
    assert drawn and all(quiz.part_of(cases[i]) for i in drawn)


def test_bundle_carries_exam_labels_and_paper_pools():
    bundle = quiz.bundle()
    assert all(q["exam"] in bundle["exams"] for q in bundle["questions"] + bundle["drills"])
    by_id = {q["id"]: q for q in bundle["questions"] + bundle["drills"]}
    for paper in bundle["papers"]:
        for kind in ("single", "drill", "multi"):
            assert all(by_id[i]["exam"] in paper["codes"] for i in paper["pool"][kind])
        assert all(by_id[i]["type"] in ("multi", "case") for i in paper["pool"]["multi"])


def test_duplicate_id_across_questions(tmp_path, monkeypatch):
    write_bank(tmp_path, monkeypatch, GOOD, GOOD)
    with pytest.raises(DataFileError, match="重复"):
        quiz.load_questions()


def test_dead_anchor_fails_after_build(tmp_path, monkeypatch, site_dir):
    write_bank(tmp_path, monkeypatch, variant(section="casework/intake.md#没有这一节"))
    monkeypatch.setattr(quiz, "load_drills", lambda: [])
    with pytest.raises(DataFileError, match="锚点不存在"):
        quiz.check_anchors(site_dir)


def test_bank_meets_counts_and_covers_every_chapter():
    questions = quiz.load_questions()
    assert len(questions) >= 200
    per_chapter = {c: sum(q["chapter"] == c for q in questions) for c in load_chapters()}
    assert all(n >= 30 for n in per_chapter.values()), per_chapter
    # The mock paper needs 60 单选 and 20 多选.
    assert sum(q["type"] == "single" for q in questions) >= 60
    assert sum(q["type"] == "multi" for q in questions) >= 20


def test_drills_cover_every_technique_several_times():
    drills = quiz.load_drills()
    assert len(drills) >= 60
    answers = [next(o["text"] for o in d["options"] if o["correct"]) for d in drills]
    counts = {name: answers.count(name) for name in quiz.TECHNIQUES.values()}
    assert min(counts.values()) >= 5, counts


def test_browser_bundle_hides_answers_but_keeps_them_recoverable():
    bundle = quiz.bundle()
    q = bundle["questions"][0]
    source = next(x for x in quiz.load_questions() if x["id"] == q["id"])
    text = json.dumps(bundle, ensure_ascii=False)
    assert '"correct"' not in text and source["options"][0]["why"] not in text
    key = (q["id"] + contract.HIDE_SUFFIX).encode()
    raw = bytes(b ^ key[i % len(key)] for i, b in enumerate(base64.b64decode(q["key"])))
    hidden = json.loads(raw)
    assert hidden["c"] == [i for i, o in enumerate(source["options"]) if o["correct"]]
    assert hidden["w"] == [o["why"] for o in source["options"]]


def test_mock_layout_comes_with_the_bank():
    """The page draws each paper's parts as the bank lays them out; the real paper is 60 单选 × 1 + 20 多选 × 2."""
    papers = {p["id"]: p for p in quiz.bundle()["papers"]}
    full = papers["shiwu"]
    assert [(p["type"], p["count"], p["wanted"]) for p in full["parts"]] == [("single", 60, 60), ("multi", 20, 20)]
    assert (full["passing"], full["full"]) == (60, 100)
    # 综合能力: at most 6 drills among the 60 单选.
    assert papers["zonghe"]["parts"][0]["draws"] == [{"pool": "single", "n": 54}, {"pool": "drill", "n": 6}]
    assert full["parts"][0]["title"] == "一、单项选择题（共 60 题，每题 1 分）"
    assert full["parts"][1]["title"] == "二、多项选择题（共 20 题，每题 2 分；错选不得分，少选每个正确选项得 0.5 分）"
    assert full["minutes"] == 120


def test_quiz_script_leaves_answers_and_layout_to_python():
    script = (pages.DOCS / "assets" / "js" / "quiz.js").read_text(encoding="utf-8")
    assert "atob(" not in script and "hideSuffix" not in script, "quiz.js decodes answers itself"
    assert not re.search(r"每题 \d|单项选择题|多项选择题", script), "quiz.js spells the paper layout"
