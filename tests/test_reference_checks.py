"""catalog.reference_checks: original sources only, one entry per work, nothing unused (issue 23)."""

import pytest

from catalog import reference_checks
from catalog.datafiles import DataFileError
from macros.content import references

GOOD = {
    "id": "x",
    "publisher": "国务院办公厅",
    "text": "国务院办公厅. 国务院办公厅关于建立疾病应急救助制度的指导意见: 国办发〔2013〕15号[Z]. 2013-02.",
}


def check(**changes):
    return reference_checks.check({"x": dict(GOOD, **changes)}, "references.yml")


def test_the_real_file_passes_every_rule():
    refs = references()
    assert refs and all(ref["publisher"].strip() for ref in refs.values())


@pytest.mark.parametrize(
    "changes, rule",
    [
        ({"publisher": " "}, "缺少 publisher"),
        (
            {"text": "佚名. 某页[EB/OL]. [2026-12-07]. http://m.booleo.cn/shgzz-kaoshi/news/1.html."},
            "镜像站 m.booleo.cn",
        ),
        ({"text": "佚名. 某页[EB/OL]. [2026-12-07]. http://www.victorzhang.cn/page/1.shtml."}, "镜像站 victorzhang.cn"),
        ({"note": "另见 http://9duwan.com/a.html"}, "镜像站 9duwan.com"),
        ({"text": "佚名. 某页[EB/OL]. https://www.gov.cn/a.html."}, "缺少访问日期"),
        ({"text": "江雅倩. 某文[J/OL]. 2020."}, "缺少访问日期"),
    ],
)
def test_each_rule_names_the_entry(changes, rule):
    with pytest.raises(DataFileError) as caught:
        check(**changes)
    assert caught.value.entry == "x" and rule in str(caught.value)


def test_an_original_web_page_with_access_date_passes():
    check(text="新华社. 某报道[N/OL]. 2025-06-24[2026-12-07]. https://cs.com.cn/xwzx/hg/1.html.", publisher="新华社")


def test_the_same_work_twice_is_a_duplicate():
    twin = dict(GOOD, id="y", text=GOOD["text"].replace("2013-02", "2013-02-22"))
    with pytest.raises(DataFileError) as caught:
        reference_checks.check({"x": GOOD, "y": twin}, "references.yml")
    assert caught.value.entry == "y" and "与文献 x 重复" in str(caught.value)


def test_an_entry_no_page_cites_fails(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "macros").mkdir()
    (tmp_path / "docs" / "a.md").write_text('{{ sources("x") }}', encoding="utf-8")
    other = dict(GOOD, id="x-2", text="国务院. 另一部法规[Z]. 2014.")
    with pytest.raises(DataFileError) as caught:
        reference_checks.check({"x": GOOD, "x-2": other}, "references.yml", tmp_path)
    assert caught.value.entry == "x-2" and "没有任何页面" in str(caught.value)
    (tmp_path / "data" / "c.yml").write_text("sources: [x-2]", encoding="utf-8")
    reference_checks.check({"x": GOOD, "x-2": other}, "references.yml", tmp_path)
