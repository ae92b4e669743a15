"""The batch page's download runs no spreadsheet formula (issue 25): a respondent id or a kept label
starting with =, +, -, @, a tab or a carriage return is written with a leading ', by the same rule
as the command line (engine/batch.py safe_cell); the checkbox writes cells as read."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine.__main__ import main
from tests.test_scorer_cli import PREFIXES

pytestmark = pytest.mark.browser
PHQ = [str(i) for i in range(1, 10)]


def _source(tmp_path):
    rows = [[prefix + 'HYPERLINK("http://evil.example","x")'] + ["1"] * 9 for prefix in PREFIXES]
    rows.append(["-7"] + ["0"] * 9)  # a plain number stays a number
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["编号"] + PHQ)
        out.writerows(rows)
    return path


def _download(page):
    with page.expect_download() as info:
        page.locator("[data-batch-download]").click()
    data = Path(info.value.path()).read_bytes()
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _cli(tmp_path, capsys, source, *extra):
    target = tmp_path / ("cli-raw.csv" if extra else "cli.csv")
    assert main(["score", "phq9", str(source), "-o", str(target), *extra]) == 0
    capsys.readouterr()
    return list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"), newline="")))


def test_download_is_guarded_by_default_and_raw_on_request(page, base_url, tmp_path, capsys):
    source = _source(tmp_path)
    page.goto(base_url + "scales/phq9.html")
    expect(page.locator("[data-batch]")).to_have_attribute("data-wired", "true")
    page.locator("[data-batch-file]").set_input_files(
        {"name": "in.csv", "mimeType": "text/csv", "buffer": source.read_bytes()}
    )
    expect(page.locator("[data-batch]")).to_have_attribute("data-done", "ok")
    expect(page.locator("[data-batch-status]")).to_contain_text("单引号")
    safe = _download(page)
    assert [row[0] for row in safe[1:]] == ["'" + p + 'HYPERLINK("http://evil.example","x")' for p in PREFIXES] + ["-7"]
    assert safe == _cli(tmp_path, capsys, source)
    page.locator(".hb-batch__raw input").check()
    expect(page.locator("[data-batch-status]")).to_contain_text("按原样写出")
    raw = _download(page)
    assert [row[0] for row in raw[1:]] == [p + 'HYPERLINK("http://evil.example","x")' for p in PREFIXES] + ["-7"]
    assert raw == _cli(tmp_path, capsys, source, "--raw-cells")
