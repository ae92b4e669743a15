"""Batch scoring of a table of responses (one row per respondent) and a paired pre/post summary.

Plain standard-library Python that runs unchanged in CPython, Pyodide and MicroPython: it works on
a header (list of column names) and rows (lists of cell texts) that the caller has already read;
reading files, encodings and the CSV syntax are the caller's job (engine/__main__.py on the
command line). Every number comes from scoring.score; this module only maps columns to item keys
and results to cells.

    check_header(spec, header, id_columns)   -> plan (raises BatchError naming the columns)
    score_rows(spec, plan, rows)              -> {"header", "rows", "results", "bad", "invalid", "incomplete"}
    score_table(spec, header, rows, …)        -> one slice for the page: added cells and row offsets
    paired_summary(spec, before, after, threshold) -> n, means, medians, change, threshold counts
    safe_cell(text)                           -> the cell as a spreadsheet will not run it as a formula
"""

from engine import instruments, scoring

# A table larger than this is refused before any row is read (the browser holds it in memory).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
DEFAULT_ID = "编号"
COL_TOTAL = "总分"
COL_BAND = "分级"
COL_FLAGS = "警示"
COL_MESSAGE = "说明"
SUB_PREFIX = "分量表·"
PRORATED_TEXT = "缺项已按其余条目均分补足"


# A cell starting with one of these is read by Excel, WPS and LibreOffice as a formula (CWE-1236):
# «=HYPERLINK(…)» in a respondent id would run when a colleague opens the scored file. OWASP's
# CSV-injection guidance: write such a cell with a leading apostrophe, which the spreadsheet shows
# as text. A plain number («-3», «+2.5») is not a formula and stays a number.
FORMULA_STARTS = "=+-@\t\r"
GUARD_NOTE = (
    "以 = + - @、制表符或回车开头的单元格（数字除外）已在前面加上英文单引号 '，"
    "防止 Excel/WPS 把它当作公式执行；统计软件需要原样内容时可关闭此项。"
)
RAW_NOTE = "单元格按原样写出（未加防公式的单引号）：请勿直接用 Excel/WPS 打开来路不明的结果文件。"


def _digits(text):
    if not text:
        return False
    for ch in text:
        if ch not in "0123456789":
            return False
    return True


def _plain_number(text):
    digits = text[1:] if text[:1] in "+-" else text
    whole, _, fraction = digits.partition(".")
    return _digits(whole) and (fraction == "" or _digits(fraction))


def safe_cell(text):
    """The cell with a leading ' if a spreadsheet would read it as a formula (see FORMULA_STARTS)."""
    if text and text[0] in FORMULA_STARTS and not _plain_number(text):
        return "'" + text
    return text


def guarded(cells):
    """[(position, safe text)] for the cells of one output row that safe_cell changes."""
    changed = []
    for position in range(len(cells)):
        safe = safe_cell(cells[position])
        if safe != cells[position]:
            changed.append((position, safe))
    return changed


class BatchError(Exception):
    """The table as a whole cannot be scored (bad header, too large); str() is Chinese."""


def item_columns(spec):
    return [item["key"] for item in spec["items"]]


def output_columns(spec):
    return (
        [COL_TOTAL]
        + [SUB_PREFIX + sub["name"] for sub in spec.get("subscales", [])]
        + [COL_BAND, COL_FLAGS, COL_MESSAGE]
    )


def template_header(spec, id_columns=None):
    """Header of an empty table to fill in: the id column(s), then one column per item."""
    return list(id_columns or [DEFAULT_ID]) + item_columns(spec)


def _names(columns):
    return "、".join(["“" + c + "”" for c in columns])


def check_header(spec, header, id_columns=None):
    """Map the header to items. Missing required items, unknown and repeated columns are errors.

    Columns this module writes (总分, 分级, …) are accepted and dropped, so a scored table can be
    scored again; they are recomputed from the items.
    """
    ids = list(id_columns or [DEFAULT_ID])
    header = [str(cell).strip() for cell in header]
    abbr = spec["names"]["abbr"]
    keys = item_columns(spec)
    written = output_columns(spec)
    seen = {}
    repeated = []
    for name in header:
        if name in seen and name not in repeated:
            repeated.append(name)
        seen[name] = True
    if repeated:
        raise BatchError("表头中这些列名重复：" + _names(repeated) + "。每个列名只能出现一次。")
    if "" in seen:
        raise BatchError("表头第 " + str(header.index("") + 1) + " 列没有列名。")
    unknown = [name for name in header if name not in keys and name not in ids and name not in written]
    if unknown:
        raise BatchError(
            "表头中有 "
            + abbr
            + " 不认识的列："
            + _names(unknown)
            + "。"
            + abbr
            + " 的条目列为 "
            + instruments.key_list_text(keys)
            + "；编号等要原样保留的列请用 --id 指明（默认只认“"
            + DEFAULT_ID
            + "”）。"
        )
    required = [item["key"] for item in instruments.required_items(spec)]
    missing = [key for key in required if key not in seen]
    if missing:
        raise BatchError("表头缺少 " + abbr + " 的条目列：" + _names(missing) + "。可用 --template 生成正确的表头。")
    keep = [i for i in range(len(header)) if header[i] not in written]
    return {
        "header": [header[i] for i in keep] + written,
        "keep": keep,
        "items": [(header.index(key), key) for key in keys if key in seen],
        "ids": [(header.index(name), name) for name in ids if name in seen],
        "width": len(header),
    }


def _blank(cells):
    for cell in cells:
        if cell.strip():
            return False
    return True


def _number_text(value, places):
    if places == 0:
        return str(int(value))
    units = instruments.to_units(value, 10**places)
    sign = "-" if units < 0 else ""
    units = abs(units)
    return sign + str(units // 10**places) + "." + str(units % 10**places + 10**places)[1:]


def _row_label(number, plan, cells):
    shown = ""
    for i, name in plan["ids"]:
        if i < len(cells):
            text = cells[i].strip()
            if text:
                shown += ("，" if shown else "") + name + " " + text
    if shown:
        return "第 " + str(number) + " 行（" + shown + "）"
    return "第 " + str(number) + " 行"


def _failing_column(spec, answers):
    """The first item column whose value scoring.score rejects on its own (the one the error names)."""
    for key in item_columns(spec):
        if answers.get(key) is not None:
            try:
                scoring.score(spec, {key: answers[key]})
            except scoring.ScoreError:
                return key
    return None


def _context(spec, plan):
    """What every row of one table needs, worked out once: a table may have 20,000 rows."""
    prep = scoring.prepare(spec)
    texts = {}
    for key, _, printed, _ in prep["readers"]:
        texts[key] = printed
    notes = {}
    for flag in spec.get("flags", []):
        notes[flag["id"]] = flag["summary"]
    notes[scoring.PRORATED] = PRORATED_TEXT
    return {
        "spec": spec,
        "prep": prep,
        "plan": plan,
        "width": plan["width"],
        "columns": [(index, key, texts[key]) for index, key in plan["items"]],
        "empty": dict([(key, None) for key in item_columns(spec)]),
        "notes": notes,
        "subscales": [sub["id"] for sub in spec.get("subscales", [])],
        "abbr": spec["names"]["abbr"],
        "places": instruments.decimals(spec),
    }


def _score_row(ctx, cells, number):
    """Score one row; `number` is its row number in the spreadsheet (the header is row 1).

    Returns (result or None, output cells, message). An invalid row has result None and no number.
    """
    plan = ctx["plan"]
    width = ctx["width"]
    if len(cells) > width and not _blank(cells[width:]):
        return (
            None,
            None,
            (
                _row_label(number, plan, cells)
                + "：有 "
                + str(len(cells))
                + " 个单元格，多于表头的 "
                + str(width)
                + " 列（规则：每行的单元格数应与表头一致）。"
            ),
        )
    if len(cells) < width:
        cells = cells + [""] * (width - len(cells))
    label = _row_label(number, plan, cells)
    # A cell that is exactly an allowed value's printed form ("2") is read here; any other cell
    # sends the whole row through scoring.read_values, which judges it and words the error.
    values = dict(ctx["empty"])
    answers = {}
    plain = True
    for index, key, printed in ctx["columns"]:
        text = cells[index].strip()
        if text:
            answers[key] = text
            if text in printed:
                values[key] = printed[text]
            else:
                plain = False
    prep = ctx["prep"]
    try:
        if not plain:
            values = scoring.read_values(prep, answers)
        result = scoring.score_values(prep, values)
    except scoring.ScoreError as error:
        column = _failing_column(ctx["spec"], answers)
        where = "，列“" + column + "”" if column is not None else ""
        return None, None, label + where + "：" + str(error) + "。本行不计分。"
    return result, _result_cells(ctx, result), _message(ctx, result, label)


def _message(ctx, result, label):
    if not result["complete"]:
        return (
            label
            + "：未完成，缺第 "
            + "、".join(result["missing"])
            + " 题，按 "
            + ctx["abbr"]
            + " 的缺项规则不计总分。"
        )
    if result["missing"]:
        return label + "：已计分（缺第 " + "、".join(result["missing"]) + " 题，" + PRORATED_TEXT + "）。"
    return label + "：已计分。"


def _result_cells(ctx, result):
    cells = [_number_text(result["total"], ctx["places"]) if result["complete"] else ""]
    for ident in ctx["subscales"]:
        value = result["subscales"].get(ident)
        cells.append("" if value is None else str(value))
    cells.append(result["band"]["label"] if result["band"] else "")
    notes = ctx["notes"]
    cells.append("；".join([notes[flag] for flag in result["flags"] if flag in notes]))
    return cells


def score_rows(spec, plan, rows, first_row=2, raw=False):
    """Score every row; blank rows are skipped. rows are lists of cell texts, in file order.

    The header and rows written out go through safe_cell unless raw (the results keep the cells as read).
    """
    scored = _score_rows(spec, plan, rows, first_row, False)
    if not raw:
        scored["header"] = [safe_cell(name) for name in scored["header"]]
        scored["rows"] = [[safe_cell(cell) for cell in row] for row in scored["rows"]]
    return scored


def _score_rows(spec, plan, rows, first_row, for_page):
    """for_page: each row's added cells and its offset only (score_table); else whole rows and results."""
    if len(rows) > MAX_ROWS:
        raise BatchError("表格有 " + str(len(rows)) + " 行，超过上限 " + str(MAX_ROWS) + " 行；请拆成几个文件。")
    ctx = _context(spec, plan)
    out_rows = []
    offsets = []
    results = []
    bad = []
    invalid = 0
    incomplete = 0
    blanks = [""] * (len(output_columns(spec)) - 1)
    keep = plan["keep"]
    for offset in range(len(rows)):
        cells = rows[offset]
        if _blank(cells):
            continue
        number = first_row + offset
        result, result_cells, message = _score_row(ctx, cells, number)
        if result is None:
            invalid += 1
            result_cells = blanks
        elif not result["complete"]:
            incomplete += 1
        bad.append(result is None)
        if for_page:
            offsets.append(offset)
            out_rows.append(result_cells + [message])
        else:
            count = len(cells)
            out_rows.append([cells[i] if i < count else "" for i in keep] + result_cells + [message])
            results.append({"row": number, "cells": cells, "result": result, "message": message})
    return {
        "header": plan["header"],
        "rows": out_rows,
        "offsets": offsets,
        "results": results,
        "bad": bad,
        "invalid": invalid,
        "incomplete": incomplete,
    }


def score_table(spec, header, rows, first_row=2, total=None, id_columns=None):
    """One call from the browser worker: a slice of the table, starting at spreadsheet row first_row.

    total is the number of rows in the whole table (checked against MAX_ROWS before any slice is
    scored). Table-level problems come back as ScoreError, which the bridge shows as a message.
    A scored row comes back as its offset in `rows` and the cells this module adds; the page puts
    the input cells listed in `keep` in front of them. Echoing whole rows doubled the reply, and
    writing the reply as JSON is a good part of a row's time under MicroPython. `guard` lists the
    cells safe_cell changes, as [row n of this reply, position in the output row, safe text], and
    `safe_header` the header so guarded: the page writes them unless the reader asked for raw cells.
    """
    try:
        if total is not None and total > MAX_ROWS:
            raise BatchError("表格有 " + str(total) + " 行，超过上限 " + str(MAX_ROWS) + " 行；请拆成几个文件。")
        plan = check_header(spec, header, id_columns)
        scored = _score_rows(spec, plan, rows, first_row, True)
        guard = []
        for n in range(len(scored["offsets"])):
            cells = rows[scored["offsets"][n]]
            count = len(cells)
            row = [cells[i] if i < count else "" for i in plan["keep"]] + scored["rows"][n]
            for position, safe in guarded(row):
                guard.append([n, position, safe])
    except BatchError as error:
        raise scoring.ScoreError(str(error)) from None
    except (AttributeError, TypeError):
        # The rows are taken as they come (checking each cell would cost as much as scoring it).
        raise scoring.ScoreError("表格的每一行应为单元格文本的列表。") from None
    return {
        "header": scored["header"],
        "keep": plan["keep"],
        "offsets": scored["offsets"],
        "cells": scored["rows"],
        "invalid": scored["invalid"],
        "incomplete": scored["incomplete"],
        "bad": scored["bad"],
        "guard": guard,
        "safe_header": [safe_cell(name) for name in scored["header"]],
        "note": GUARD_NOTE,
        "raw_note": RAW_NOTE,
    }


# ---------------------------------------------------------------- paired pre/post


def _median_units(values):
    """Median of integer score units, in half units ×2 so it stays an integer (returned ×2)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return 2 * ordered[middle]
    return ordered[middle - 1] + ordered[middle]


def _fixed(numerator, denominator, places=2):
    """numerator / denominator as text with `places` decimals, rounded half up (integers only)."""
    scale = 10**places
    value = (2 * numerator * scale + denominator) // (2 * denominator)
    sign = "-" if value < 0 else ""
    value = abs(value)
    return sign + str(value // scale) + "." + str(value % scale + scale)[1:]


def paired_summary(spec, before, after, threshold=None):
    """Summary of paired results. before/after map a respondent id to a complete score() result.

    threshold, when the instrument has a published one, is {"change": points, ...}; respondents whose
    total moves by at least that many points are counted as improved or worsened (direction from
    the spec's higher_is_better). Without one, no respondent is judged.
    """
    scale = 10 ** instruments.decimals(spec)
    ids = sorted([key for key in before if key in after])
    b = [instruments.to_units(before[key]["total"], scale) for key in ids]
    a = [instruments.to_units(after[key]["total"], scale) for key in ids]
    n = len(ids)
    out = {
        "n": n,
        "only_before": len([k for k in before if k not in after]),
        "only_after": len([k for k in after if k not in before]),
        "mean_before": None,
        "mean_after": None,
        "median_before": None,
        "median_after": None,
        "mean_change": None,
        "threshold": threshold,
        "improved": None,
        "worsened": None,
    }
    if n == 0:
        return out
    out["mean_before"] = _fixed(sum(b), n * scale)
    out["mean_after"] = _fixed(sum(a), n * scale)
    out["median_before"] = _fixed(_median_units(b), 2 * scale)
    out["median_after"] = _fixed(_median_units(a), 2 * scale)
    out["mean_change"] = _fixed(sum(a) - sum(b), n * scale)
    if threshold is not None:
        step = instruments.to_units(threshold["change"], scale)
        sign = 1 if spec["higher_is_better"] else -1
        changes = [sign * (a[i] - b[i]) for i in range(n)]
        out["improved"] = len([c for c in changes if c >= step])
        out["worsened"] = len([c for c in changes if c <= -step])
    return out
