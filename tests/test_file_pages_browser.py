"""Pages opened as files (file://, a double-click on the unzipped site): the browser runs no module,
worker or fetch there, so the pages that would wait for the question bank, the search index or the
offline copy say what works and how to serve the site (issue 25), as the calculators do."""

import pytest
from playwright.sync_api import expect

from engine import contract

pytestmark = pytest.mark.browser
SERVE = "python3 tools/serve.py site"


@pytest.mark.parametrize("rel", ["exam/drills.html", "exam/mock.html", "exam/mistakes.html", "hospital/exercises.html"])
def test_quiz_pages_explain_instead_of_waiting(page, site_dir, rel):
    page.goto((site_dir / rel).as_uri())
    note = page.locator("[data-quiz] .hb-quiz__loading").first
    expect(note).to_contain_text(SERVE)
    expect(note).not_to_contain_text("正在加载")


def test_search_explains_instead_of_initialising(page, site_dir):
    page.goto((site_dir / "index.html").as_uri())
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_contain_text(SERVE)
    expect(meta).not_to_contain_text("正在初始化")


def test_privacy_save_box_explains(page, site_dir):
    page.goto((site_dir / "privacy.html").as_uri())
    box = page.locator("[data-offline-save]")
    expect(box).to_contain_text("从本地文件打开时不可用")
    expect(box).to_contain_text(SERVE)


def test_calculator_pages_still_say_so(page, site_dir):
    page.goto((site_dir / "scales/phq9.html").as_uri())
    expect(page.locator("[data-instrument='phq9']")).to_contain_text(contract.NOT_RUNNING["calculator"][:20])
