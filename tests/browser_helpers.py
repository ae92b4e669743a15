"""Helpers shared by the browser tests: reading the site's hidden answer keys, waiting for the engine."""

import base64
import json


def answer_key(site_dir):
    """{question id: (correct option indices, explanations)} decoded from the built bank."""
    bank = json.loads((site_dir / "assets/exam/bank.json").read_text(encoding="utf-8"))
    keys = {}
    for q in bank["questions"] + bank["drills"]:
        key = (q["id"] + "\u00b7hb").encode()
        raw = bytes(b ^ key[i % len(key)] for i, b in enumerate(base64.b64decode(q["key"])))
        hidden = json.loads(raw)
        keys[q["id"]] = (hidden["c"], hidden["w"])
    return keys


def engine_ready(page, timeout=60000):
    """Wait until the page's Python engine has started (or failed, which the caller then sees)."""
    page.wait_for_function("performance.getEntriesByName('hb-engine-ready').length > 0", timeout=timeout)
