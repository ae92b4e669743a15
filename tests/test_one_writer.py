"""One writer: docs/assets/js/store.js is the only script that writes to the browser's storage (issue 21).

Every other script sends actions to the engine through it; a script that called setItem, removeItem or
clear itself would change saved data without an engine transition.
"""

import re
from pathlib import Path

JS = Path(__file__).resolve().parent.parent / "docs" / "assets" / "js"
WRITER = "store.js"
# A write: a storage method that changes something, or an assignment or delete through the storage object.
WRITES = re.compile(
    r"(localStorage|sessionStorage|\bstorage\b)\s*(\.\s*(setItem|removeItem|clear)\b|\[[^\]]*\]\s*=(?!=)|\.\w+\s*=(?!=))"
    r"|delete\s+(localStorage|sessionStorage)\b"
)


def writers():
    return sorted(path.name for path in JS.glob("*.js") if WRITES.search(path.read_text(encoding="utf-8")))


def test_the_pattern_finds_writes():
    for text in (
        "localStorage.setItem(k, v)",
        "sessionStorage.removeItem(k)",
        "localStorage.clear()",
        'localStorage["k"] = 1',
        "delete localStorage.k",
    ):
        assert WRITES.search(text), text
    assert not WRITES.search("localStorage.getItem(k)")


def test_only_the_writer_writes_to_storage():
    assert writers() == [WRITER], f"写入浏览器存储的脚本：{writers()}；只应有 {WRITER}"


def test_no_script_but_the_writer_builds_a_store():
    """Stores change only through dispatch(): no script assigns a store's value or calls an old save()."""
    for path in JS.glob("*.js"):
        if path.name == WRITER:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(store|cases)\.(save|write|clear)\(", text), path.name
