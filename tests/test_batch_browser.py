"""Batch scoring on the calculator pages (docs/assets/js/batch.js) in Chromium.

Every golden case goes through the page's file picker and the downloaded scored CSV is compared
cell by cell with what the command line writes for the same file.
"""

import csv
import io
import time
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from catalog import instruments
from engine import batch
from engine.__main__ import main
from tests.browser_helpers import serious_violations
from tests.test_batch import _cell, _write

pytestmark = pytest.mark.browser
GOLDEN = Path(__file__).parent / "golden"
SPECS = instruments.load_all()
PHQ = [str(i) for i in range(1, 10)]


def _table(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _choose(page, name, data):
    # batch.js is imported after the page loads; a file chosen before it listens would be ignored.
    expect(page.locator("[data-batch]")).to_have_attribute("data-wired", "true")
    page.locator("[data-batch-file]").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})


def _scored_download(page):
    with page.expect_download() as info:
        page.locator("[data-batch-download]").click()
    return Path(info.value.path()).read_bytes()


@pytest.mark.parametrize("instrument", instruments.ids())
def test_golden_cases_through_the_page_match_the_command_line(warm_page, base_url, tmp_path, capsys, instrument):
    page = warm_page  # batch scoring saves nothing: one page serves every instrument
    spec = SPECS[instrument]
    keys = batch.item_columns(spec)
    cases = yaml.safe_load((GOLDEN / f"{instrument}.yml").read_text(encoding="utf-8"))["cases"]
    rows = [
        [f"c{n}"] + [_cell(c["answers"].get(k)) for k in keys]
        for n, c in enumerate(cases)
        if set(c["answers"]) <= set(keys)
    ]
    source = _write(tmp_path / "in.csv", ["编号"] + keys, rows)
    status = main(["score", instrument, str(source), "-o", str(tmp_path / "cli.csv")])
    capsys.readouterr()
    cli = _table((tmp_path / "cli.csv").read_bytes())
    page.goto(base_url + f"scales/{instrument}.html")
    _choose(page, "in.csv", source.read_bytes())
    root = page.locator("[data-batch]")
    expect(root).to_have_attribute("data-done", "invalid" if status == 1 else "ok")
    assert _table(_scored_download(page)) == cli
    bad = sum(1 for row in cli[1:] if row[cli[0].index("说明")].endswith("本行不计分。"))
    expect(page.locator(".hb-batch__bad")).to_have_count(bad)


def test_encodings_and_limits(page, base_url):
    page.goto(base_url + "scales/phq9.html")
    status = page.locator("[data-batch-status]")
    text = "编号,1,2,3,4,5,6,7,8,9\n张三,1,1,1,1,1,1,1,1,1\n李四,0,0,7,0,0,0,0,0,0\n"
    _choose(page, "gbk.csv", text.encode("gbk"))
    expect(status).to_contain_text("共 2 行：计分 1 行，未完成 0 行，无效 1 行（编码 gb18030）")
    expect(page.locator(".hb-batch__bad")).to_contain_text("第 3 行（编号 李四），列“3”：第 3 题的值 “7” 超出范围")
    expect(page.locator("[data-batch-table] tbody tr").first).to_contain_text("轻度")
    _choose(page, "latin1.csv", "Identitée,1,2,3,4,5,6,7,8,9\nx,0,0,0,0,0,0,0,0,0\n".encode("latin-1"))
    expect(status).to_have_text(
        "无法识别文件“latin1.csv”的编码：既不是 UTF-8，也不是 GB18030/GBK。"
        "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”后再试。"
    )
    expect(page.locator("[data-batch-download]")).to_be_hidden()
    _choose(page, "extra.csv", "编号,备注,1,2,3,4,5,6,7,8,9\n".encode())
    expect(status).to_contain_text("不认识的列：“备注”")
    _choose(page, "big.csv", b"x" * (batch.MAX_BYTES + 1))
    expect(status).to_contain_text("超过上限 5 MB")


def _watch_progress(page):
    """Record every change of the progress bar (shown or not, value, status line) from now on."""
    page.evaluate("""() => {
        window.__progress = [];
        const root = document.querySelector("[data-batch]");
        const bar = root.querySelector("[data-batch-progress]");
        const status = root.querySelector("[data-batch-status]");
        new MutationObserver(() => window.__progress.push({
            shown: !bar.hidden && bar.getBoundingClientRect().width > 0,
            value: bar.value,
            max: bar.max,
            status: status.textContent,
        })).observe(root, { attributes: true, childList: true, characterData: true, subtree: true });
    }""")


def test_ten_thousand_rows_show_progress_and_finish(page, base_url):
    """Issue 15.4: a 10,000-row file is scored on the page with a progress bar, and every row comes back."""
    page.goto(base_url + "scales/phq9.html")
    root = page.locator("[data-batch]")
    status = page.locator("[data-batch-status]")
    # Row n answers (n + i) % 4 on item i + 1: totals repeat every 4 rows as 12, 13, 14, 15.
    rows = "\n".join(f"R{n}," + ",".join(str((n + i) % 4) for i in range(9)) for n in range(10000))
    data = ("编号," + ",".join(PHQ) + "\n" + rows + "\n").encode("utf-8")
    expect(root).to_have_attribute("data-wired", "true")
    _watch_progress(page)
    start = time.perf_counter()
    page.locator("[data-batch-file]").set_input_files({"name": "many.csv", "mimeType": "text/csv", "buffer": data})
    expect(root).to_have_attribute("data-done", "ok", timeout=120_000)
    elapsed = time.perf_counter() - start
    print(f"browser: 10,000 PHQ-9 rows scored in {elapsed:.1f} s")
    expect(status).to_contain_text("共 10000 行：计分 10000 行，未完成 0 行，无效 0 行")
    seen = page.evaluate("window.__progress")
    moving = [s for s in seen if s["shown"] and s["max"] == 10000 and 0 < s["value"] < 10000]
    assert moving, "the progress bar was never shown part-way"
    assert any(s["status"].startswith("正在计分：") and "/ 10000 行" in s["status"] for s in seen)
    expect(page.locator("[data-batch-progress]")).to_be_hidden()
    # The wide result table scrolls inside its own box; the page itself stays 390 px wide.
    expect(page.locator("[data-batch-table] tbody tr")).to_have_count(100)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert serious_violations(page) == []
    scored = _table(_scored_download(page))
    assert len(scored) == 10001
    totals = {}
    for row in scored[1:]:
        totals[row[10], row[11]] = totals.get((row[10], row[11]), 0) + 1
    assert totals == {("12", "中度"): 2500, ("13", "中度"): 2500, ("14", "中度"): 2500, ("15", "中重度"): 2500}
    assert scored[1][:12] == ["R0", "0", "1", "2", "3", "0", "1", "2", "3", "0", "12", "中度"]
    assert scored[4][:12] == ["R3", "3", "0", "1", "2", "3", "0", "1", "2", "3", "15", "中重度"]
    assert scored[10000][-1] == "第 10001 行（编号 R9999）：已计分。"
