"""Issue 21 in the browser: the engine's transitions in the worker, one current case across the tools,
forms that survive Back and reload (instant navigation on, served by tools/serve.py), two real tabs of one
context that never overwrite each other, and damaged stores that are completed or set aside with a notice.

Expected values: PHQ-9 totals are sums of the clicked answers (0–3 each; range 0–27, Kroenke 2001);
10 is 中度 (10–14); item 9 > 0 raises the item-9 flag.
"""

import json

import pytest
from playwright.sync_api import expect

from engine import contract
from tests import golden_walker
from tests.browser_helpers import CASES_KEY, engine_ready, replay_goldens, wait_total, wired_checklist
from tests.conftest import wipe

pytestmark = pytest.mark.browser
A = contract.ATTR
UNNAMED = contract.UNNAMED_CASE
PHQ9_TEN = {str(i): 1 for i in range(1, 9)} | {"9": 2}  # 8 × 1 + 2 = 10, item 9 = 2


def stored(page):
    return page.evaluate("(key) => JSON.parse(localStorage.getItem(key) || 'null')", CASES_KEY)


def wait_stored(page, script, arg=None):
    """Wait until `script` (a JS expression over `s`, the stored case store) holds."""
    page.wait_for_function(
        f"([key, arg]) => {{ const s = JSON.parse(localStorage.getItem(key) || 'null'); return Boolean(s && ({script})); }}",
        arg=[CASES_KEY, arg],
        # A timer, not animation frames: a tab behind another one draws no frames, and two-tab tests wait on both.
        polling=100,
    )


def test_a_page_test_starts_with_nothing_saved(tab_context, base_url):
    """`page` tests share one context per module (tests/conftest.py): what one test saved is gone for the next."""
    before = tab_context.new_page()
    before.goto(base_url)
    before.evaluate("(key) => localStorage.setItem(key, '{}')", CASES_KEY)
    before.evaluate("() => new Promise((done) => { indexedDB.open('left-behind').onsuccess = done; })")
    before.close()
    wipe(tab_context)
    after = tab_context.new_page()
    after.goto(base_url)
    assert after.evaluate("(key) => localStorage.getItem(key)", CASES_KEY) is None
    assert after.evaluate("indexedDB.databases().then((all) => all.length)") == 0
    after.close()


def click_phq9(page, answers):
    root = page.locator(f"[{A['instrument']}='phq9']")
    for key, value in answers.items():
        root.locator(f"input[data-item='{key}'][value='{value}']").check()
    return root


def test_transition_goldens_in_the_browser_engine(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    engine_ready(page, timeout=120000)
    walk = golden_walker.transition_cases()
    replay_goldens(page, walk, "browser")


def test_saving_a_score_makes_its_case_current_for_the_checklists(page, base_url):
    """Issue 21: 保存到个案 creates 内科-A; the crisis checklist ticked right after files under 内科-A."""
    page.goto(base_url + "scales/phq9.html")
    click_phq9(page, PHQ9_TEN)
    wait_total(page, "phq9", "10")
    box = page.locator(f"[{A['instrument']}='phq9'] [{A['measure_save']}]")
    box.locator("input[type='text']").fill("内科-A")
    box.locator("input[type='date']").fill("2026-11-20")
    box.get_by_role("button", name="保存到个案").click()
    expect(box.locator("[role='status']")).to_contain_text("已保存到个案“内科-A”")
    expect(page.locator("[data-case-chip-label]")).to_have_text("内科-A")
    page.goto(base_url + "practice/checklists/crisis.html")
    root = wired_checklist(page, "crisis")
    expect(page.locator("[data-case-chip-label]")).to_have_text("内科-A")
    expect(page.locator("[data-current-case]").first).to_have_text("内科-A")
    first = root.locator("[data-check]").first
    item = first.get_attribute("data-check")
    first.check()
    wait_stored(page, "s.cases['内科-A']?.checklists?.crisis?.checks?.[arg] === true", item)
    assert UNNAMED not in stored(page)["cases"]


def test_copied_result_carries_the_measure_date_not_today(page, base_url, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + "scales/phq9.html")
    click_phq9(page, PHQ9_TEN)
    wait_total(page, "phq9", "10")
    page.locator(f"[{A['instrument']}='phq9'] [{A['measure_save']}] input[type='date']").fill("2026-11-20")
    page.locator(f"[{A['instrument']}='phq9'] [{A['action']}='copy']").click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()).includes('2026-11-20')")


def test_answers_survive_following_the_flag_link_and_back(page, base_url):
    """Issue 21: PHQ-9 with item 9 = 2, the red flag's link to the crisis checklist, Back: answers kept."""
    page.goto(base_url + "scales/phq9.html")
    click_phq9(page, PHQ9_TEN)
    wait_total(page, "phq9", "10")
    flag = page.locator(f"[{A['flag_note']}='item9']")
    expect(flag).to_be_visible()
    flag.locator("a[href*='crisis']").first.click()
    wired_checklist(page, "crisis")
    page.go_back()
    wait_total(page, "phq9", "10")
    for key, value in PHQ9_TEN.items():
        expect(page.locator(f"input[data-item='{key}'][value='{value}']")).to_be_checked()
    page.reload()
    wait_total(page, "phq9", "10")
    # 清空 forgets the draft: a reload then shows an empty form.
    page.locator(f"[{A['instrument']}='phq9'] [{A['action']}='reset']").click()
    page.reload()
    engine_ready(page)
    expect(page.locator("input[data-item='9'][value='2']")).not_to_be_checked()


def test_a_note_being_typed_survives_reload(page, base_url):
    page.goto(base_url + "practice/checklists/intake.html")
    root = wired_checklist(page, "intake")
    field = root.locator("[data-field]").first
    field.fill("家属下午来访")
    page.reload()
    root = wired_checklist(page, "intake")
    expect(root.locator("[data-field]").first).to_have_value("家属下午来访")


def test_two_tabs_navigator_switch_does_not_move_the_note(context, base_url):
    """Issue 21: navigator in tab A, intake in tab B; a note typed in B stays with the case B showed,
    and B follows A's switch to 个案乙 (its chip and page redraw) before the next edit."""
    a = context.new_page()
    b = context.new_page()
    b.goto(base_url + "practice/checklists/intake.html")
    intake = wired_checklist(b, "intake")
    field = intake.locator("[data-field]").first
    name = field.get_attribute("data-field")
    field.fill("第一次记录")
    wait_stored(b, f"s.cases['{UNNAMED}']?.checklists?.intake?.fields?.[arg] === '第一次记录'", name)
    a.goto(base_url + "practice/navigator.html")
    wired_checklist(a)
    a.locator("#hb-case-label").fill("个案乙")
    a.get_by_role("button", name="新建并切换").click()
    wait_stored(a, "s.current === '个案乙'")
    expect(b.locator("[data-case-chip-label]")).to_have_text("个案乙")
    expect(b.locator("[data-current-case]").first).to_have_text("个案乙")
    expect(field).to_have_value("")
    field.fill("给个案乙的记录")
    wait_stored(b, "s.cases['个案乙']?.checklists?.intake?.fields?.[arg] === '给个案乙的记录'", name)
    assert stored(b)["cases"][UNNAMED]["checklists"]["intake"]["fields"][name] == "第一次记录"


BOTH_TICKED = (
    "s.cases[s.current]?.checklists?.crisis?.checks?.[arg[0]] && s.cases[s.current].checklists.crisis.checks[arg[1]]"
)


def crisis_in_two_tabs(context, base_url):
    """The crisis checklist open in two tabs of one browser: the tabs and their boxes."""
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.goto(base_url + "practice/checklists/crisis.html")
    return (*tabs, *(wired_checklist(tab, "crisis").locator("[data-check]") for tab in tabs))


def test_two_tabs_on_one_checklist_keep_each_others_ticks(context, base_url):
    """Issue 21: on one checklist open in two tabs, each tab's tick used to wipe the other's."""
    a, b, boxes_a, boxes_b = crisis_in_two_tabs(context, base_url)
    first, second = boxes_a.nth(0).get_attribute("data-check"), boxes_a.nth(1).get_attribute("data-check")
    boxes_a.nth(0).check()
    boxes_b.nth(1).check()
    wait_stored(a, BOTH_TICKED, [first, second])
    # Each tab follows the other's write.
    expect(boxes_b.nth(0)).to_be_checked()
    expect(boxes_a.nth(1)).to_be_checked()


def test_a_tick_replaced_by_a_write_that_had_not_seen_it_is_sent_again(context, base_url):
    """The race the test above can lose on a loaded machine, made certain: tab B's copy of the storage had not
    caught up with tab A's tick when B wrote, so B's write (same revision, B's tick only) replaced A's. Tab A
    hears of it and sends its tick again; both ticks end up stored and drawn in both tabs."""
    a, b, boxes_a, boxes_b = crisis_in_two_tabs(context, base_url)
    first, second = boxes_a.nth(0).get_attribute("data-check"), boxes_a.nth(1).get_attribute("data-check")
    boxes_a.nth(0).check()
    wait_stored(a, "s.cases[s.current]?.checklists?.crisis?.checks?.[arg]", first)
    b.evaluate(
        """([key, first, second]) => {
        const s = JSON.parse(localStorage.getItem(key));
        const checks = s.cases[s.current].checklists.crisis.checks;
        delete checks[first];
        checks[second] = true;
        localStorage.setItem(key, JSON.stringify(s));  // same revision: written without having seen A's tick
    }""",
        [CASES_KEY, first, second],
    )
    wait_stored(b, BOTH_TICKED, [first, second])
    expect(boxes_a.nth(0)).to_be_checked()
    expect(boxes_a.nth(1)).to_be_checked()
    expect(boxes_b.nth(0)).to_be_checked()


def test_a_tick_given_while_the_other_tabs_write_is_being_read_keeps_that_write(context, base_url):
    """Tab B ticks while it is still reading tab A's write (the engine checks a stored text before a page may
    use it). B's tick must be merged onto A's write: it used to be applied to B's older copy and written over
    A's tick, which was lost for good once tab A was closed (nothing left to send it again), and B's box was
    then unticked by the late end of that read."""
    a = context.new_page()
    b = context.new_page()
    # Tab B holds the news of other tabs' writes until the test lets it through, so the test decides when
    # B starts reading tab A's write.
    b.add_init_script(
        """window.heldNews = [];
        window.addEventListener("storage", (e) => {
          if (!window.heldNews) return;
          e.stopImmediatePropagation();
          window.heldNews.push({ key: e.key, oldValue: e.oldValue, newValue: e.newValue });
        }, true);"""
    )
    for tab in (a, b):
        tab.goto(base_url + "practice/checklists/crisis.html")
    boxes_a = wired_checklist(a, "crisis").locator("[data-check]")
    boxes_b = wired_checklist(b, "crisis").locator("[data-check]")
    first, second = boxes_a.nth(0).get_attribute("data-check"), boxes_a.nth(1).get_attribute("data-check")
    boxes_a.nth(0).check()
    wait_stored(a, "s.cases[s.current]?.checklists?.crisis?.checks?.[arg]", first)
    a.close()  # nobody left to send A's tick again
    b.wait_for_function("() => window.heldNews.length > 0")
    checks, copy_is_stored = b.evaluate(
        """async ([root, key, second]) => {
        const { openStore } = await import(root + "assets/js/store.js");
        const store = openStore("cases");
        const news = window.heldNews;
        window.heldNews = null;
        news.forEach((e) => window.dispatchEvent(new StorageEvent("storage", { ...e, storageArea: localStorage })));
        // One turn of the event loop: B's redraw for A's write is now reading it (the engine is checking it).
        await new Promise((turn) => setTimeout(turn, 0));
        document.querySelector(`[data-check="${second}"]`).click();
        await store.get();  // resolves once B's tick is written
        const s = JSON.parse(localStorage.getItem(key));
        return [s.cases[s.current].checklists.crisis.checks, JSON.stringify(store.value) === localStorage.getItem(key)];
    }""",
        [base_url, CASES_KEY, second],
    )
    assert checks.get(first) is True and checks.get(second) is True, checks
    assert copy_is_stored, "tab B's copy of the store is not the stored text"
    expect(boxes_b.nth(0)).to_be_checked()
    expect(boxes_b.nth(1)).to_be_checked()


def test_same_note_changed_in_the_other_tab_is_asked_about(context, base_url):
    """A tab that has not yet drawn the other tab's note is asked before writing over it, in Chinese."""
    a = context.new_page()
    b = context.new_page()
    # Tab B does not hear tab A (as when it was in the background): its note is based on an older revision.
    b.add_init_script("window.addEventListener('storage', (e) => e.stopImmediatePropagation(), true)")
    for tab in (a, b):
        tab.goto(base_url + "practice/checklists/intake.html")
    field_a = wired_checklist(a, "intake").locator("[data-field]").first
    field_b = wired_checklist(b, "intake").locator("[data-field]").first
    name = field_a.get_attribute("data-field")
    field_a.fill("甲的记录")
    wait_stored(a, f"s.cases['{UNNAMED}']?.checklists?.intake?.fields?.[arg] === '甲的记录'", name)
    asked = []
    b.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    field_b.fill("乙的记录")
    wait_stored(b, f"s.cases['{UNNAMED}'].checklists.intake.fields[arg] === '乙的记录'", name)
    assert len(asked) == 1 and "另一个标签页刚才改写了" in asked[0] and "甲的记录" in asked[0], asked


@pytest.mark.parametrize("store_text", ['{"format": 1}'])
def test_store_without_its_lists_is_completed_and_said(page, base_url, store_text):
    page.goto(base_url)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [CASES_KEY, store_text])
    page.goto(base_url + "practice/checklists/crisis.html")
    root = wired_checklist(page, "crisis")
    expect(page.locator(".hb-data__notice")).to_contain_text("缺少个案列表，已按空白补全")
    expect(root.locator("[data-checklist-result]")).not_to_contain_text("正在启动判断引擎")
    root.locator("[data-check]").first.check()
    wait_stored(page, "Object.keys(s.cases).length === 1 && s.rev === 1")


def test_damaged_store_is_copied_once_per_content_and_calculator_says_so(browser, base_url):
    ctx = browser.new_context(service_workers="block", locale="zh-CN")
    page = ctx.new_page()
    page.goto(base_url)
    page.evaluate("(k) => localStorage.setItem(k, '{broken')", CASES_KEY)
    for _ in range(3):
        page.goto(base_url + "scales/phq9.html")
        expect(page.locator(f"[{A['measure_save']}] .hb-data__notice")).to_contain_text("原来的内容已原样另存")
    copies = page.evaluate("(k) => Object.keys(localStorage).filter((x) => x.startsWith(k + ':')).length", CASES_KEY)
    assert copies == 1
    ctx.close()


def test_stored_phq9_99_then_minus_5_is_refused_not_drawn_as_improvement(page, base_url):
    def entry(date, total):
        return {
            "instrument": "phq9",
            "version": "phq9-2001.1",
            "date": date,
            "total": total,
            "band": None,
            "subscales": {},
            "flags": [],
            "answers": {},
        }

    value = {
        "format": 1,
        "current": "甲",
        "cases": {"甲": {"checklists": {}, "measures": [entry("2026-11-01", 99), entry("2026-11-20", -5)]}},
    }
    page.goto(base_url)
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [CASES_KEY, json.dumps(value)])
    page.goto(base_url + "practice/measures.html")
    body = page.locator(".hb-measures__body")
    expect(body).to_contain_text("个案“甲” 2026-11-01 的 PHQ-9 总分 99 超出量表范围（0–27）")
    expect(page.locator(f"[{A['measure_verdict']}]")).to_have_count(0)
