"""The case-analysis data (data/cases/): every case loads, covers the issue's twelve topics, has its
page and nav line, and the loader names the file, the entry and the rule of every mistake; the
pre-check's agreement with a human marker on ten sample answers is measured."""

from pathlib import Path

import pytest
import yaml

from catalog import cases
from catalog.datafiles import DataFileError
from engine import rubric

ROOT = Path(__file__).resolve().parent.parent
CASES = cases.load_all()
# The twelve settings issue 24 asks for.
TOPICS = {
    "oncology-disclosure",
    "icu-family-meeting",
    "child-chronic-school",
    "older-discharge",
    "psychiatric-family",
    "hospice-bereavement",
    "ward-dispute",
    "rural-costs",
    "minor-self-harm",
    "public-health-outreach",
    "volunteer-programme",
    "carers-group",
}


def test_the_twelve_cases_load_with_every_kind_of_sub_question():
    assert set(CASES) >= TOPICS
    kinds = {q["kind"] for c in CASES.values() for q in c["questions"]}
    assert kinds == set(cases.KINDS)
    assert sum(1 for c in CASES.values() if any(q["kind"] == "plan" for q in c["questions"])) >= 3


def test_every_case_has_its_page_and_nav_line():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for cid in CASES:
        page = ROOT / "docs" / "exam" / "cases" / f"{cid}.md"
        assert f'case_paper("{cid}")' in page.read_text(encoding="utf-8")
        assert f"- exam/cases/{cid}.md" in nav


def test_each_model_answer_is_recognised_by_its_own_rubric():
    """The key terms fit the model answers: the pre-check credits every point of each model answer."""
    for cid, case in CASES.items():
        for q in case["questions"]:
            result = rubric.precheck(q["points"], q["model"])
            missed = [p["id"] for p in result["points"] if not p["covered"]]
            assert not missed, f"{cid} {q['id']} 参考答案没有被识别的要点：{missed}"


def _case_file(tmp_path, change):
    source = yaml.safe_load((cases.CASES / "ward-dispute.yml").read_text(encoding="utf-8"))
    change(source)
    path = tmp_path / f"{source['id']}.yml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    return path


def _point(case, q=1, p=0):
    return case["questions"][q]["points"][p]


BROKEN = [
    ("未知章节", lambda c: c.update(chapter="zj-unknown"), "chapter 应为"),
    ("一个词就算覆盖", lambda c: _point(c).update(need=1), "need 应在 2 到"),
    ("只有一组关键词", lambda c: _point(c).update(terms=[["安全"]]), "至少两组关键词"),
    ("分值对不上", lambda c: _point(c).update(marks=5), "各要点分值之和"),
    ("小节不存在", lambda c: _point(c).update(sections=["ethics/disputes.md#没有这一节"]), "小节不存在"),
    ("页面不存在", lambda c: _point(c).update(sections=["ethics/nowhere.md"]), "页面不存在"),
    ("未知字段", lambda c: _point(c).update(keywords=["x"]), "未知字段"),
    ("小题太少", lambda c: c.update(questions=c["questions"][:2]), "3–4 道小题"),
    ("文献不存在", lambda c: c.update(sources=["no-such-ref"]), "不在 data/references.yml"),
    ("方案题缺要素", lambda c: c["questions"][1].update(kind="plan"), "方案要素"),
]


@pytest.mark.parametrize("name, change, rule", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_case_is_refused_naming_file_entry_and_rule(tmp_path, name, change, rule):
    path = _case_file(tmp_path, change)
    with pytest.raises(DataFileError) as caught:
        cases.load_case(path)
    message = str(caught.value)
    assert "ward-dispute.yml" in message and "ward-dispute" in message and rule in message, message


SAMPLES = ROOT / "tests" / "golden" / "rubric"


def agreement(name):
    """(points where the pre-check agrees with the human marking, points in all, answers marked alike)."""
    samples = yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))["samples"]
    assert len(samples) == 10
    same = total = same_marks = 0
    for sample in samples:
        question = next(q for q in CASES[sample["case"]]["questions"] if q["id"] == sample["question"])
        result = rubric.precheck(question["points"], sample["answer"])
        suggested = {p["id"] for p in result["points"] if p["covered"]}
        marked = set(sample["marked"])
        for point in question["points"]:
            total += 1
            same += (point["id"] in suggested) == (point["id"] in marked)
        same_marks += (
            rubric.total(question["points"], sorted(suggested))["points"]
            == rubric.total(question["points"], sorted(marked))["points"]
        )
    return same, total, same_marks


@pytest.mark.parametrize(
    "name, floor",
    [
        # The ten answers the key terms were adjusted to (22/31 points before, 31/31 after): a regression guard.
        ("samples.yml", 0.9),
        # Ten answers written and marked afterwards and not tuned to (19/30 when measured): the honest
        # figure. The floor guards against the pre-check getting worse; it is not a claim of accuracy.
        ("holdout.yml", 0.6),
    ],
)
def test_agreement_of_the_pre_check_with_a_human_marker(name, floor):
    same, total, same_marks = agreement(name)
    print(f"\n{name}：预判与人工评分一致 {same}/{total} 个要点，{same_marks}/10 份答案总分相同")
    assert same >= floor * total
