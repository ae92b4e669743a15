"""Search finds what ward workers and students type: synonyms and current official terms lead to the concept's own
page, and that page is among the first three result pages (exercise, summary, glossary and index pages rank lower)."""

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser_helpers import WATCH_SEARCH, search_answered

pytestmark = pytest.mark.browser

# What a reader types, and the pages any one of which answers it (the concept's own page; a concept explained on
# two pages, such as hospice care, accepts either).
QUERIES = [
    ("共情", ["interview/empathy.html"]),
    ("同理心", ["interview/empathy.html"]),
    ("对质", ["interview/confrontation.html"]),
    ("自我表露", ["interview/self-disclosure.html"]),
    ("倾听", ["interview/listening.html"]),
    ("澄清", ["interview/clarifying.html"]),
    ("抗逆力", ["support/resilience.html"]),
    ("复原力", ["support/resilience.html"]),
    # The resilience scales carry 心理韧性 in their names (a title match outweighs any page weight), so they come
    # first; the concept page follows them.
    ("心理韧性", ["support/resilience.html", "scales/cdrisc10.html", "scales/cdrisc25.html", "scales/brs.html"]),
    ("优势视角", ["support/strengths.html"]),
    ("社会资本", ["support/social-capital.html"]),
    ("临终关怀", ["palliative/hospice.html", "medical/hospice.html"]),
    ("安宁疗护", ["palliative/hospice.html", "medical/hospice.html"]),
    ("姑息治疗", ["palliative/principles.html"]),
    ("缓和医疗", ["palliative/hospice.html", "palliative/principles.html"]),
    ("舒缓疗护", ["palliative/hospice.html", "palliative/principles.html"]),
    ("哀伤辅导", ["palliative/grief.html"]),
    ("预立医疗照护计划", ["palliative/acp.html"]),
    ("个案管理", ["casework/case-management.html"]),
    ("转介", ["casework/intake.html", "process/intake.html"]),
    ("结案", ["casework/closing.html", "process/closing.html"]),
    ("跟进服务", ["process/closing.html", "casework/closing.html"]),
    ("初步协议", ["process/intake.html"]),
    ("基线测量", ["process/evaluation.html"]),
    ("生态图", ["process/assessment.html"]),
    ("家庭结构图", ["process/assessment.html"]),
    ("家谱图", ["process/assessment.html"]),
    ("个案记录", ["casework/recording.html"]),
    ("危机干预", ["models/crisis.html", "hospital/crisis.html"]),
    ("任务中心", ["models/task-centred.html"]),
    ("心理社会治疗", ["models/psychosocial.html"]),
    ("认知行为", ["models/cognitive.html"]),
    ("以人为中心", ["models/person-centred.html"]),
    ("知情同意", ["ethics/consent.html"]),
    ("病情告知", ["ethics/consent.html"]),
    ("保密", ["ethics/confidentiality.html"]),
    ("双重关系", ["ethics/boundaries.html"]),
    ("家庭会议", ["ethics/family-meeting.html"]),
    ("小组工作", ["ethics/groups.html"]),
    ("督导", ["ethics/supervision.html"]),
    ("同情疲劳", ["ethics/supervision.html"]),
    ("多学科团队", ["ethics/mdt.html"]),
    ("医患纠纷", ["ethics/disputes.html"]),
    ("PHQ-9", ["scales/phq9.html"]),
    ("抑郁", ["scales/phq9.html"]),
    ("焦虑", ["scales/gad7.html"]),
    ("照顾者负担", ["scales/zbi22.html", "scales/csi.html"]),
    ("心理痛苦温度计", ["scales/nccn_dt.html"]),
    ("慢性病", ["medical/chronic.html"]),
    ("精神卫生", ["medical/mental-health.html"]),
    ("互联网医疗", ["overview/internet-plus.html"]),
    ("自杀", ["hospital/crisis.html"]),
    ("自杀风险", ["hospital/crisis.html"]),
    ("出院计划", ["hospital/discharge.html"]),
    ("出院准备", ["hospital/discharge.html"]),
    ("医疗救助", ["hospital/resources.html"]),
    ("大病保险", ["hospital/resources.html"]),
]

TOP = 3


def result_pages(page):
    """The result list as Material shows it: one entry per page (sections are grouped under their page), in order,
    as paths below the site root."""
    return page.evaluate("""() => {
        const root = location.pathname.replace(/[^/]*$/, '');  // searched from the home page
        const pages = [];
        for (const a of document.querySelectorAll('.md-search-result__item > .md-search-result__link')) {
            const path = new URL(a.href).pathname.slice(root.length);
            if (!pages.includes(path)) pages.push(path);
        }
        return pages;
    }""")


def search_top(page, word, targets, top=TOP):
    """Type `word` into the search box as a reader would and wait until the worker has answered the query for the
    whole word and one of `targets` is among the first `top` result pages; return the pages shown."""
    search_answered(page, word)
    ready = """([targets, top]) => {
        const seen = [];
        for (const a of document.querySelectorAll('.md-search-result__item > .md-search-result__link')) {
            const path = new URL(a.href).pathname;
            if (!seen.includes(path)) seen.push(path);
            if (seen.length > top) return false;
            if (targets.some(t => path.endsWith('/' + t))) return true;
        }
        return false;
    }"""
    # A wrong ranking times out here and the caller reports the pages shown; 30 s because a loaded machine's
    # search worker can take seconds to answer.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(ready, arg=[targets, top], timeout=30000)
    return result_pages(page)


def rank(pages, targets):
    """1-based place of the first target among the result pages, or None."""
    for i, p in enumerate(pages, 1):
        if any(p.endswith(t) for t in targets):
            return i
    return None


@pytest.fixture(scope="module")
def search_page(warm_page, base_url):
    """One home page for every query: the search index is built once, as a reader searching twice builds it."""
    warm_page.add_init_script(WATCH_SEARCH)
    warm_page.goto(base_url)
    return warm_page


@pytest.mark.parametrize("word, targets", QUERIES, ids=[word for word, _ in QUERIES])
def test_concept_page_in_first_three_results(search_page, site_dir, word, targets):
    missing = [t for t in targets if not (site_dir / t).is_file()]
    assert not missing, f"搜索“{word}”应找到的页面没有构建：{missing}"
    pages = search_top(search_page, word, targets)
    place = rank(pages, targets)
    assert place is not None and place <= TOP, f"搜索“{word}”：{targets} 不在前 {TOP}；实际前 5 页：{pages[:5]}"


def test_first_query_answers_from_the_small_index_while_the_whole_one_loads(context, base_url):
    """On a slow line the first query does not wait for the whole index (tools/search_gate.js): titles and everyday
    words answer it, and once the whole index is in, the full results replace them without typing again."""
    held = []
    context.route("**/search/search_index.json", lambda route: held.append(route))
    page = context.new_page()
    page.goto(base_url + "casework/intake.html")
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.type("共情")
    box.press("End")
    link = ".md-search-result__item > .md-search-result__link[href*='{}']"
    # 共情 is an everyday word of the empathy page; the supervision page has it only in its text.
    expect(page.locator(link.format("interview/empathy.html")).first).to_be_visible()
    assert len(held) == 1, "the whole index is asked for right after the small one"
    expect(page.locator(link.format("ethics/supervision.html"))).to_have_count(0)
    held[0].continue_()
    expect(page.locator(link.format("ethics/supervision.html")).first).to_be_attached()
