"""The Chinese–English glossary (data/glossary/*.yml): each term, its English, a brief and its page."""

from catalog.datafiles import DATA, DataFileError, load_records, once_per_version

GLOSSARY_DIR = DATA / "glossary"
FIELDS = {"term": (str, True), "en": (str, True), "page": (str, True), "brief": (str, True)}


@once_per_version(lambda: GLOSSARY_DIR.glob("*.yml"))
def terms(directory=None):
    """{term: entry} over every glossary file; a term may appear in one file only."""
    found = {}
    for path in sorted((GLOSSARY_DIR if directory is None else directory).glob("*.yml")):
        for term, item in load_records(path, FIELDS, key="term", top="terms").items():
            if term in found:
                raise DataFileError(path, term, "术语在另一个术语表文件中已出现")
            found[term] = item
    return found
