"""Command line: score a CSV table of responses, or summarise a group's pre/post tables.

    python -m engine score INSTRUMENT FILE.csv [-o OUT.csv] [--force] [--raw-cells] [--id COLUMN ...]
                           [--encoding utf-8|gb18030]
    python -m engine score INSTRUMENT --template [-o OUT.csv] [--force] [--id COLUMN ...]
    python -m engine prepost INSTRUMENT BEFORE.csv AFTER.csv --id COLUMN [--encoding ...]

Files, encodings and the CSV syntax are handled here (CPython only); the per-row work is in
engine/batch.py and every number comes from engine/scoring.py. Needs Python 3 and PyYAML (the
instrument data is read from data/), nothing of the site's build. Exit status (EXIT_TEXT): 0 all rows
scored, 1 some rows invalid (each named in the 说明 column and on stderr), 2 usage or file error.
Every error is one Chinese line on stderr; the input is never written to, and an existing output
is replaced only with --force, in one step (a half-written result never replaces it).
"""

import argparse
import csv
import io
import os
import sys
import tempfile

from engine import batch, scoring

ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gb18030": "gb18030", "gbk": "gb18030"}
OK, INVALID_ROWS, REFUSED = 0, 1, 2
EXIT_TEXT = (
    "退出状态：0 全部行已计分；1 有无效的行（逐行写在“说明”列和屏幕上）；2 用法错误或文件无法读写（不写出任何结果）。"
)
NEEDS_TEXT = "只需要 Python 3 和 PyYAML（读取 data/ 里的量表数据），不需要构建网站的其他依赖。"


class Refused(Exception):
    """The whole file is refused; str() is the Chinese reason."""


def _specs():
    from catalog import instruments

    return instruments.load_all()


def _spec(ident):
    specs = _specs()
    if ident not in specs:
        raise Refused("没有这个量表：“" + ident + "”。可用的量表编号：" + "、".join(sorted(specs)))
    return specs[ident]


def _parse(text, name):
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise Refused("文件 " + name + " 不是有效的 CSV：" + str(error)) from None
    if not table or not any(cell.strip() for cell in table[0]):
        raise Refused("文件 " + name + " 是空的，或第一行不是表头。")
    return table[0], table[1:]


def check_source(path):
    if os.path.isdir(path):
        raise Refused(path + " 是文件夹，不是 CSV 文件：请给出要评分的文件。")
    if not os.path.exists(path):
        raise Refused("找不到文件 " + path + "：请检查文件名和所在文件夹。")


def read_table(path, spec, id_columns, encoding=None):
    """(header, rows, plan, encoding used). Refused for an oversized, unreadable or garbled file,
    and for a table with a right header but no row to score (an unfilled template)."""
    header, rows, plan, used = _read_table(path, spec, id_columns, encoding)
    if not any(any(cell.strip() for cell in row) for row in rows):
        name = os.path.basename(path)
        raise Refused("文件 " + name + " 只有表头，没有要评分的行：每位受访者填一行后再计分。")
    return header, rows, plan, used


def _read_table(path, spec, id_columns, encoding=None):
    name = os.path.basename(path)
    check_source(path)
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise Refused("无法读取文件 " + name + "：" + (error.strerror or str(error))) from None
    if size > batch.MAX_BYTES:
        raise Refused(
            "文件 "
            + name
            + " 有 "
            + _mb(size)
            + "，超过上限 "
            + _mb(batch.MAX_BYTES)
            + "（约 "
            + str(batch.MAX_ROWS)
            + " 行）；请拆成几个文件。"
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise Refused("无法读取文件 " + name + "：" + (error.strerror or str(error))) from None
    if encoding is not None:
        codec = ENCODINGS.get(encoding.lower())
        if codec is None:
            raise Refused("不支持的编码 “" + encoding + "”：只能是 utf-8 或 gb18030（gbk 按 gb18030 读取）。")
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise Refused("文件 " + name + " 不是 " + encoding + " 编码。" + _encoding_hint()) from None
        header, rows = _parse(text, name)
        return header, rows, batch.check_header(spec, header, id_columns), encoding
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        header, rows = _parse(text, name)
        return header, rows, batch.check_header(spec, header, id_columns), "utf-8"
    # Not UTF-8: GB18030 (what Chinese Excel writes) is accepted only if the whole file decodes and
    # its header is exactly a header for this instrument; a garbled header means another encoding.
    try:
        text = data.decode("gb18030")
        header, rows = _parse(text, name)
        plan = batch.check_header(spec, header, id_columns)
    except (UnicodeDecodeError, Refused, batch.BatchError):
        raise Refused(
            "无法识别文件 " + name + " 的编码：既不是 UTF-8，也不是 GB18030/GBK。" + _encoding_hint()
        ) from None
    return header, rows, plan, "gb18030"


def _encoding_hint():
    return (
        "请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”，或“CSV（逗号分隔）”（中文版 Excel 为 GBK 编码）；"
        "也可用 --encoding utf-8 或 --encoding gb18030 指定。"
    )


def _mb(size):
    return "%.1f MB" % (size / 1024 / 1024)


def check_target(path, force, source=None):
    """Refuse an output that is the input, a folder, or an existing file (without --force)."""
    if path == "-":
        return
    if source is not None and os.path.exists(path) and os.path.samefile(path, source):
        raise Refused("结果文件 " + path + " 就是输入文件：计分从不覆盖原始数据，请用 -o 指定另一个文件名。")
    if os.path.isdir(path):
        raise Refused("结果文件 " + path + " 是文件夹：请用 -o 给出文件名。")
    if os.path.exists(path) and not force:
        raise Refused(
            "结果文件 " + path + " 已存在：为防止误删，未写入。要替换它请加 --force，或用 -o 指定另一个文件名。"
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise Refused("无法写入 " + path + "：文件夹 " + folder + " 不存在。")


def write_csv(path, header, rows):
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly; '-' is stdout.

    Written to a temporary file beside the target and renamed over it, so a failure part-way leaves
    any earlier file as it was."""
    if path == "-":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)
        return
    folder = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=".scoring-", suffix=".csv", dir=folder)
        with open(handle, "w", encoding="utf-8-sig", newline="") as stream:
            out = csv.writer(stream)
            out.writerow(header)
            out.writerows(rows)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise Refused("无法写入结果文件 " + path + "：" + (error.strerror or str(error))) from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.remove(temporary)


def _default_output(path):
    stem, _ = os.path.splitext(path)
    return stem + ".scored.csv"


def cmd_score(args):
    spec = _spec(args.instrument)
    ids = args.id or None
    if args.template:
        target = args.output or (args.instrument + "-template.csv")
        check_target(target, args.force)
        header = batch.template_header(spec, ids)
        write_csv(target, header if args.raw_cells else [batch.safe_cell(name) for name in header], [])
        _say("已写出空白模板：" + target + "（UTF-8 带 BOM，可直接用 Excel 打开填写，每位受访者一行）")
        return OK
    if not args.file:
        raise Refused("请给出要评分的 CSV 文件，或用 --template 生成空白模板。")
    check_source(args.file)
    target = args.output or _default_output(args.file)
    check_target(target, args.force, args.file)
    header, rows, plan, used = read_table(args.file, spec, ids, args.encoding)
    scored = batch.score_rows(spec, plan, rows, raw=args.raw_cells)
    write_csv(target, scored["header"], scored["rows"])
    for entry in scored["results"]:
        if entry["result"] is None:
            _say(entry["message"])
    total = len(scored["results"])
    done = total - scored["invalid"] - scored["incomplete"]
    _say(
        f"{spec['names']['abbr']}：共 {total} 行，计分 {done} 行，未完成 {scored['incomplete']} 行，"
        f"无效 {scored['invalid']} 行（编码 {used}）；结果写入 {target}。"
        + (batch.RAW_NOTE if args.raw_cells else batch.GUARD_NOTE)
    )
    return INVALID_ROWS if scored["invalid"] else OK


def _paired_results(spec, path, id_column, encoding, which):
    header, rows, plan, _ = read_table(path, spec, [id_column], encoding)
    if not plan["ids"]:
        raise Refused(which + "文件 " + os.path.basename(path) + " 没有编号列“" + id_column + "”，无法配对。")
    scored = batch.score_rows(spec, plan, rows)
    column = plan["ids"][0][0]
    results = {}
    problems = []
    for entry in scored["results"]:
        key = entry["cells"][column].strip() if column < len(entry["cells"]) else ""
        if entry["result"] is None:
            problems.append(which + "：" + entry["message"])
        elif not key:
            problems.append(which + "：第 " + str(entry["row"]) + " 行没有编号，不能配对。")
        elif key in results:
            raise Refused(
                which + "文件中编号“" + key + "”出现不止一次（第 " + str(entry["row"]) + " 行）；配对要求每人一行。"
            )
        elif entry["result"]["complete"]:
            results[key] = entry["result"]
        else:
            problems.append(which + "：" + entry["message"])
    return results, problems, scored["invalid"]


def cmd_prepost(args):
    from catalog import thresholds

    specs = _specs()
    if args.instrument not in specs:
        raise Refused("没有这个量表：“" + args.instrument + "”。")
    spec = specs[args.instrument]
    threshold = thresholds.load(specs).get(args.instrument)
    before, p1, bad1 = _paired_results(spec, args.before, args.id, args.encoding, "前测")
    after, p2, bad2 = _paired_results(spec, args.after, args.id, args.encoding, "后测")
    for line in p1 + p2:
        _say(line)
    summary = batch.paired_summary(spec, before, after, threshold)
    print(report_text(spec, summary))
    return INVALID_ROWS if bad1 or bad2 else OK


def report_text(spec, s):
    abbr = spec["names"]["abbr"]
    lines = [
        abbr + " 前后测配对汇总（按编号配对，只计两次都完成的受访者）",
        "配对人数："
        + str(s["n"])
        + "（只有前测 "
        + str(s["only_before"])
        + " 人，只有后测 "
        + str(s["only_after"])
        + " 人，未计入）",
    ]
    if s["n"] == 0:
        lines.append("没有可配对的受访者，无法汇总。")
        return "\n".join(lines)
    lines.append("前测：平均 " + s["mean_before"] + "，中位数 " + s["median_before"])
    lines.append("后测：平均 " + s["mean_after"] + "，中位数 " + s["median_after"])
    lines.append(
        "平均变化（后测 − 前测）："
        + s["mean_change"]
        + "（"
        + ("分数越高越好" if spec["higher_is_better"] else "分数越低越好")
        + "）"
    )
    t = s["threshold"]
    if t is None:
        lines.append("本量表没有本手册采用的已发表变化阈值，只给出数字，不判断个人变化是否有意义。")
    else:
        lines.append(
            "按已发表阈值（"
            + t["kind"]
            + "："
            + str(t["change"])
            + " 分）：好转 "
            + str(s["improved"])
            + " 人，变差 "
            + str(s["worsened"])
            + " 人，其余 "
            + str(s["n"] - s["improved"] - s["worsened"])
            + " 人变化未达阈值。"
        )
        lines.append("阈值来源：" + t["source"])
    lines.append("平均数和中位数保留两位小数，四舍五入（.5 进位）。")
    return "\n".join(lines)


def _say(text):
    print(text, file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one Chinese line and status 2, like every other error."""

    def error(self, message):
        _say(
            "用法错误："
            + message
            + "。运行 python -m engine "
            + ("score " if "score" in self.prog else "")
            + "-h 查看用法。"
        )
        sys.exit(REFUSED)


def parser():
    top = _Parser(
        prog="python -m engine",
        description="量表批量评分（在本机运行，数据不外传）。" + NEEDS_TEXT,
        epilog=EXIT_TEXT,
    )
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    score = sub.add_parser(
        "score",
        help="给 CSV 表格逐行评分",
        description="给 CSV 表格逐行评分，结果另写一个文件（从不改动原文件）。" + NEEDS_TEXT,
        epilog=batch.GUARD_NOTE + " " + EXIT_TEXT,
    )
    score.add_argument("instrument", help="量表编号，例如 phq9")
    score.add_argument("file", nargs="?", help="CSV 文件：表头为条目编号，每位受访者一行")
    score.add_argument("-o", "--output", help="结果文件（默认：原文件名.scored.csv；- 为标准输出）；不能是输入文件本身")
    score.add_argument("--force", action="store_true", help="结果文件已存在时替换它（默认拒绝，以免误删）")
    score.add_argument(
        "--raw-cells",
        action="store_true",
        help="按原样写出单元格，不给以 = + - @、制表符或回车开头的单元格加防公式的单引号（供统计软件读取）",
    )
    score.add_argument("--id", action="append", help="原样保留的编号列（可重复；默认“编号”）")
    score.add_argument("--encoding", help="utf-8 或 gb18030（默认自动识别）")
    score.add_argument("--template", action="store_true", help="写出空白模板（UTF-8 带 BOM）")
    pre = sub.add_parser("prepost", help="前后测配对汇总")
    pre.add_argument("instrument")
    pre.add_argument("before")
    pre.add_argument("after")
    pre.add_argument("--id", required=True, help="用来配对的编号列")
    pre.add_argument("--encoding")
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        if args.command == "score":
            return cmd_score(args)
        return cmd_prepost(args)
    except (Refused, batch.BatchError, scoring.ScoreError) as error:
        _say("错误：" + str(error))
    except KeyboardInterrupt:
        _say("已中断：没有写出结果。")
    except ImportError as error:
        _say("错误：缺少 Python 模块 " + str(error.name) + "。" + NEEDS_TEXT + "（pip install pyyaml）")
    except Exception as error:  # noqa: BLE001  (the reader gets one line, never a traceback)
        _say("错误：意外的问题（" + type(error).__name__ + "），没有写出结果。请把这一行报告给维护者。")
    return REFUSED


if __name__ == "__main__":
    sys.exit(main())
