"""Published change thresholds (data/thresholds.yml) for the group pre/post summary.

`load()` (or `load(specs)` against given instrument specs) returns {instrument id: threshold}; an instrument without an entry has no threshold,
and its pre/post summary shows numbers without judging anyone's change.
"""

from catalog.datafiles import DATA, DataFileError, check_fields, load_yaml
from catalog.instruments import load_all as load_instruments
from engine import instruments as rules

THRESHOLD_FILE = DATA / "thresholds.yml"
FIELDS = {
    "instrument": (str, True),
    "change": (object, True),
    "kind": (str, True),
    "source": (str, True),
    "note": (str, True),
}


def load(specs=None, path=None):
    """Validate the file against the instrument specs; DataFileError names the file, entry and rule."""
    specs = load_instruments() if specs is None else specs
    path = THRESHOLD_FILE if path is None else path
    raw = load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("thresholds"), list):
        raise DataFileError(path, "（整个文件）", "应为映射，thresholds 下是记录列表")
    out = {}
    for position, record in enumerate(raw["thresholds"], 1):
        entry = f"thresholds 第 {position} 条"
        check_fields(path, entry, record, FIELDS)
        ident = record["instrument"]
        entry += f"（{ident}）"
        if ident not in specs:
            raise DataFileError(path, entry, f"没有这个量表：{ident}")
        if ident in out:
            raise DataFileError(path, entry, "同一量表只能有一个阈值")
        spec = specs[ident]
        change = record["change"]
        low, high = rules.score_range(spec)
        scale = 10 ** rules.decimals(spec)
        if not rules.is_number(change) or change <= 0 or rules.to_units(change, scale) > high - low:
            raise DataFileError(path, entry, f"change 应为大于 0、不超过总分全距的数，实际是 {change!r}")
        if rules.to_units(change, scale) != change * scale:
            raise DataFileError(path, entry, f"change 的小数位不能多于该量表总分的小数位（{rules.decimals(spec)} 位）")
        out[ident] = record
    return out
