"""Which docs-relative pages the site has: written in docs/, or made from a data file at build time.

Data checks ask this before the build has made any page (a flag's follow-up, a checklist's method link).
"""

from catalog.datafiles import DATA, ROOT, load_yaml

DOCS = ROOT / "docs"
# Pages made from data (tools/scale_pages.py, tools/checklist_pages.py): folder -> (data folder, kind it must have).
SCALES = "scales"
INSTRUMENTS = DATA / "instruments"
CHECKLIST_PAGES = "practice/checklists"
CHECKLISTS = DATA / "checklists"
MADE_FROM_DATA = {SCALES: INSTRUMENTS, CHECKLIST_PAGES: CHECKLISTS}


def _made_from_data(folder, stem):
    source = MADE_FROM_DATA[folder] / (stem + ".yml")
    if not source.is_file():
        return False
    if folder != CHECKLIST_PAGES:
        return True
    data = load_yaml(source)  # a record-kind checklist (the case record) has a written page elsewhere
    return isinstance(data, dict) and data.get("kind", "checklist") == "checklist"


def page_exists(page):
    """Whether the docs-relative `page` (e.g. 'scales/phq9.md') is a page of the site, written or made from data."""
    folder, _, name = page.rpartition("/")
    made = folder in MADE_FROM_DATA and name != "index.md" and name.endswith(".md")
    if made and _made_from_data(folder, name[:-3]):
        return True
    return (DOCS / page).is_file()
