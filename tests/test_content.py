"""The handbook's chapters: every required section is there, every page is framed the same way."""

import re
from pathlib import Path

import pytest
import yaml

from tools import postbuild

REQUIRED_DIR = Path(__file__).parent / "required"


def _required():
    """page (built .html) -> heading ids or "text:" phrases, from one file per chapter in tests/required/."""
    wanted = {}
    for path in sorted(REQUIRED_DIR.glob("*.yml")):
        for page, items in yaml.safe_load(path.read_text(encoding="utf-8"))["pages"].items():
            assert page.startswith(path.stem + "/"), f"{path.name}: {page} 不在本章文件夹里"
            wanted[page.replace(".md", ".html")] = items
    return wanted


REQUIRED = _required()
ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_ON_DISK = sorted(p.name for p in Path("docs").iterdir() if p.is_dir() and (p / "summary.md").is_file())


@pytest.mark.parametrize("page, wanted", REQUIRED.items())
def test_required_sections_present(site_dir, page, wanted):
    html = (site_dir / page).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    for want in wanted:
        if want.startswith("text:"):
            assert want[5:] in text, f"{page} 缺少：{want[5:]}"
        else:
            assert f'id="{want}"' in html, f"{page} 缺少小节 #{want}"


def test_all_nine_who_principles_listed(site_dir):
    html = (site_dir / "palliative/principles.html").read_text(encoding="utf-8")
    assert all(re.search(rf'id="{n}-', html) for n in range(1, 10))


@pytest.mark.parametrize("chapter", CHAPTERS_ON_DISK)
def test_every_chapter_folder_is_held_to_the_page_frame(site_dir, chapter):
    """The post-build check covers each chapter: its real summary page passes, and the same page
    without its 提要, or with a section after 参考来源, stops the build naming the page."""
    rel = f"{chapter}/summary.html"
    html = (site_dir / rel).read_text(encoding="utf-8")
    postbuild.check_page(rel, html)
    without_abstract = html.replace('<div class="admonition abstract">', '<div class="admonition note">', 1)
    with pytest.raises(postbuild.PostBuildError, match=rf"^{chapter}/summary\.md：.*提要"):
        postbuild.check_page(rel, without_abstract)
    section_after = html.replace("</article>", '<h2 id="more">又一节</h2></article>', 1)
    with pytest.raises(postbuild.PostBuildError, match=rf"^{chapter}/summary\.md：.*最后一节"):
        postbuild.check_page(rel, section_after)


def test_build_stops_on_page_without_abstract():
    with pytest.raises(postbuild.PostBuildError, match=r"^casework/x\.md：.*提要"):
        postbuild.check_page("casework/x.html", '<h1>x</h1><p>正文</p><h2 id="sources">参考来源</h2>')


def test_build_stops_on_page_without_sources():
    with pytest.raises(postbuild.PostBuildError, match=r"^support/x\.md：缺少“参考来源”"):
        postbuild.check_page("support/x.html", '<h1>x</h1><div class="admonition abstract">提要</div><p>正文</p>')


def test_glossary_terms_all_link_into_the_handbook(site_dir):
    html = (site_dir / "reference/glossary.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>\s*<td><a href=\"([^\"]+)\">", html)
    assert len(rows) >= 60
    for href in rows:
        page, _, anchor = href.partition("#")
        target = (site_dir / "reference" / page).resolve()
        assert target.is_file(), href
        if anchor:
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), href


def test_a_chapter_is_titled_once_in_the_nav():
    """A chapter is a folder of docs/ with a summary page; its title is its nav section's (mkdocs.yml), without
    the exam chapter the nav may add to it. The bank, the practice pages and the post-build checks read it there."""
    from catalog.chapters import load_chapters

    chapters = load_chapters()
    assert sorted(chapters) == CHAPTERS_ON_DISK
    # mkdocs.yml: "医务社会工作专题（{chapter:shiwu-medical}）" opens medical/, "会谈技巧" opens interview/.
    assert chapters["medical"] == "医务社会工作专题"
    assert chapters["interview"] == "会谈技巧"


def test_a_chapter_missing_from_the_nav_stops_the_build(tmp_path, monkeypatch):
    from catalog import chapters
    from catalog.datafiles import DataFileError

    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    without = re.sub(r"^      - 会谈技巧:\n(?:          - .*\n)+", "", text, flags=re.MULTILINE)
    assert "interview/index.md" not in without
    (tmp_path / "mkdocs.yml").write_text(without, encoding="utf-8")
    monkeypatch.setattr(chapters, "MKDOCS", tmp_path / "mkdocs.yml")
    with pytest.raises(DataFileError, match=r"mkdocs\.yml.*interview"):
        chapters.load_chapters()
