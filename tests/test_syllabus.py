"""The syllabus file: the exam's current name, the edition, chapters by id; chapter numbers spelled nowhere else."""

import os
import shutil

import pytest
import yaml

from catalog import syllabus
from catalog.datafiles import DataFileError


def test_real_syllabus_names_the_exam_and_edition():
    syl = syllabus.load_syllabus()
    # The 2025 edition renamed the exam (中央社会工作部, published 2025-12-09 on 中国人事考试网).
    assert syl["exam"]["name"] == "社会工作者职业资格考试"
    assert "社会工作者职业水平考试" in syl["exam"]["synonyms"]
    assert syl["syllabus"]["published"] == "2025-12-09" and "中央社会工作部" in syl["syllabus"]["revised_by"]
    assert {"zonghe-casework", "shiwu-process", "shiwu-medical"} <= set(syl["chapters"])
    # Both 初级 papers: 100 points, 60 to pass.
    assert {(p["full"], p["pass"]) for pid, p in syl["papers"].items() if pid in ("zonghe", "shiwu")} == {(100, 60)}


def test_labels_use_the_title_when_the_current_number_is_not_confirmed():
    assert syllabus.chapter_label("shiwu-medical") == "《社会工作实务》（初级）医务社会工作"
    # The earlier edition's number is said as such, with its edition.
    assert syllabus.former_note("shiwu-medical") == "2018 年修订版大纲配套教材为第十三章“医务社会工作”"
    assert syllabus.former_note("shiwu-process").endswith("为第一章“社会工作实务的通用过程”")


def test_no_page_or_data_file_spells_a_chapter_number():
    assert syllabus.chapter_numbers_outside() == []


def test_a_chapter_number_in_a_page_stops_the_build_naming_file_and_line(tmp_path):
    docs, data = tmp_path / "docs", tmp_path / "data"
    (docs / "medical").mkdir(parents=True)
    data.mkdir()
    (docs / "medical" / "index.md").write_text("# 医务\n\n本章对应《社会工作实务》第 13 章。\n", encoding="utf-8")
    (data / "references.yml").write_text("- text: 第十三章笔记\n", encoding="utf-8")  # a cited title: allowed
    with pytest.raises(DataFileError) as caught:
        syllabus.check_chapter_numbers(docs, data)
    message = str(caught.value)
    assert "index.md" in message and "第 3 行" in message and "第 13 章" in message and "共 1 处" in message


def test_a_chapter_number_in_another_data_file_is_found(tmp_path):
    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    (data / "questions").mkdir(parents=True)
    (data / "questions" / "process.yml").write_text("stem: 第一章讲的是（ ）\n", encoding="utf-8")
    hits = syllabus.chapter_numbers_outside(docs, data)
    assert [(h[0].name, h[1]) for h in hits] == [("process.yml", 1)]


def test_unknown_chapter_id_names_the_id_and_where_it_was_used():
    with pytest.raises(DataFileError) as caught:
        syllabus.chapter_label("shiwu-13", where="medical/index.md")
    assert "medical/index.md" in str(caught.value) and "shiwu-13" in str(caught.value)
    assert "未知的考试章节 id" in str(caught.value)


def _rewrite(tmp_path, change):
    raw = yaml.safe_load(syllabus.SYLLABUS.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "syllabus.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _medical(raw):
    return raw["levels"][0]["papers"][1]["chapters"][1]


@pytest.mark.parametrize(
    "change, entry, rule",
    [
        (lambda r: _medical(r).update(title="第十三章 医务社会工作"), "shiwu-medical", "title 只写章名"),
        (lambda r: _medical(r).update(id="shiwu-process"), "shiwu-process", "章节 id 重复"),
        (lambda r: _medical(r)["sections"][0].update(page="medical/nowhere.md"), "shiwu-medical", "页面不存在"),
        (lambda r: _medical(r).update(number="十三"), "shiwu-medical", "字段 “number” 应为整数"),
        (lambda r: r["levels"][0]["papers"][0].update({"pass": 120}), "zonghe", "合格线"),
        (lambda r: r["exam"].pop("name"), "exam", "缺少必填字段 “name”"),
    ],
)
def test_malformed_syllabus_names_file_entry_and_rule(tmp_path, change, entry, rule):
    path = _rewrite(tmp_path, change)
    with pytest.raises(DataFileError) as caught:
        syllabus.load_syllabus(path)
    message = str(caught.value)
    assert "syllabus.yml" in message and f"条目 {entry}" in message and rule in message


def test_loaded_once_per_version_of_the_file(tmp_path):
    path = tmp_path / "syllabus.yml"
    shutil.copy(syllabus.SYLLABUS, path)
    first = syllabus.load_syllabus(path)
    assert syllabus.load_syllabus(path) is first
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["exam"]["name"] = "改名后的考试"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 10**9))
    assert syllabus.exam_name(path) == "改名后的考试"


def test_boxed_papers_read_from_exam_box_ids():
    markdown = (
        "!!! exam \"{{ exam_box('shiwu-medical') }}\"\n    - x\n\n!!! exam \"{{ exam_box('zonghe-casework') }}\"\n"
    )
    assert syllabus.boxed_papers(markdown) == {"《社会工作实务》（初级）", "《社会工作综合能力》（初级）"}
