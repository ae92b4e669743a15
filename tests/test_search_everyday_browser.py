"""Everyday words find the page that answers them (issue 23): 30 queries typed one after another into ONE search
page, as a ward worker would, each expected in the first three result pages. The words come from
data/search_synonyms.yml or the pages' own text; the targets are the pages that answer them."""

import pytest

from tests.test_search_browser import TOP, WATCH_SEARCH, rank, search_top

pytestmark = pytest.mark.browser

EVERYDAY = [
    ("医闹", ["ethics/disputes.html"]),
    ("闹事", ["ethics/disputes.html"]),
    ("家属闹事", ["ethics/disputes.html"]),
    ("病人家属闹事", ["ethics/disputes.html"]),
    ("想不开", ["hospital/crisis.html"]),
    ("轻生", ["hospital/crisis.html"]),
    ("割腕", ["hospital/crisis.html"]),
    ("心理热线", ["hospital/crisis.html"]),
    ("12356", ["hospital/crisis.html"]),
    ("没钱看病", ["hospital/resources.html"]),
    ("交不起住院费", ["hospital/resources.html"]),
    ("欠费", ["hospital/resources.html"]),
    ("众筹", ["hospital/resources.html"]),
    ("工伤", ["hospital/resources.html"]),
    ("车祸", ["hospital/resources.html"]),
    ("肇事逃逸", ["hospital/resources.html"]),
    ("疾病应急救助", ["hospital/resources.html"]),
    ("虐童", ["hospital/children.html"]),
    ("孩子自残", ["hospital/children.html"]),
    ("红包", ["ethics/boundaries.html"]),
    ("加微信", ["ethics/boundaries.html"]),
    ("瞒着病人", ["ethics/consent.html"]),
    ("出院没人管", ["hospital/discharge.html"]),
    ("养老院", ["hospital/discharge.html"]),
    ("老人走丢", ["hospital/older.html"]),
    ("家人去世", ["palliative/grief.html"]),
    ("社工累", ["ethics/supervision.html"]),
    ("精神病人", ["hospital/mental-health.html"]),
    ("开家庭会", ["ethics/family-meeting.html"]),
    ("通用过程", ["process/index.html"]),
]


def test_thirty_everyday_queries_in_one_search_page(page, base_url):
    assert len(EVERYDAY) == 30
    page.add_init_script(WATCH_SEARCH)
    page.goto(base_url)
    misses = []
    for word, targets in EVERYDAY:
        pages = search_top(page, word, targets)
        place = rank(pages, targets)
        if place is None or place > TOP:
            misses.append(f"“{word}”：{targets[0]} 不在前 {TOP}（实际 {pages[:4]}）")
        page.keyboard.press("Escape")
    assert not misses, "\n".join(misses)
