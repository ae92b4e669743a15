"""compare() for the pre/post view and summary_line() for the case record."""

import pytest

from catalog import instruments
from engine import scoring

SPECS = instruments.load_all()
DATE = "2026-11-24"


def phq(total_items):
    """PHQ-9 answers from a list of nine values."""
    return {str(i + 1): v for i, v in enumerate(total_items)}


PHQ_12 = phq([3, 3, 3, 3, 0, 0, 0, 0, 0])  # 12, 中度
PHQ_12_ITEM9 = phq([3, 3, 3, 2, 0, 0, 0, 0, 1])  # 12, 中度, item 9 = 1
PHQ_7 = phq([3, 3, 1, 0, 0, 0, 0, 0, 0])  # 7, 轻度


def test_phq9_improvement_crosses_a_band():
    spec = SPECS["phq9"]
    out = scoring.compare(spec, scoring.score(spec, PHQ_12), scoring.score(spec, PHQ_7))
    assert out["comparable"] is True
    assert (out["before"], out["after"], out["change"]) == (12, 7, -5)
    assert out["before_band"] == {"index": 2, "label": "中度"}
    assert out["after_band"] == {"index": 1, "label": "轻度"}
    assert out["band_changed"] is True and out["direction"] == "better"
    assert "总分由 12 变为 7（-5）" in out["text"]
    assert "分级由“中度”变为“轻度”" in out["text"] and "分数越低越好" in out["text"] and "好转" in out["text"]


def test_phq9_worsening_and_answers_accepted_directly():
    spec = SPECS["phq9"]
    out = scoring.compare(spec, PHQ_7, PHQ_12)
    assert out["change"] == 5 and out["direction"] == "worse" and "变差" in out["text"]
    assert "（+5）" in out["text"]


def test_same_band_and_unchanged():
    spec = SPECS["phq9"]
    out = scoring.compare(spec, PHQ_12, PHQ_12_ITEM9)
    assert out["change"] == 0 and out["direction"] == "unchanged" and out["band_changed"] is False
    assert "分级未变（中度）" in out["text"] and "没有变化" in out["text"]


def test_higher_is_better_instruments():
    brs = SPECS["brs"]
    low = scoring.score(brs, {"1": 2, "2": 4, "3": 3, "4": 4, "5": 3, "6": 1})  # 2.83 低
    high = scoring.score(brs, {"1": 5, "2": 1, "3": 4, "4": 2, "5": 4, "6": 2})  # 4.33 高
    out = scoring.compare(brs, low, high)
    assert out["change"] == pytest.approx(1.50) and out["direction"] == "better"
    assert "平均分由 2.83 变为 4.33（+1.50）" in out["text"] and "分数越高越好" in out["text"]
    barthel = SPECS["barthel"]
    before = {"1": 10, "2": 5, "3": 5, "4": 10, "5": 10, "6": 10, "7": 10, "8": 15, "9": 15, "10": 10}  # 100
    after = dict(before, **{"8": 5, "9": 5, "10": 0, "2": 0})  # 100 − 10 − 10 − 10 − 5 = 65
    out = scoring.compare(barthel, before, after)
    assert (out["before"], out["after"], out["change"]) == (100, 65, -35)
    assert out["direction"] == "worse" and out["band_changed"] is True
    assert out["after_band"]["label"] == "轻度依赖"


def test_single_rating_without_bands():
    kps = SPECS["kps"]
    out = scoring.compare(kps, {"1": 80}, {"1": 60})
    assert out["change"] == -20 and out["direction"] == "worse" and out["band_changed"] is None
    ecog = SPECS["ecog"]
    out = scoring.compare(ecog, {"1": 3}, {"1": 1})
    assert out["change"] == -2 and out["direction"] == "better"


def test_incomplete_is_not_comparable():
    spec = SPECS["gad7"]
    out = scoring.compare(spec, {"1": 3}, {str(i): 0 for i in range(1, 8)})
    assert out["comparable"] is False and out["change"] is None and "前测未完成" in out["text"]


def test_compare_rejects_garbage():
    with pytest.raises(scoring.ScoreError):
        scoring.compare(SPECS["gad7"], {"complete": True, "total": "x"}, {"1": 0})
    with pytest.raises(scoring.ScoreError):
        scoring.compare(SPECS["gad7"], 5, {"1": 0})


def test_summary_line_phq9_with_item9():
    spec = SPECS["phq9"]
    line = scoring.summary_line(spec, scoring.score(spec, PHQ_12_ITEM9), DATE)
    assert line == "PHQ-9（评分规则 phq9-2001.1）2026-11-24：总分 12，中度；第 9 题 > 0，需评估自杀风险。"


def test_summary_line_incomplete_names_missing_items():
    spec = SPECS["phq9"]
    answers = phq([1, 1, None, 1, None, 1, None, 1, 0])
    line = scoring.summary_line(spec, scoring.score(spec, answers), DATE)
    assert line == "PHQ-9（评分规则 phq9-2001.1）2026-11-24：未完成，缺第 3、5、7 题，未计总分。"


def test_summary_line_prorated():
    spec = SPECS["phq9"]
    answers = phq([3, 3, None, 3, 3, 0, 0, 0, 0])
    line = scoring.summary_line(spec, scoring.score(spec, answers), DATE)
    assert line == "PHQ-9（评分规则 phq9-2001.1）2026-11-24：总分 14（缺第 3 题，按其余条目均分补足），中度。"


def test_summary_line_subscales_and_levels():
    ssrs = SPECS["ssrs"]
    answers = {
        "1": 3,
        "2": 4,
        "3": 2,
        "4": 3,
        "5A": 4,
        "5B": 3,
        "5C": 3,
        "5D": 2,
        "5E": 1,
        "6": 2,
        "7": 3,
        "8": 2,
        "9": 3,
        "10": 2,
    }
    assert scoring.summary_line(ssrs, scoring.score(ssrs, answers), DATE) == (
        "SSRS（评分规则 ssrs-1994.1）2026-11-24：总分 37；客观支持 9、主观支持 21、对支持的利用度 7。"
    )
    kps = SPECS["kps"]
    assert scoring.summary_line(kps, scoring.score(kps, {"1": 60}), DATE) == (
        "KPS（评分规则 kps-1949.1）2026-11-24：KPS 60，生活大部分能自理，偶尔需要别人帮助。"
    )
    pps = SPECS["ppsv2"]
    assert scoring.summary_line(pps, scoring.score(pps, {"1": 30}), DATE) == (
        "PPSv2（评分规则 ppsv2-1996.1）2026-11-24：PPS 30%。"
    )
    brs = SPECS["brs"]
    assert scoring.summary_line(brs, scoring.score(brs, {"1": 3, "2": 3, "3": 3, "4": 3, "5": 3}), DATE) == (
        "BRS（评分规则 brs-2008.1）2026-11-24：平均分 3.00（缺第 6 题，按其余条目均分补足），正常。"
    )
    dt = SPECS["nccn_dt"]
    assert scoring.summary_line(dt, scoring.score(dt, {"1": 4}), DATE) == (
        "DT（评分规则 nccn_dt-1998.1）2026-11-24：痛苦评分 4，有临床意义的痛苦；≥ 4 分，需进一步评估痛苦来源。"
    )


def test_summary_line_incomplete_with_flags():
    esas = SPECS["esasr"]
    line = scoring.summary_line(esas, scoring.score(esas, {"1": 8}), DATE)
    assert line == (
        "ESAS-r（评分规则 esasr-2011.1）2026-11-24：未完成，缺第 2、3、4、5、6、7、8、9 题，未计总分；"
        "至少一项症状 ≥ 4（中度或以上）；至少一项症状 ≥ 7（重度）。"
    )
