"""The bibliography (data/references.yml): every source a page or data file may cite, by id."""

from catalog import reference_checks
from catalog.datafiles import DATA, load_records, once_per_version

REFERENCE_FILE = DATA / "references.yml"
FIELDS = {
    "id": (str, True),
    "file": (str, False),
    "text": (str, True),
    "publisher": (str, True),
    "note": (str, False),
}


@once_per_version(lambda: [REFERENCE_FILE])
def references(path=None):
    """All references by id, validated (original sources only, see catalog/reference_checks.py; the
    check that every entry is cited reads the pages and data, so it runs for the real file only)."""
    if path is None:
        return reference_checks.check(
            load_records(REFERENCE_FILE, FIELDS, top="references"), REFERENCE_FILE, DATA.parent
        )
    return reference_checks.check(load_records(path, FIELDS, top="references"), path)
