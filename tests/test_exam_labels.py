"""考点 boxes name a chapter of the syllabus (data/syllabus.yml) by id; material outside the papers is never 考点."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from catalog import syllabus
from macros import content

DOCS = Path("docs")
CHAPTERS = set(syllabus.load_syllabus()["chapters"])
ZONGHE = {"zonghe-casework", "zhongji-casework"}
# These chapters follow the slides, the web page, the 2023 paper and the department article: none is exam material.
NOT_EXAM = ("overview", "palliative", "support")
# Chapters whose running text once named the handbook's sources by bare code ("s003 特别提醒").
CITED_IN_PROSE = ("overview", "casework", "interview", "palliative", "support", "reference")
EXAM_BOX = re.compile(r'^!!! exam\b(?: "([^"]*)")?', re.M)
BY_ID = re.compile(r"^\{\{ exam_box\('([a-z0-9-]+)'\) \}\}$")


def _ids(page):
    """The chapter id of every 考点 box on the page; a box not written as exam_box('<id>') gives None."""
    return [(m.group(1) if (m := BY_ID.match(t)) else None) for t in EXAM_BOX.findall(page.read_text(encoding="utf-8"))]


def _pages(*chapters):
    return sorted(p for c in chapters for p in (DOCS / c).glob("*.md"))


def _boxes(pages):
    """[(page, chapter id or None)] of every 考点 box on the pages."""
    return [(page, cid) for page in pages for cid in _ids(page)]


def test_every_exam_box_names_a_syllabus_chapter():
    """The title is rendered from the syllabus, so a new edition changes one file, not every box."""
    boxes = _boxes(sorted(DOCS.rglob("*.md")))
    assert len(boxes) > 20  # the handbook's 考点 boxes are found at all
    wrong = [f"{page}: {cid!r}" for page, cid in boxes if cid not in CHAPTERS]
    assert not wrong, "考点框应写成 exam_box('<data/syllabus.yml 的章节 id>')：\n" + "\n".join(wrong)


def test_pages_built_on_non_exam_sources_carry_no_unexplained_exam_box():
    """Only the 综合能力 个案工作方法 roles may appear here as 考点; the rest of these chapters is 要点."""
    wrong = [f"{page}: {cid}" for page, cid in _boxes(_pages(*NOT_EXAM)) if cid not in ZONGHE]
    assert not wrong, "课件、网页、论文的内容不能标为考点：\n" + "\n".join(wrong)


def test_casework_and_interview_boxes_follow_zonghe():
    boxes = _boxes(_pages("casework", "interview"))
    assert boxes  # these chapters are examined in 综合能力 and carry boxes
    wrong = [f"{page}: {cid}" for page, cid in boxes if cid not in ZONGHE]
    assert not wrong, "\n".join(wrong)


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
    assert _notes("!!! exam \"{{ exam_box('zonghe-casework') }}\"\n    - x\n", tmp_path) == ["《社会工作综合能力》"]
    assert _notes("!!! exam \"{{ exam_box('shiwu-process') }}\"\n    - x\n", tmp_path) == ["《社会工作实务》"]
