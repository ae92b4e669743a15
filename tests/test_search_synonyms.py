"""tools.search_synonyms: everyday words join their page's search entry, once, as whole tokens."""

import json

import pytest

from catalog.datafiles import DataFileError
from tools import search_synonyms


def site_with(tmp_path, docs):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    return tmp_path


def test_words_are_added_to_the_page_entry_once(tmp_path):
    site = site_with(
        tmp_path,
        [
            {"location": "ethics/disputes.html", "title": "医患纠纷", "text": "医疗\u200b纠纷"},
            {"location": "ethics/disputes.html#a", "title": "x", "text": "y"},
        ],
    )
    pages = {"ethics/disputes.md": ["医闹", "家属闹事"]}
    search_synonyms.add(site, pages)
    search_synonyms.add(site, pages)
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert docs[0]["text"] == "医疗\u200b纠纷 医闹\u200b家属闹事"
    assert docs[1]["text"] == "y"


def test_a_page_missing_from_the_index_is_an_error(tmp_path):
    site = site_with(tmp_path, [{"location": "index.html", "title": "", "text": ""}])
    with pytest.raises(DataFileError) as caught:
        search_synonyms.add(site, {"ethics/disputes.md": ["医闹"]})
    assert "没有这一页" in str(caught.value)


def test_one_word_one_page(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text("pages:\n  a/b.md: [医闹]\n  a/c.md: [医闹]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        search_synonyms.load(path)
    assert "一个词只指向一页" in str(caught.value)


def test_the_real_file_loads():
    assert "医闹" in search_synonyms.load()["ethics/disputes.md"]
