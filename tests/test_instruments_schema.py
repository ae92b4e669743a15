"""Instrument data files: the directory is the registry, and each kind of broken spec is refused with a DataFileError
that names the file, the entry and the rule."""

import re
import shutil

import pytest
import yaml

from catalog import instruments
from catalog.datafiles import DataFileError
from engine import contract
from engine import instruments as rules
from macros import instruments as instrument_macros

ENTRY_ONLY = {"cdrisc25", "cdrisc10", "zbi22", "ppsv2", "nccn_dt"}


@pytest.fixture(scope="module")
def specs():
    return instruments.load_all()


def test_the_data_directory_is_the_registry_in_order_of_the_order_fields(tmp_path):
    for path in instruments.INSTRUMENT_DIR.glob("*.yml"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "brs.yml").read_text(encoding="utf-8")
    text = re.sub(r"^id: brs$", "id: brs_copy", text, flags=re.M)
    (tmp_path / "brs_copy.yml").write_text(re.sub(r"^order: \d+$", "order: 1", text, flags=re.M), encoding="utf-8")
    (tmp_path / "phq9.yml").unlink()
    found = list(instruments.load_all(tmp_path))
    assert found == ["brs_copy"] + [sid for sid in instruments.ids() if sid != "phq9"]


def test_licence_kinds(specs):
    for sid, spec in specs.items():
        assert spec["licence"]["kind"] == ("entry" if sid in ENTRY_ONLY else "full"), sid
        if sid in ENTRY_ONLY:
            assert all(set(item) <= {"key", "range"} for item in spec["items"]), sid


def test_a_gap_or_overlap_between_bands_is_refused(specs):
    import copy

    for sid, spec in specs.items():
        if len(spec["bands"]) < 2:
            assert spec["bands"] or spec["no_band_reason"].strip(), sid
            continue
        step = 10 ** -rules.decimals(spec)
        for shift, rule in ((step, "空档"), (-step, "重叠")):
            broken = copy.deepcopy(spec)
            broken["bands"][1]["min"] = round(broken["bands"][1]["min"] + shift, 6)
            with pytest.raises(rules.SpecError, match=rule):
                rules.check_spec(broken)


def test_unconfirmed_bands_are_not_shipped(specs):
    # instruments.md: SSRS bands UNCONFIRMED, MSPSS sets conflict, ZBI edges overlap at 21.
    for sid in ("ssrs", "mspss", "zbi22"):
        assert specs[sid]["bands"] == [] and specs[sid]["conflicts"], sid


def test_specified_ranges(specs):
    expected = {
        "phq9": (0, 27),
        "gad7": (0, 21),
        "family_apgar": (0, 10),
        "csi": (0, 13),
        "brs": (100, 500),
        "osss3": (3, 14),
        "mspss": (12, 84),
        "ssrs": (12, 66),
        "barthel": (0, 100),
        "ecog": (0, 5),
        "kps": (0, 100),
        "esasr": (0, 90),
        "cdrisc25": (0, 100),
        "cdrisc10": (0, 40),
        "zbi22": (0, 88),
        "ppsv2": (0, 100),
        "nccn_dt": (0, 10),
    }
    for sid, score_range in expected.items():
        assert rules.score_range(specs[sid]) == score_range, sid


def _broken(tmp_path, sid, change):
    """A copy of data/instruments/<sid>.yml with `change` applied, written under tmp_path."""
    source = instruments.INSTRUMENT_DIR / f"{sid}.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{sid}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _refused(path, entry_part, rule_part):
    with pytest.raises(DataFileError) as caught:
        instruments.load_file(path)
    error = caught.value
    assert error.path == path
    assert entry_part in str(error.entry), error
    assert rule_part in error.rule, error
    assert str(path.name) in str(error) and str(error.entry) in str(error) and error.rule in str(error)
    return error


def test_copy_of_a_good_file_loads(tmp_path):
    path = _broken(tmp_path, "phq9", lambda d: None)
    assert instruments.load_file(path)["id"] == "phq9"


def test_gap_in_items(tmp_path):
    path = _broken(tmp_path, "phq9", lambda d: d["items"].pop(4))  # drops item "5"
    _refused(path, "key 6", "编号不连续")


def test_gap_in_lettered_rows(tmp_path):
    path = _broken(tmp_path, "ssrs", lambda d: d["items"].pop(5))  # drops row "5B"
    _refused(path, "key 5C", "不连续")


def test_overlapping_bands(tmp_path):
    def change(d):
        d["bands"][2]["min"] = 9

    _refused(_broken(tmp_path, "phq9", change), "bands 第 3 档", "重叠")


def test_gap_between_bands(tmp_path):
    def change(d):
        d["bands"][2]["min"] = 11

    _refused(_broken(tmp_path, "phq9", change), "bands 第 3 档", "空档")


def test_bands_not_reaching_the_maximum(tmp_path):
    def change(d):
        d["bands"][-1]["max"] = 26

    _refused(_broken(tmp_path, "phq9", change), "bands", "覆盖")


def test_band_missing_source(tmp_path):
    def change(d):
        del d["bands"][1]["source"]

    _refused(_broken(tmp_path, "gad7", change), "bands 第 2 档", "source")


def test_band_with_empty_source(tmp_path):
    def change(d):
        d["bands"][0]["source"] = " "

    _refused(_broken(tmp_path, "brs", change), "bands 第 1 档", "来源")


def test_entry_only_instrument_with_item_text(tmp_path):
    def change(d):
        d["items"][0]["text"] = "某条目的文字"

    _refused(_broken(tmp_path, "cdrisc10", change), "key 1", "不得包含条目文字")


def test_entry_only_instrument_with_options(tmp_path):
    def change(d):
        d["items"][0] = {"key": "1", "options": [{"value": 0, "label": "a"}, {"value": 1, "label": "b"}]}

    _refused(_broken(tmp_path, "nccn_dt", change), "key 1", "不得包含条目文字")


def test_duplicate_option_values(tmp_path):
    def change(d):
        d["items"][0]["options"] = [{"value": 0, "label": "是"}, {"value": 0, "label": "否"}]

    _refused(_broken(tmp_path, "csi", change), "key 1", "重复")


def test_unquoted_item_key(tmp_path):
    def change(d):
        d["items"][0]["key"] = 1

    _refused(_broken(tmp_path, "gad7", change), "items 第 1 项", "带引号")


def test_missing_licence_text(tmp_path):
    def change(d):
        del d["licence"]["text"]

    _refused(_broken(tmp_path, "kps", change), "licence", "text")


def test_missing_citations(tmp_path):
    def change(d):
        d["citations"] = []

    _refused(_broken(tmp_path, "ecog", change), "citations", "文献")


def test_no_bands_needs_a_reason(tmp_path):
    def change(d):
        del d["no_band_reason"]

    _refused(_broken(tmp_path, "zbi22", change), "bands", "no_band_reason")


def test_missing_rule_needs_a_source(tmp_path):
    def change(d):
        del d["scoring"]["missing"]["source"]

    _refused(_broken(tmp_path, "phq9", change), "scoring.missing", "source")


def test_id_must_match_file_name(tmp_path):
    def change(d):
        d["id"] = "gad7"

    _refused(_broken(tmp_path, "phq9", change), "id", "文件名")


def test_yaml_date_is_not_json_compatible(tmp_path):
    path = tmp_path / "phq9.yml"
    shutil.copy(instruments.INSTRUMENT_DIR / "phq9.yml", path)
    path.write_text(path.read_text(encoding="utf-8") + "wording_note: 2026-11-24\n", encoding="utf-8")
    _refused(path, "", "wording_note")


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "phq9.yml"
    # A plain YAML value may not hold a second `: `: the parser stops on line 3.
    path.write_text("id: phq9\nversion: phq9-2001.1\nnames: zh: 量表\nitems: []\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        instruments.load_file(path)
    assert "YAML" in caught.value.rule and caught.value.entry == "第 3 行"


def test_an_empty_instrument_directory_is_refused(tmp_path):
    with pytest.raises(DataFileError) as caught:
        instruments.load_all(tmp_path)
    assert caught.value.path == tmp_path and "没有任何量表文件" in caught.value.rule


def test_rendered_page_follows_the_markup_contract(specs):
    import re

    for sid, spec in specs.items():
        body = instrument_macros.render(spec)
        assert f'<div class="hb-calc" data-instrument="{sid}"' in body
        start = body.index('<div class="hb-calc"')
        calc = body[start : body.index("</section>\n</div>", start)]
        assert "\n\n" not in calc, f"{sid}: blank line inside the calculator block"
        keys = [item["key"] for item in spec["items"]]
        assert set(re.findall(r'data-item="([^"]+)"', calc)) == set(keys)
        for index in range(len(spec["bands"])):
            assert f'data-band-note="{index}" hidden' in calc
        for flag in spec.get("flags", []):
            assert f'data-flag-note="{flag["id"]}" hidden' in calc
        for action in ("copy", "pre", "reset", "print"):
            assert f'data-action="{action}"' in calc
        assert 'data-result="total"' in calc and "data-compare" in calc
        # Without JavaScript (or opened as a file) the status line says what still works.
        assert contract.NOT_RUNNING["calculator"] in calc
        badge = "hb-badge--entry" if sid in ENTRY_ONLY else "hb-badge--full"
        assert badge in body
        assert "## 评分方法" in body and spec["version"] in body
        if sid in ENTRY_ONLY:
            assert "<legend>" not in calc or sid in ("nccn_dt", "ppsv2")
            assert 'type="number"' in calc or spec["scoring"]["method"] == "single"
        if spec.get("conflicts"):
            assert "## 来源之间的分歧" in body
    dt = instrument_macros.render(specs["nccn_dt"])
    assert 'name="nccn_dt-problem"' in dt and dt.count('data-item="1"') == 11


def test_harm_flags_lead_to_the_crisis_checklist(specs):
    """PHQ-9 item 9 and every red flag about self-harm carry a follow-up link to the crisis checklist."""
    assert specs["phq9"]["flags"][0]["follow_up"]["target"] == "practice/checklists/crisis.md"
    calc = instrument_macros.calculator_html(specs["phq9"])
    note = re.search(r'<div [^>]*data-flag-note="item9" hidden><p>.*?</p></div>', calc).group(0)
    assert 'href="../practice/checklists/crisis.html"' in note
    for sid in ("phq9", "gad7", "esasr", "csi"):
        linked = [f for f in specs[sid]["red_flags"] if isinstance(f, dict) and f.get("follow_up")]
        assert linked and all(f["follow_up"]["target"] == "practice/checklists/crisis.md" for f in linked), sid
        assert "](../practice/checklists/crisis.md)" in instrument_macros.render(specs[sid])


def test_follow_up_to_a_missing_page_is_refused(tmp_path):
    def change(d):
        d["flags"][0]["follow_up"] = {"target": "practice/checklists/nope.md", "label": "x"}

    _refused(_broken(tmp_path, "phq9", change), "follow_up", "不存在")


def test_follow_up_outside_the_docs_is_refused(tmp_path):
    def change(d):
        d["red_flags"][1]["follow_up"]["target"] = "https://example.org/crisis.md"

    _refused(_broken(tmp_path, "phq9", change), "red_flags 第 2 项", "相对 docs/")


def test_red_flag_mapping_needs_text(tmp_path):
    def change(d):
        d["red_flags"][1].pop("text")

    _refused(_broken(tmp_path, "phq9", change), "red_flags 第 2 项", "text")
