"""Each dated page says when its facts were last checked; the 勘误与更新 page lists every correction.

The dates live in data/checked.yml and the corrections in data/errata.yml, so no page types its own date.
"""

from catalog.datafiles import DataFileError
from catalog.page_dates import checked_on, load_checked, load_errata
from macros.links import relative
from macros.pages import page_exists, page_src

ERRATA_PAGE = "reference/errata.md"
SOURCES_CALL = "{{ sources("


def stamp(env):
    """Before a page's macros run: put the last-checked line above its sources (or at its end)."""
    date = checked_on(load_checked(), page_src(env))
    if not date:
        return
    line = (
        f"\n事实最后核对：{date} · [勘误与更新]({relative(env, ERRATA_PAGE)})\n"
        '{: .hb-checked data-search-exclude=""}\n\n'
    )
    text = env.markdown
    at = text.rfind(SOURCES_CALL)
    env.markdown = text[:at] + line + text[at:] if at >= 0 else text.rstrip("\n") + "\n" + line


def register(env):
    @env.macro
    def errata():
        """Every correction, newest first: date, page (linked), what changed, and its source."""
        from macros.content import references

        refs = references()
        rows = ["| 日期 | 页面 | 改了什么 | 依据 |", "| --- | --- | --- | --- |"]
        for entry in load_errata():
            page = entry["page"]
            if not page_exists(page.partition("#")[0]):
                raise DataFileError("data/errata.yml", page, "页面不存在")
            source = entry.get("source")
            if source and source not in refs:
                raise DataFileError("data/errata.yml", page, f"未知来源编号 {source}")
            basis = f"[文献 {source}]({relative(env, 'reference/bibliography.md')}#ref-{source})" if source else "—"
            rows.append(f"| {entry['date']} | [{page}]({relative(env, page)}) | {entry['change']} | {basis} |")
        return "\n".join(rows) + "\n"
