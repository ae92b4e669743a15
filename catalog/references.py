"""The bibliography (data/references.yml): every source a page or data file may cite, by id."""

from catalog.datafiles import DATA, load_records, once_per_version

REFERENCE_FILE = DATA / "references.yml"
FIELDS = {"id": (str, True), "file": (str, False), "text": (str, True), "note": (str, False)}


@once_per_version(lambda: [REFERENCE_FILE])
def references(path=None):
    """All references by id, validated."""
    return load_records(REFERENCE_FILE if path is None else path, FIELDS, top="references")
