"""The small first search index (tools/search_worker.py): titles and everyday words only, so the first query on a
slow line answers before the whole index arrives; and the gate that serves it is put in front of a bundle that
still speaks to its search worker the way the gate expects."""

import json

import pytest

from engine import contract
from tools import search_synonyms, search_worker

WHOLE = [
    {"location": "interview/empathy.html", "title": "同理", "text": "<p>同理\u200b又称\u200b共情</p>"},
    {"location": "interview/empathy.html#定义", "title": "定义", "text": "<p>设身处地\u200b体会</p>"},
    {"location": "ethics/consent.html", "title": "知情\u200b同意", "text": "<p>签字</p>", "boost": 2},
]


@pytest.fixture
def site(tmp_path):
    (tmp_path / "search").mkdir()
    index = {"config": {"lang": ["en"]}, "docs": WHOLE}
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_first_index_keeps_every_entry_with_titles_and_everyday_words_only(site):
    search_worker.write_first_index(site, {"interview/empathy.md": ["共情", "同理心"]})
    first = json.loads((site / contract.ASSETS["search_first"]).read_text(encoding="utf-8"))
    assert first["config"] == {"lang": ["en"]}
    assert [d["location"] for d in first["docs"]] == [d["location"] for d in WHOLE]
    assert [d["title"] for d in first["docs"]] == [d["title"] for d in WHOLE]
    assert [d["text"] for d in first["docs"]] == ["共情\u200b同理心", "", ""]
    assert first["docs"][2]["boost"] == 2


def test_the_built_first_index_is_a_small_part_of_the_whole(site_dir):
    whole = (site_dir / "search" / "search_index.json").stat().st_size
    first = json.loads((site_dir / contract.ASSETS["search_first"]).read_text(encoding="utf-8"))
    assert (site_dir / contract.ASSETS["search_first"]).stat().st_size * 10 < whole
    words = {w for ws in search_synonyms.load().values() for w in ws}
    assert all(any(w in d["text"].split("\u200b") for d in first["docs"]) for w in words)


def test_the_built_bundle_carries_the_gate_with_the_first_index_named(site_dir):
    bundle = next((site_dir / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert bundle.startswith(search_worker.GATE_MARK)
    assert f'var FIRST = "{contract.ASSETS["search_first"].split("/")[-1]}";' in bundle
    assert search_worker.FIRST_PLACEHOLDER not in bundle


def test_a_bundle_that_speaks_otherwise_to_its_worker_is_not_gated(tmp_path):
    scripts = tmp_path / "assets" / "javascripts"
    scripts.mkdir(parents=True)
    (scripts / "bundle.x.min.js").write_text("function zt(e){return e.type===4}", encoding="utf-8")
    assert search_worker.gate_index(tmp_path) == 0
