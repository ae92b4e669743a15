"""Scale calculators in Chromium, under MicroPython and Pyodide: the browser agrees with CPython."""

import pytest
from playwright.sync_api import expect

from catalog.instruments import load_all
from engine import scoring
from tests import golden_walker
from tests.browser_helpers import ENGINE_CALLS, engine_ready, replay_goldens, result_of, wait_total
from tests.conftest import built_site
from tools import serve
from tools.browser import PHONE

pytestmark = pytest.mark.browser
RUNTIMES = ["micropython", "pyodide"]


@pytest.fixture(scope="module")
def runtime_url(request):
    """The site served for one runtime: MicroPython unless a test asks for each (the pages' own scripts are the
    same for both, so only the golden walker runs under Pyodide)."""
    runtime = getattr(request, "param", RUNTIMES[0])
    server, url = serve.start(built_site(runtime))
    yield runtime, url
    server.shutdown()


@pytest.fixture
def calc_page(browser, runtime_url):
    runtime, url = runtime_url
    ctx = browser.new_context(viewport=PHONE, service_workers="block", locale="zh-CN")
    page = ctx.new_page()
    page.base = url
    yield page
    ctx.close()


@pytest.mark.parametrize("runtime_url", RUNTIMES, indirect=True)
def test_browser_walks_every_golden_case(calc_page, runtime_url):
    """The golden walker in the browser: every scoring, decision and grading case through the worker."""
    runtime, _ = runtime_url
    page = calc_page
    page.goto(page.base + "scales/phq9.html")
    engine_ready(page, timeout=120000)
    walk = golden_walker.cases()
    assert len(walk) >= 17 * 4
    replay_goldens(page, walk, runtime)


def click_answers(page, instrument, answers):
    root = page.locator(f"[data-instrument='{instrument}']")
    for key, value in answers.items():
        root.locator(f"input[data-item='{key}'][value='{value}']").check()
    return root


def test_phq9_by_clicking_shows_total_band_and_item9_flag(calc_page):
    page = calc_page
    page.goto(page.base + "scales/phq9.html")
    # 1+1+1+1+1+1+1+1+2 = 10: moderate (10–14), and item 9 > 0 raises the suicide-risk flag.
    root = click_answers(page, "phq9", {str(i): 1 for i in range(1, 9)} | {"9": 2})
    wait_total(page, "phq9", "10", timeout=120000)
    expect(root.locator("[data-result='band']")).to_contain_text("中度")
    expect(root.locator("[data-flag-note='item9']")).to_be_visible()
    # Change one answer: the total follows, the band drops to mild (5–9).
    root.locator("input[data-item='9'][value='0']").check()
    wait_total(page, "phq9", "8")
    expect(root.locator("[data-result='band']")).to_contain_text("轻度")
    expect(root.locator("[data-flag-note='item9']")).to_be_hidden()


def test_missing_items_are_named_and_no_total_shown(calc_page):
    page = calc_page
    page.goto(page.base + "scales/gad7.html")
    root = click_answers(page, "gad7", {"1": 1, "2": 2, "3": 0})
    expect(result_of(page, "gad7", "missing")).to_contain_text("第 7 题", timeout=120000)
    expect(root.locator("[data-result='total']")).to_have_text("—")
    expect(root.locator("[data-result='missing']")).to_contain_text("第 4 题")


def test_out_of_range_entry_gets_chinese_message_not_a_number(calc_page):
    page = calc_page
    page.goto(page.base + "scales/cdrisc10.html")
    root = page.locator("[data-instrument='cdrisc10']")
    for key in range(1, 11):
        root.locator(f"input[data-item='{key}']").fill("3")
    wait_total(page, "cdrisc10", "30", timeout=120000)
    root.locator("input[data-item='4']").fill("9")
    page.wait_for_function(
        "document.querySelector(\"[data-instrument='cdrisc10'] [data-result='error']\").textContent.length > 0"
    )
    expect(root.locator("[data-result='error']")).to_contain_text("第 4 题")
    expect(root.locator("[data-result='total']")).to_have_text("—")


def test_answers_given_before_engine_starts_are_scored_once_it_does(browser, base_url):
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    held = []
    ctx.route("**/micropython.wasm", lambda route: held.append(route))  # hold the runtime back until the form is filled
    page = ctx.new_page()
    page.goto(base_url + "scales/phq9.html")
    root = click_answers(page, "phq9", {str(i): 0 for i in range(1, 10)})
    expect(root.locator("[data-result='status']")).to_contain_text("正在启动")
    assert root.locator("[data-result='total']").inner_text() in ("—", "…")
    assert held, "the runtime was never requested"
    held[0].continue_()
    wait_total(page, "phq9", "0")
    ctx.close()


def test_no_runtime_says_so_and_shows_no_number(browser, base_url):
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    ctx.route("**/micropython.wasm", lambda route: route.abort())
    page = ctx.new_page()
    page.goto(base_url + "scales/phq9.html")
    root = click_answers(page, "phq9", {str(i): 1 for i in range(1, 10)})
    expect(result_of(page, "phq9", "status")).to_contain_text("手工计分", timeout=60000)
    assert root.locator("[data-result='total']").inner_text() in ("—", "…")
    assert root.locator("text=评分方法").count() >= 1  # the hand-scoring key is on the page
    ctx.close()


def test_content_pages_load_no_python_runtime(context, page, base_url):
    page.goto(base_url + "interview/empathy.html", wait_until="networkidle")
    page.goto(base_url + "casework/closing.html", wait_until="networkidle")
    assert not [u for u in context.requests.urls if "/assets/vendor/" in u or "engine-worker" in u]
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page)
    assert any(u.endswith("micropython.wasm") for u in context.requests.urls)


def test_one_worker_survives_instant_navigation(context, page, base_url):
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page)
    page.wait_for_load_state("networkidle")  # Material intercepts links once it has read the sitemap
    page.evaluate("window.sameDocument = true")
    page.locator("a.md-footer__link--next[href$='gad7.html']").click()
    page.wait_for_url(lambda url: "/scales/gad7.html" in url)
    assert page.evaluate("window.sameDocument === true"), "the click reloaded the page: instant navigation is off"
    click_answers(page, "gad7", {str(i): 3 for i in range(1, 8)})
    wait_total(page, "gad7", "21")
    assert sum(u.endswith("micropython.wasm") for u in context.requests.urls) == 1


def test_pre_post_comparison_and_copy_line_match_cpython(browser, base_url):
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = ctx.new_page()
    page.goto(base_url + "scales/phq9.html")
    spec = load_all()["phq9"]
    before_answers = {str(i): 2 for i in range(1, 10)}  # 18: moderately severe
    after_answers = {str(i): 1 for i in range(1, 9)} | {"9": 0}  # 8: mild
    root = click_answers(page, "phq9", before_answers)
    wait_total(page, "phq9", "18", timeout=60000)
    root.get_by_role("button", name="记为前测").click()
    expect(root.locator("[data-result='total']")).to_have_text("—")  # the form is cleared for the post-test
    click_answers(page, "phq9", after_answers)
    before, after = scoring.score(spec, before_answers), scoring.score(spec, after_answers)
    expected = scoring.compare(spec, before, after)["text"]
    assert expected
    page.wait_for_function("(t) => document.querySelector('[data-compare-text]').textContent === t", arg=expected)
    root.get_by_role("button", name="复制结果").click()
    page.wait_for_function("document.querySelector(\"[data-action='copy']\").textContent === '已复制'")
    today = page.evaluate("new Date().toLocaleDateString('sv-SE')")  # local YYYY-MM-DD, as the page writes it
    assert page.evaluate("navigator.clipboard.readText()") == scoring.summary_line(spec, after, today)
    ctx.close()


def test_brs_mean_shows_two_decimals_on_the_page_and_in_the_copy(browser, base_url):
    """Issue 14: the page showed "3" while the copied line said "3.00"."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = ctx.new_page()
    page.goto(base_url + "scales/brs.html")
    answers = {str(i): 3 for i in range(1, 7)}
    root = click_answers(page, "brs", answers)
    wait_total(page, "brs", "3.00")
    root.get_by_role("button", name="复制结果").click()
    expect(root.locator("[data-action='copy']")).to_have_text("已复制")
    assert "平均分 3.00" in page.evaluate("navigator.clipboard.readText()")
    ctx.close()


def throttled(page, rate=20):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return cdp


def slow_engine(page):
    """Make every engine call take 400 ms longer, so the test can act while scoring is under way."""
    page.evaluate("""() => {
        const post = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (message) {
            setTimeout(() => post.call(this, message), 400);
        };
    }""")


def engine_drained(page):
    """Return once the engine has answered every call the page sent before this one (the worker answers in
    order): a reply to an older call has been drawn, or dropped, by then."""
    page.evaluate(ENGINE_CALLS, [{"fn": "view", "args": ["phq9", {}]}])


def phq9_at_9(page):
    """PHQ-9 scored at 9, with the engine slowed down and the CPU throttled."""
    root = click_answers(page, "phq9", {str(i): 1 for i in range(1, 10)})
    wait_total(page, "phq9", "9")
    slow_engine(page)
    throttled(page)
    return root


def fire_during_scoring(page, action):
    """Change item 1 to 3 (the form now scores 11) and press a button before that scoring has answered."""
    page.evaluate(
        """(action) => {
        const root = document.querySelector("[data-instrument='phq9']");
        const radio = root.querySelector("input[data-item='1'][value='3']");
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        root.querySelector(`[data-action='${action}']`).click();
    }""",
        action,
    )


@pytest.fixture
def phq9(browser, base_url):
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    page = ctx.new_page()
    page.add_init_script(
        "window.__copied = []; navigator.clipboard.writeText = async (t) => { window.__copied.push(t); };"
    )
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page)
    yield page
    ctx.close()


def test_clear_during_scoring_leaves_the_form_empty(phq9):
    """Issue 13.2: a form cleared while the last answer was being scored showed "11（中度）"."""
    phq9_at_9(phq9)
    fire_during_scoring(phq9, "reset")
    engine_drained(phq9)  # the scoring of the cleared answers has answered and had its chance to be drawn
    expect(result_of(phq9, "phq9", "total")).to_have_text("—")
    expect(result_of(phq9, "phq9", "band")).to_have_text("")


def test_pre_test_during_scoring_records_the_answers_on_the_form(phq9):
    """Issue 13.2: the pre-test was recorded as 9 while the form scored 11."""
    root = phq9_at_9(phq9)
    fire_during_scoring(phq9, "pre")
    expect(root.locator("[data-compare-text]")).to_contain_text("11", timeout=20000)
    expect(root.locator("[data-compare-text]")).not_to_contain_text(" 9")


def test_copy_during_scoring_copies_the_answers_on_the_form(phq9):
    """Issue 13.2: the clipboard got "总分 9" while the page showed 11."""
    phq9_at_9(phq9)
    fire_during_scoring(phq9, "copy")
    phq9.wait_for_function("window.__copied.length > 0", timeout=20000)
    copied = phq9.evaluate("window.__copied[0]")
    assert "总分 11" in copied, copied
    wait_total(phq9, "phq9", "11")


def test_unreadable_number_says_not_a_number(calc_page):
    """Issue 13.6: "abc"-like input counted as missing and gave a prorated total."""
    page = calc_page
    page.goto(page.base + "scales/cdrisc10.html")
    root = page.locator("[data-instrument='cdrisc10']")
    for key in range(1, 11):
        root.locator(f"input[data-item='{key}']").fill("3")
    wait_total(page, "cdrisc10", "30")
    root.locator("input[data-item='4']").fill("")
    root.locator("input[data-item='4']").press_sequentially("e")
    assert root.locator("input[data-item='4']").evaluate("el => el.validity.badInput")
    expect(result_of(page, "cdrisc10", "error")).to_contain_text("第 4 题")
    expect(result_of(page, "cdrisc10", "error")).to_contain_text("不是数字")
    expect(result_of(page, "cdrisc10", "total")).to_have_text("—")


def test_file_url_says_what_works_and_how_to_serve(browser, site_dir):
    """Issue 13.7: opened as a file, the calculator waited forever on "正在启动评分引擎……"."""
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    page.goto((site_dir / "scales" / "phq9.html").as_uri())
    status = result_of(page, "phq9", "status")
    expect(status).to_contain_text("本地文件")
    expect(status).to_contain_text("serve.py")
    page.wait_for_load_state("load")  # whatever scripts can run have run: the message still stands
    expect(status).to_contain_text("手工计分")
    ctx.close()


def test_without_javascript_the_page_says_what_works(browser, base_url):
    ctx = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(base_url + "scales/phq9.html")
    expect(result_of(page, "phq9", "status")).to_contain_text("JavaScript")
    expect(result_of(page, "phq9", "status")).to_contain_text("手工计分")
    ctx.close()


def random_answer_sets(spec, count, rng):
    """Answer sets written as text, padded with every kind of space CPython strips, some blank or odd."""
    spaces = list(scoring.SPACES)
    sets = []
    for _ in range(count):
        answers = {}
        for item in spec["items"]:
            values = (
                sorted(o["value"] for o in item["options"])
                if "options" in item
                else list(range(item["range"]["min"], item["range"]["max"] + 1, item["range"].get("step", 1)))
            )
            roll = rng.random()
            if roll < 0.1:
                continue
            value = str(rng.choice(values)) if roll < 0.9 else rng.choice(["x", "1.5", "٣", str(values[-1] + 1)])
            pad = lambda: "".join(rng.choice(spaces) for _ in range(rng.randint(0, 2)))  # noqa: E731
            answers[item["key"]] = pad() + value + pad()
        sets.append(answers)
    return sets


@pytest.mark.parametrize("per_instrument", [250, pytest.param(2000, marks=pytest.mark.slow)], ids=["commit", "release"])
def test_unicode_spaces_score_the_same_in_cpython_and_the_browser(page, base_url, per_instrument):
    """Issue 13.6: answers with U+00A0 or U+3000 scored in CPython but not in MicroPython. Random answer sets with
    spaces of every kind around the values: a sample on every commit, a larger one before a release."""
    import random

    rng = random.Random(13)
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page)
    specs = load_all()
    for ident, spec in sorted(specs.items()):
        sets = random_answer_sets(spec, per_instrument, rng)
        got = page.evaluate(
            """async ([id, sets]) => {
            const out = [];
            for (const answers of sets) {
                try { out.push({ ok: await window.calculators.score(id, answers) }); }
                catch (e) { out.push({ error: e.message }); }
            }
            return out;
        }""",
            [ident, sets],
        )
        for answers, browser_result in zip(sets, got, strict=True):
            try:
                expected = {"ok": scoring.score(spec, answers)}
            except scoring.ScoreError as error:
                expected = {"error": str(error)}
            assert browser_result == expected, f"{ident} {answers!r}"


def copied_line(browser, base_url, instrument, answers, problems=()):
    """Answer a calculator by tapping, tick problem categories, press 复制结果; the clipboard text and today."""
    ctx = browser.new_context(viewport=PHONE, service_workers="block")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page = ctx.new_page()
    page.goto(base_url + f"scales/{instrument}.html")
    root = click_answers(page, instrument, answers)
    for category in problems:
        root.locator(f".hb-problems input[value='{category}']").check()
    expect(root).to_have_attribute("data-complete", "true", timeout=60000)
    root.get_by_role("button", name="复制结果").click()
    expect(root.locator("[data-action='copy']")).to_have_text("已复制")
    today = page.evaluate("new Date().toLocaleDateString('sv-SE')")  # local YYYY-MM-DD, as the page writes it
    text = page.evaluate("navigator.clipboard.readText()")
    ctx.close()
    return text, today


def test_phq9_copy_gives_item_9_value(browser, base_url):
    """Issue 12.1: the copied line said "第 9 题 > 0" but not what the patient answered."""
    answers = {str(i): 1 for i in range(1, 9)} | {"9": 2}  # 8 + 2 = 10: moderate; item 9 "一半以上的天数"
    text, today = copied_line(browser, base_url, "phq9", answers)
    assert text == (
        f"PHQ-9（评分规则 phq9-2001.1）{today}：总分 10，中度；"
        "第 9 题 > 0，需评估自杀风险：第 9 题 = 2（一半以上的天数）。"
    )


def test_dt_copy_lists_the_ticked_problem_areas(browser, base_url):
    """Issue 12.1: the DT's copied line left out the problem areas the reader ticked."""
    text, today = copied_line(browser, base_url, "nccn_dt", {"1": 6}, problems=["emotional", "practical"])
    assert text == (
        f"DT（评分规则 nccn_dt-1998.1）{today}：痛苦评分 6，有临床意义的痛苦；"
        "≥ 4 分，需进一步评估痛苦来源；问题类别：实际问题、情绪问题。"
    )
