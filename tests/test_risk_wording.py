"""tools.risk_wording: the build stops on a page that has the social worker judge or grade risk."""

from tools import risk_wording


def page(text):
    return f"<html><body><article class='md-content__inner'><p>{text}</p></article></body></html>"


def test_the_phrases_the_review_found_are_flagged():
    for text in (
        "患者流露自伤念头时，先做危险性判断，并立即告知医生。",
        "主要问题、风险程度、优势与资源",
        "目前未见自伤风险，需继续观察。",
        "社工当即评估风险并请其丈夫尽快赶来",
    ):
        assert risk_wording.problems("x.html", page(text)), text


def test_quoted_examples_and_the_doctors_judgement_pass():
    for text in (
        "记录里不写“未见自伤风险”“无自杀风险”这类结论。",
        "风险的判断和处置由医生作出。",
        "社会工作者直接询问，如实记下原话，立即告诉医生。",
    ):
        assert risk_wording.problems("x.html", page(text)) == [], text


def test_check_names_the_page_and_skips_text_outside_the_article(tmp_path):
    (tmp_path / "ethics").mkdir()
    (tmp_path / "ethics" / "mdt.html").write_text(page("目前未见自伤风险。"), encoding="utf-8")
    (tmp_path / "index.html").write_text("<nav>未见自伤风险</nav>" + page("没有问题。"), encoding="utf-8")
    message = risk_wording.check(tmp_path)
    assert "ethics/mdt.md：“未见自伤风险”" in message and "index" not in message
    (tmp_path / "ethics" / "mdt.html").write_text(page("已告知医生。"), encoding="utf-8")
    assert risk_wording.check(tmp_path) == ""
