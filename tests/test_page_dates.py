"""Dated pages and the errata list (data/checked.yml, data/errata.yml) — issue 23."""

import pytest

from catalog import page_dates
from catalog.datafiles import DATA, DataFileError

CHAPTERS = ("overview", "process", "medical", "casework", "models", "interview", "palliative", "hospital")
CHAPTERS += ("ethics", "support", "practice", "exam")


def test_every_practice_and_exam_chapter_has_a_date():
    checked = page_dates.load_checked()
    for chapter in CHAPTERS:
        assert page_dates.checked_on(checked, f"{chapter}/index.md"), chapter
    assert page_dates.checked_on(checked, "index.md") is None


def test_a_chapter_without_a_date_stops_the_build(tmp_path):
    text = (DATA / "checked.yml").read_text(encoding="utf-8").replace('  support: "2026-12-03"\n', "")
    (tmp_path / "checked.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match="章 support 没有核对日期"):
        page_dates.load_checked(tmp_path / "checked.yml")


def test_a_page_date_overrides_its_chapter():
    checked = {"chapters": {"ethics": "2026-12-03"}, "pages": {"ethics/mdt.md": "2026-12-07"}}
    assert page_dates.checked_on(checked, "ethics/mdt.md") == "2026-12-07"
    assert page_dates.checked_on(checked, "ethics/consent.md") == "2026-12-03"


def test_this_issues_corrections_are_listed_newest_first():
    entries = page_dates.load_errata()
    pages = {e["page"] for e in entries if e["date"] == "2026-12-07"}
    assert {"hospital/crisis.md", "hospital/children.md", "hospital/resources.md", "ethics/mdt.md"} <= pages
    assert [e["date"] for e in entries] == sorted((e["date"] for e in entries), reverse=True)


@pytest.mark.parametrize(
    "text, rule",
    [
        ("chapters: {hospital: '2026-13-01'}\npages: {}\n", "YYYY-MM-DD"),
        ("chapters: {}\n", "chapters 和 pages"),
        ("chapters: {}\npages: {crisis: '2026-12-07'}\n", "docs 下的路径"),
    ],
)
def test_bad_checked_file_is_one_clear_message(tmp_path, text, rule):
    path = tmp_path / "checked.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        page_dates.load_checked(path)
    assert rule in str(caught.value)


def test_an_erratum_without_its_change_is_refused(tmp_path):
    path = tmp_path / "errata.yml"
    path.write_text("entries:\n  - date: '2026-12-07'\n    page: hospital/crisis.md\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        page_dates.load_errata(path)
    assert "change" in str(caught.value)


def test_built_pages_show_the_date_from_data(site_dir):
    crisis = (site_dir / "hospital" / "crisis.html").read_text(encoding="utf-8")
    assert "事实最后核对：2026-12-07" in crisis and "reference/errata.html" in crisis
    assert "事实最后核对" in (site_dir / "exam" / "mock.html").read_text(encoding="utf-8")
    assert "事实最后核对" not in (site_dir / "index.html").read_text(encoding="utf-8")
    errata = (site_dir / "reference" / "errata.html").read_text(encoding="utf-8")
    assert errata.count("<tr>") >= len(page_dates.load_errata())
