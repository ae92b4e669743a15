"""When each page's facts were last checked (data/checked.yml) and the list of corrections (data/errata.yml).

checked.yml:  chapters: {folder: "YYYY-MM-DD"}   pages: {"folder/page.md": "YYYY-MM-DD"}  (a page overrides its folder)
errata.yml:   entries: [{date, page, change, source?}]  (source: a reference id from data/references.yml)
"""

import re

from catalog.chapters import load_chapters
from catalog.datafiles import DATA, DataFileError, check_fields, load_yaml

DATE = re.compile(r"^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
ERRATUM_FIELDS = {"date": (str, True), "page": (str, True), "change": (str, True), "source": (str, False)}


def _date(path, entry, value):
    """YAML reads 2026-12-07 as a date; the files quote dates, and either form comes back as text."""
    text = value.isoformat() if hasattr(value, "isoformat") else value
    if not isinstance(text, str) or not DATE.match(text):
        raise DataFileError(path, entry, f'日期应写成 "YYYY-MM-DD"，实际是 {value!r}')
    return text


def load_checked(path=DATA / "checked.yml"):
    """{"chapters": {folder: date}, "pages": {page: date}}, validated."""
    raw = load_yaml(path)
    if not isinstance(raw, dict) or set(raw) != {"chapters", "pages"}:
        raise DataFileError(path, "（整个文件）", "应有且只有 chapters 和 pages 两个映射")
    out = {}
    for part in ("chapters", "pages"):
        table = raw[part] or {}
        if not isinstance(table, dict):
            raise DataFileError(path, part, "应为映射（路径: 日期）")
        out[part] = {str(key): _date(path, f"{part} / {key}", value) for key, value in table.items()}
    for page in out["pages"]:
        if not page.endswith(".md") or "/" not in page:
            raise DataFileError(path, f"pages / {page}", "页面应写成 docs 下的路径，如 hospital/crisis.md")
    # Every page says when its facts were last checked: a chapter without a date would say nothing.
    undated = [chapter for chapter in load_chapters() if chapter not in out["chapters"]]
    if undated:
        raise DataFileError(
            path, "chapters", f"章 {', '.join(undated)} 没有核对日期：在 chapters 下写上本章事实核对的日期"
        )
    return out


def checked_on(checked, src):
    """The date the page's facts were last checked, or None for pages outside the dated chapters."""
    if src in checked["pages"]:
        return checked["pages"][src]
    return checked["chapters"].get(src.split("/", 1)[0]) if "/" in src else None


def load_errata(path=DATA / "errata.yml"):
    """Every correction, newest first (data order within a day)."""
    raw = load_yaml(path)
    entries = raw.get("entries") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataFileError(path, "（整个文件）", "应在 entries 下列出更正")
    out = []
    for number, entry in enumerate(entries, 1):
        where = f"第 {number} 条"
        if isinstance(entry, dict) and "date" in entry:
            entry = dict(entry, date=_date(path, where, entry["date"]))
        check_fields(path, where, entry, ERRATUM_FIELDS)
        out.append(entry)
    return sorted(out, key=lambda e: e["date"], reverse=True)
