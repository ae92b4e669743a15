"""Batch scoring and the group pre/post summary from the command line (engine/__main__.py, engine/batch.py).

The golden walker runs every case of tests/golden/*.yml through the CSV path and checks the written
cells against the hand-worked expectations and against scoring.score itself.
"""

import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from catalog import instruments, thresholds
from catalog.datafiles import DataFileError
from engine import batch, scoring
from engine.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
SPECS = instruments.load_all()
PHQ = [str(i) for i in range(1, 10)]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write(path, header, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    return table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def _score(tmp_path, capsys, argv):
    """Run the command in-process; (exit status, stderr text)."""
    capsys.readouterr()
    status = main(argv)
    return status, capsys.readouterr().err


def _golden():
    out = []
    for path in sorted(GOLDEN.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(pytest.param(data["instrument"], data["cases"], id=path.stem))
    return out


@pytest.mark.parametrize("instrument, cases", _golden())
def test_every_golden_case_through_the_csv_path(tmp_path, capsys, instrument, cases):
    spec = SPECS[instrument]
    keys = batch.item_columns(spec)
    rowed = [c for c in cases if set(c["answers"]) <= set(keys)]
    unknown = [c for c in cases if not set(c["answers"]) <= set(keys)]
    assert rowed, instrument
    header = ["编号"] + keys
    rows = [[f"c{n}"] + [_cell(case["answers"].get(key)) for key in keys] for n, case in enumerate(rowed)]
    source = _write(tmp_path / "in.csv", header, rows)
    status, err = _score(tmp_path, capsys, ["score", instrument, str(source), "-o", str(tmp_path / "out.csv")])
    out_header, out_rows = _read(tmp_path / "out.csv")
    assert out_header == header + batch.output_columns(spec)
    assert len(out_rows) == len(rowed)
    assert status == (1 if any("error" in c for c in rowed) else 0)
    notes = {f["id"]: f["summary"] for f in spec.get("flags", [])}
    notes[scoring.PRORATED] = batch.PRORATED_TEXT
    for n, (case, row) in enumerate(zip(rowed, out_rows, strict=True)):
        line = f"第 {n + 2} 行（编号 c{n}）"
        texts = {key: (row[key] or None) for key in keys}
        if "error" in case:
            with pytest.raises(scoring.ScoreError) as caught:
                scoring.score(spec, texts)
            assert row["说明"].startswith(line + "，列“")
            assert str(caught.value) in row["说明"] and str(caught.value) in err
            rule = case["error"].split("：")[0].split(" ")[-1]
            assert rule in row["说明"]
            assert [row[c] for c in batch.output_columns(spec)[:-1]] == [""] * (len(batch.output_columns(spec)) - 1)
            continue
        expect = case["expect"]
        assert scoring.score(spec, texts) == scoring.score(spec, case["answers"])
        if expect["total"] is None:
            assert row["总分"] == ""
            assert "未完成" in row["说明"]
        else:
            assert float(row["总分"]) == pytest.approx(expect["total"], abs=1e-9)
            places = spec["scoring"].get("decimals", 0)
            assert len(row["总分"].partition(".")[2]) == places
        band = expect["band"]
        assert row["分级"] == ("" if band is None else spec["bands"][band]["label"])
        for sub in spec.get("subscales", []):
            value = expect["subscales"].get(sub["id"])
            assert row[batch.SUB_PREFIX + sub["name"]] == ("" if value is None else str(value))
        assert row["警示"] == "；".join(notes[f] for f in expect["flags"])
        assert row["说明"].startswith(line + "：")
    # A key that is not an item of the instrument is a column the header cannot have.
    for case in unknown:
        extra = [k for k in case["answers"] if k not in keys]
        bad = _write(tmp_path / "unknown.csv", ["编号"] + keys + extra, [])
        status, err = _score(tmp_path, capsys, ["score", instrument, str(bad), "-o", str(tmp_path / "x.csv")])
        assert status == 2
        assert "不认识的列" in err and all(f"“{k}”" in err for k in extra)


def test_batch_results_are_score_results():
    spec = SPECS["ssrs"]
    plan = batch.check_header(spec, ["编号"] + batch.item_columns(spec))
    rows = [["a"] + ["1"] * 4 + ["2"] * 5 + ["3", "4", "2", "3", "1"], ["b"] + [""] * 14]
    scored = batch.score_rows(spec, plan, rows)
    for entry, row in zip(scored["results"], rows, strict=True):
        answers = {k: (v or None) for k, v in zip(batch.item_columns(spec), row[1:], strict=True)}
        assert entry["result"] == scoring.score(spec, answers)


# ---------------------------------------------------------------- encodings

ROW_TEXT = "编号,1,2,3,4,5,6,7,8,9\n张三,1,1,1,1,1,1,1,1,1\n李四,0,0,0,0,0,0,0,0,3\n"


@pytest.mark.parametrize(
    "encoding, shown", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("gbk", "gb18030"), ("gb18030", "gb18030")]
)
def test_encodings_are_detected(tmp_path, capsys, encoding, shown):
    path = tmp_path / "in.csv"
    path.write_bytes(ROW_TEXT.encode(encoding))
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path), "-o", str(tmp_path / "o.csv")])
    assert status == 0, err
    assert f"编码 {shown}" in err
    _, rows = _read(tmp_path / "o.csv")
    assert [(r["编号"], r["总分"], r["分级"]) for r in rows] == [("张三", "9", "轻度"), ("李四", "3", "无或极轻")]


def test_encoding_option(tmp_path, capsys):
    path = tmp_path / "in.csv"
    path.write_bytes(ROW_TEXT.encode("gbk"))
    assert (
        _score(tmp_path, capsys, ["score", "phq9", str(path), "--encoding", "gbk", "-o", str(tmp_path / "o.csv")])[0]
        == 0
    )
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path), "--encoding", "utf-8"])
    assert status == 2 and "不是 utf-8 编码" in err
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path), "--encoding", "latin-1"])
    assert status == 2 and "不支持的编码" in err


@pytest.mark.parametrize("header", ["Identité", "Identitée"])
def test_latin1_file_is_refused(tmp_path, capsys, header):
    # "é," is not GB18030 at all; "ée" decodes as GB18030 into a garbled header, which is refused too.
    path = tmp_path / "in.csv"
    path.write_bytes((header + ",1,2,3,4,5,6,7,8,9\nx,0,0,0,0,0,0,0,0,0\n").encode("latin-1"))
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path), "--id", header, "-o", str(tmp_path / "o.csv")])
    assert status == 2
    assert "无法识别文件 in.csv 的编码" in err
    assert not (tmp_path / "o.csv").exists()


def test_utf16_is_refused(tmp_path, capsys):
    path = tmp_path / "in.csv"
    path.write_bytes(ROW_TEXT.encode("utf-16"))
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path)])
    assert status == 2 and "无法识别" in err


# ---------------------------------------------------------------- malformed tables and rows


def test_malformed_rows_are_named_and_get_no_number(tmp_path, capsys):
    rows = [
        ["A", "1", "1", "1", "1", "1", "1", "1", "1", "1"],
        ["B", "1", "一", "1", "1", "1", "1", "1", "1", "1"],
        ["C", "1", "1", "1", "1", "1", "1", "1", "1", "4"],
        ["D", "1", "1", "1", "1", "1", "1", "1", "1", "1", "9"],
        ["E", "1", "1", "1", "1", "1", "1", "1", "1", "1", "", ""],
    ]
    path = _write(tmp_path / "in.csv", ["编号"] + PHQ, rows)
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path), "-o", str(tmp_path / "o.csv")])
    assert status == 1
    _, out = _read(tmp_path / "o.csv")
    assert [r["总分"] for r in out] == ["9", "", "", "", "9"]
    assert out[1]["说明"] == "第 3 行（编号 B），列“2”：第 2 题的值 “一” 不是数字：应为 0、1、2、3 之一。本行不计分。"
    assert out[2]["说明"] == "第 4 行（编号 C），列“9”：第 9 题的值 “4” 超出范围：应为 0、1、2、3 之一。本行不计分。"
    assert out[3]["说明"].startswith("第 5 行（编号 D）：有 11 个单元格，多于表头的 10 列")
    assert out[1]["警示"] == out[2]["警示"] == ""
    assert "第 3 行（编号 B）" in err and "无效 3 行" in err


def test_missing_and_extra_columns_are_named(tmp_path, capsys):
    path = _write(tmp_path / "in.csv", ["编号"] + PHQ[:-1], [["A"] + ["0"] * 8])
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path)])
    assert status == 2 and "表头缺少 PHQ-9 的条目列：“9”" in err
    path = _write(tmp_path / "in.csv", ["编号", "备注"] + PHQ, [["A", "门诊"] + ["0"] * 9])
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path)])
    assert status == 2 and "不认识的列：“备注”" in err and "--id" in err
    status, err = _score(
        tmp_path, capsys, ["score", "phq9", str(path), "--id", "编号", "--id", "备注", "-o", str(tmp_path / "o.csv")]
    )
    assert status == 0
    _, out = _read(tmp_path / "o.csv")
    assert out[0]["备注"] == "门诊" and out[0]["总分"] == "0"
    path = _write(tmp_path / "in.csv", ["编号", "1"] + PHQ, [])
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path)])
    assert status == 2 and "列名重复：“1”" in err


def test_optional_item_column_may_be_absent(tmp_path, capsys):
    spec = SPECS["esasr"]
    required = [i["key"] for i in spec["items"] if not i.get("optional")]
    assert len(required) < len(spec["items"])
    path = _write(tmp_path / "in.csv", ["编号"] + required, [["A"] + ["1"] * len(required)])
    assert _score(tmp_path, capsys, ["score", "esasr", str(path), "-o", str(tmp_path / "o.csv")])[0] == 0


def test_oversized_file_is_refused_before_reading(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.csv"
    with open(path, "wb") as handle:
        handle.truncate(batch.MAX_BYTES + 1)
    opened = []
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or pytest.fail("file was opened"))
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path)])
    monkeypatch.undo()
    assert status == 2 and "超过上限 5.0 MB" in err and not opened


def test_too_many_rows_are_refused():
    spec = SPECS["phq9"]
    plan = batch.check_header(spec, ["编号"] + PHQ)
    with pytest.raises(batch.BatchError) as caught:
        batch.score_rows(spec, plan, [["a"] + ["0"] * 9] * (batch.MAX_ROWS + 1))
    assert "超过上限 20000 行" in str(caught.value)


def test_unknown_instrument(tmp_path, capsys):
    status, err = _score(tmp_path, capsys, ["score", "nosuch", "--template"])
    assert status == 2 and "没有这个量表" in err


# ---------------------------------------------------------------- template


@pytest.mark.parametrize("instrument", instruments.ids())
def test_template_round_trip(tmp_path, capsys, instrument):
    spec = SPECS[instrument]
    target = tmp_path / "t.csv"
    assert _score(tmp_path, capsys, ["score", instrument, "--template", "-o", str(target)])[0] == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, rows = _read(target)
    assert header == ["编号"] + batch.item_columns(spec) and rows == []
    lowest = [str(instruments.rules.allowed_values(item)[0]) for item in spec["items"]]
    with open(target, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["P1"] + lowest)
    status, err = _score(tmp_path, capsys, ["score", instrument, str(target), "-o", str(tmp_path / "o.csv")])
    assert status == 0, err
    _, out = _read(tmp_path / "o.csv")
    expected = scoring.score(spec, dict(zip(batch.item_columns(spec), lowest, strict=True)))
    assert out[0]["总分"] == batch._number_text(expected["total"], spec["scoring"].get("decimals", 0))


# ---------------------------------------------------------------- pre/post

# Hand-computed PHQ-9 example (item scores 0–3 summed; threshold 5 points, lower is better):
#   P1 before 1×9 = 9,          after 1+1+1+1 = 4       change −5 → improved (exactly 5)
#   P2 before 3×5 = 15,         after 3×6 = 18          change +3 → below threshold
#   P3 before 2×6 = 12,         after 3×7 = 21          change +9 → worsened
#   P4 only before, P5 only after: not paired.
#   n = 3; mean before (9+15+12)/3 = 12.00; median before of 9, 12, 15 = 12.00
#   mean after (4+18+21)/3 = 43/3 = 14.33; median after of 4, 18, 21 = 18.00
#   mean change (−5+3+9)/3 = 7/3 = 2.33
BEFORE = [["P1"] + ["1"] * 9, ["P2"] + ["3"] * 5 + ["0"] * 4, ["P3"] + ["2"] * 6 + ["0"] * 3, ["P4"] + ["0"] * 9]
AFTER = [
    ["P1"] + ["1"] * 4 + ["0"] * 5,
    ["P2"] + ["3"] * 6 + ["0"] * 3,
    ["P3"] + ["3"] * 7 + ["0"] * 2,
    ["P5"] + ["2"] * 9,
]


def test_prepost_hand_computed(tmp_path, capsys):
    before = _write(tmp_path / "before.csv", ["编号"] + PHQ, BEFORE)
    after = _write(tmp_path / "after.csv", ["编号"] + PHQ, AFTER)
    capsys.readouterr()
    assert main(["prepost", "phq9", str(before), str(after), "--id", "编号"]) == 0
    out = capsys.readouterr().out
    assert "配对人数：3（只有前测 1 人，只有后测 1 人" in out
    assert "前测：平均 12.00，中位数 12.00" in out
    assert "后测：平均 14.33，中位数 18.00" in out
    assert "平均变化（后测 − 前测）：2.33" in out
    assert "5 分）：好转 1 人，变差 1 人，其余 1 人" in out
    assert "Löwe B" in out and "Med Care, 2004" in out


def test_prepost_without_threshold_gives_no_verdict():
    # CSI (0–13, higher is worse) has no entry in data/thresholds.yml.
    # Totals before 1, 2, 3, 4 (median (2+3)/2 = 2.50, mean 10/4 = 2.50); after 0, 0, 6, 4
    # (median (0+4)/2 = 2.00, mean 10/4 = 2.50); mean change 0/4 = 0.00.
    spec = SPECS["csi"]
    keys = batch.item_columns(spec)

    def result(total):
        return scoring.score(spec, {k: (1 if i < total else 0) for i, k in enumerate(keys)})

    s = batch.paired_summary(
        spec,
        {"a": result(1), "b": result(2), "c": result(3), "d": result(4)},
        {"a": result(0), "b": result(0), "c": result(6), "d": result(4)},
        None,
    )
    assert (s["n"], s["median_before"], s["mean_before"], s["median_after"], s["mean_after"], s["mean_change"]) == (
        4,
        "2.50",
        "2.50",
        "2.00",
        "2.50",
        "0.00",
    )
    assert s["improved"] is None and s["worsened"] is None


def test_prepost_duplicate_id_is_refused(tmp_path, capsys):
    before = _write(tmp_path / "before.csv", ["编号"] + PHQ, BEFORE + [BEFORE[0]])
    after = _write(tmp_path / "after.csv", ["编号"] + PHQ, AFTER)
    capsys.readouterr()
    assert main(["prepost", "phq9", str(before), str(after), "--id", "编号"]) == 2
    assert "编号“P1”出现不止一次" in capsys.readouterr().err


def test_thresholds_file_is_checked(tmp_path):
    loaded = thresholds.load(SPECS)
    assert {k: v["change"] for k, v in loaded.items()} == {"phq9": 5, "gad7": 4}
    assert all("doi:" in v["source"] for v in loaded.values())
    bad = tmp_path / "thresholds.yml"
    bad.write_text("thresholds:\n  - {instrument: phq9, change: 0, kind: x, source: y, note: z}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        thresholds.load(SPECS, bad)
    assert "thresholds 第 1 条（phq9）" in str(caught.value) and "change 应为大于 0" in str(caught.value)
    bad.write_text("thresholds:\n  - {instrument: nosuch, change: 2, kind: x, source: y, note: z}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="没有这个量表"):
        thresholds.load(SPECS, bad)
    bad.write_text("thresholds:\n  - {instrument: phq9, change: 2, kind: x, note: z}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="source"):
        thresholds.load(SPECS, bad)


# ---------------------------------------------------------------- the real command and its speed


def test_python_dash_m_engine(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(ROW_TEXT.encode("gbk"))
    done = subprocess.run(
        [sys.executable, "-m", "engine", "score", "phq9", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    header, rows = _read(tmp_path / "in.scored.csv")
    assert rows[1]["警示"] == "第 9 题 > 0，需评估自杀风险"


def test_ten_thousand_rows(tmp_path, capsys):
    rows = [[f"R{n}"] + [str((n + i) % 4) for i in range(9)] for n in range(10000)]
    path = _write(tmp_path / "in.csv", ["编号"] + PHQ, rows)
    start = time.perf_counter()
    status, err = _score(tmp_path, capsys, ["score", "phq9", str(path), "-o", str(tmp_path / "o.csv")])
    elapsed = time.perf_counter() - start
    assert status == 0, err
    assert "共 10000 行，计分 10000 行" in err
    print(f"10,000 PHQ-9 rows scored in {elapsed:.2f} s")
    assert elapsed < 60
