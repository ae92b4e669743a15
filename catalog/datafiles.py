"""Load YAML data files and check them against small declarative schemas."""

import copy
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


class DataFileError(Exception):
    """A data file breaks a rule; the message names the file, the entry and the rule.

    Plain Python (the catalog never imports MkDocs): what runs inside a build turns it into MkDocs'
    PluginError, which stops the build with the message alone (macros/__init__.py, tools/*_pages.py)."""

    def __init__(self, path, entry, rule):
        self.path, self.entry, self.rule = Path(path), entry, rule
        try:
            shown = self.path.relative_to(ROOT)
        except ValueError:
            shown = self.path
        super().__init__(f"数据文件 {shown}，条目 {entry}：{rule}")


# libyaml's parser when PyYAML has it (the wheels do): the question bank parses ~10× faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_parsed = {}


def load_yaml(path):
    """Parse one YAML file (once per version of it); a syntax error becomes a DataFileError naming the file."""
    path = Path(path)
    try:
        key = (path.resolve(), path.stat().st_mtime_ns)
        if key not in _parsed:
            _parsed[key] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        return copy.deepcopy(_parsed[key])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else "（整个文件）"
        raise DataFileError(path, where, f"YAML 格式错误：{getattr(exc, 'problem', exc)}") from None
    except OSError as exc:
        raise DataFileError(path, "（整个文件）", f"无法读取：{exc.strerror}") from None


_TYPES = {str: "文本", int: "整数", list: "列表", dict: "映射", bool: "是/否"}


def check_fields(path, entry, record, schema):
    """Check one record against {field: (type, required)}; unknown fields are errors too."""
    if not isinstance(record, dict):
        raise DataFileError(path, entry, "应为映射（键: 值）")
    for field, (kind, required) in schema.items():
        if field not in record or record[field] in (None, ""):
            if required:
                raise DataFileError(path, entry, f"缺少必填字段 “{field}”")
            continue
        value = record[field]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise DataFileError(path, entry, f"字段 “{field}” 应为{_TYPES[kind]}，实际是 {value!r}")
    extra = sorted(set(record) - set(schema))
    if extra:
        raise DataFileError(path, entry, f"未知字段 {', '.join(extra)}（拼写错误？）")


def load_records(path, schema, key="id", top=None):
    """Load a file holding a list of records (optionally under `top`), check each, index by `key`."""
    path = Path(path)
    raw = load_yaml(path)
    records = raw.get(top) if (top and isinstance(raw, dict)) else raw
    if not isinstance(records, list):
        raise DataFileError(path, "（整个文件）", f"应为记录列表{f'（在 {top} 下）' if top else ''}")
    index = {}
    for position, record in enumerate(records, 1):
        entry = record.get(key, f"第 {position} 条") if isinstance(record, dict) else f"第 {position} 条"
        check_fields(path, entry, record, schema)
        if record[key] in index:
            raise DataFileError(path, entry, f"{key} 重复")
        index[record[key]] = record
    return index


def _stamp(paths):
    """What identifies one version of a set of files: their names, sizes and modification times."""
    stamp = []
    for path in sorted(Path(p) for p in paths):
        try:
            status = path.stat()
            stamp.append((str(path), status.st_mtime_ns, status.st_size))
        except OSError:
            stamp.append((str(path), None, None))
    return tuple(stamp)


def once_per_version(sources):
    """Decorate a loader taking an optional directory: called without one, it loads and validates once
    per version of the files `sources()` lists (a long `mkdocs serve` sees edits, a build or a test run
    validates each file once). Each caller gets its own deep copy, so no caller can change another's data."""

    def decorate(load):
        cache = {}

        def cached(directory=None):
            if directory is not None:
                return load(directory)
            key = _stamp(sources())
            if key not in cache:
                cache.clear()
                cache[key] = load()
            return copy.deepcopy(cache[key])

        cached.__doc__, cached.__name__, cached.__wrapped__ = load.__doc__, load.__name__, load
        return cached

    return decorate
