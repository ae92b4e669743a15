"""考点 boxes say which paper they belong to; material outside the papers is never labelled 考点."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from macros import content

DOCS = Path("docs")
PAPERS = (
    "《社会工作综合能力》（初级）个案工作方法",
    "《社会工作综合能力》（中级）个案工作方法",
    "《社会工作实务》（初级）第一章 通用过程",
    "《社会工作实务》（初级）第十三章 医务社会工作",
)
# These chapters follow the slides, the web page, the 2023 paper and the department article: none is exam material.
NOT_EXAM = ("overview", "palliative", "support")
# Chapters whose running text once named the handbook's sources by bare code ("s003 特别提醒").
CITED_IN_PROSE = ("overview", "casework", "interview", "palliative", "support", "reference")
EXAM_BOX = re.compile(r'^!!! exam\b(?: "([^"]*)")?', re.M)


def _pages(*chapters):
    return sorted(p for c in chapters for p in (DOCS / c).glob("*.md"))


@pytest.mark.parametrize("page", sorted(DOCS.rglob("*.md")), ids=str)
def test_every_exam_box_names_its_paper(page):
    for title in EXAM_BOX.findall(page.read_text(encoding="utf-8")):
        assert any(title == f"考点 · {paper}" for paper in PAPERS), f"{page}: 考点框标题未写明科目和章节：{title!r}"


@pytest.mark.parametrize("page", _pages(*NOT_EXAM), ids=str)
def test_pages_built_on_non_exam_sources_carry_no_unexplained_exam_box(page):
    """Only the 综合能力 个案工作方法 roles may appear here as 考点; the rest of these chapters is 要点."""
    for title in EXAM_BOX.findall(page.read_text(encoding="utf-8")):
        assert "《社会工作综合能力》" in title, f"{page}: 课件、网页、论文的内容不能标为考点：{title}"


@pytest.mark.parametrize("page", _pages("casework", "interview"), ids=str)
def test_casework_and_interview_boxes_follow_zonghe(page):
    for title in EXAM_BOX.findall(page.read_text(encoding="utf-8")):
        assert "《社会工作综合能力》" in title and "实务" not in title, f"{page}: {title}"


@pytest.mark.parametrize("page", _pages(*CITED_IN_PROSE), ids=str)
def test_running_text_names_no_bare_source_code(page):
    for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if "sources(" in line:
            continue
        text = re.sub(r"\{:[^}]*\}", "", line)  # a heading's explicit id is not read by anyone
        assert not re.search(r"s00[0-4]", text), f"{page}:{n}: {line.strip()}"


def _notes(markdown, docs):
    """The exam-basis notes sources() adds to a page with this markdown (read from its source file)."""
    (docs / "casework").mkdir(parents=True, exist_ok=True)
    (docs / "casework" / "intake.md").write_text(markdown, encoding="utf-8")
    env = SimpleNamespace(
        page=SimpleNamespace(file=SimpleNamespace(src_uri="casework/intake.md"), url="casework/intake/"),
        conf={"docs_dir": str(docs)},
    )
    macros = {}
    env.macro = lambda f: macros.setdefault(f.__name__, f)
    content.register(env)
    out = macros["sources"]("s003")
    return [paper for paper, note in content.EXAM_BASIS.items() if note in out]


def test_exam_basis_note_appears_only_with_a_box_and_names_its_paper(tmp_path):
    assert _notes("正文，没有考点框。\n", tmp_path) == []
    assert _notes('!!! exam "考点 · 《社会工作综合能力》（初级）个案工作方法"\n    - x\n', tmp_path) == [
        "《社会工作综合能力》"
    ]
    assert _notes('!!! exam "考点 · 《社会工作实务》（初级）第一章 通用过程"\n    - x\n', tmp_path) == [
        "《社会工作实务》"
    ]
