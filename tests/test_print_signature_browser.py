"""Printed forms are ready to file (issue 23): a checklist prints its verdict and then the date and signature lines
on the same sheet, and the measurement view ends with signature and date lines."""

import subprocess

import pytest

pytestmark = pytest.mark.browser


def printed_pages(page, tmp_path):
    """The page printed to PDF, as the text of each sheet."""
    page.emulate_media(media="print")
    pdf = tmp_path / "out.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [sheet for sheet in text.split("\f") if sheet.strip()]


def test_checklist_verdict_and_signatures_share_the_last_sheet(page, base_url, tmp_path):
    page.goto(base_url + "practice/checklists/crisis.html")
    page.locator("[data-checklist='crisis'] [data-check='self_harm_now']").check()
    page.wait_for_function(
        "() => document.querySelector(\"[data-checklist='crisis'] [data-checklist-result]\")?.dataset.level === 'stop'",
        timeout=60000,
    )
    sheets = printed_pages(page, tmp_path)
    with_verdict = [i for i, s in enumerate(sheets) if "这是医疗急症" in s]
    with_signature = [i for i, s in enumerate(sheets) if "社会工作者签名" in s]
    assert with_verdict and with_signature
    assert with_verdict[-1] == with_signature[-1] == len(sheets) - 1


def test_measurement_view_ends_with_signature_and_date(page, base_url, tmp_path):
    page.goto(base_url + "practice/measures.html")
    page.wait_for_selector(".hb-measures")
    sheets = printed_pages(page, tmp_path)
    assert "记录人签名" in sheets[-1] and "日期" in sheets[-1]
