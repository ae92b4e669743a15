"""docs/contributing.md's table of what each change touches holds: in a copy of the handbook, a new
instrument, a new checklist and a new chapter are added by writing only the files the table lists for
them, and one build (with its post-build step) shows each wherever it belongs."""

import json
import os
import re
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from engine import bridge, contract
from tests import golden_walker

# A whole build of a copy of the handbook: in make test, not in make check's minute.
pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parent.parent
# What a build reads; node_modules (the runtimes) is linked, not copied.
SOURCES = (
    "mkdocs.yml",
    "docs",
    "data",
    "catalog",
    "macros",
    "engine",
    "tools",
    "overrides",
    "tests/golden",
    "tests/required",
)
SCALE, CHECKLIST, CHAPTER = "trialscale", "trial_intake", "trialchapter"
TABLE_ROWS = {"新增一个量表": SCALE, "新增一份清单": CHECKLIST, "新增一章": CHAPTER}


def files_in_the_table(row):
    """The files (or file patterns) contributing.md's table lists for a kind of change, with its id filled in:
    every code span of the row's second column that names a path from the repository's root."""
    text = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith(f"| {row} |"))
    spans = re.findall(r"`([^`]+)`", line.split("|")[2])
    return {re.sub(r"<(id|chapter)>", TABLE_ROWS[row], span) for span in spans if "/" in span or span == "mkdocs.yml"}


def snapshot(repo):
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo.rglob("*") if p.is_file()}


def add_instrument(repo):
    """A copy of GAD-7 under a new id, name and order, with a copy of its golden cases."""
    spec = yaml.safe_load((repo / "data/instruments/gad7.yml").read_text(encoding="utf-8"))
    spec.update(id=SCALE, version=f"{SCALE}-2026.1", order=spec["order"] + 1)
    spec["names"].update(zh="试验用量表", abbr="TRIAL-S")
    (repo / f"data/instruments/{SCALE}.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    golden = yaml.safe_load((repo / "tests/golden/gad7.yml").read_text(encoding="utf-8"))
    golden.pop("instrument", None)
    golden["id"] = SCALE
    (repo / f"tests/golden/{SCALE}.yml").write_text(yaml.safe_dump(golden, allow_unicode=True), encoding="utf-8")


def add_checklist(repo):
    """A copy of the intake checklist (with its referral decision) under a new id, title and order,
    with a copy of its golden decisions."""
    spec = yaml.safe_load((repo / "data/checklists/intake.yml").read_text(encoding="utf-8"))
    spec.update(id=CHECKLIST, title="试验用接案清单", order=spec["order"] + 1)
    spec["page"]["abstract"] = "试验用的提要。"
    path = repo / f"data/checklists/{CHECKLIST}.yml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    golden = yaml.safe_load((repo / "tests/golden/decisions/referral.yml").read_text(encoding="utf-8"))
    golden["id"] = CHECKLIST
    (repo / f"tests/golden/decisions/{CHECKLIST}.yml").write_text(
        yaml.safe_dump(golden, allow_unicode=True), encoding="utf-8"
    )


def add_chapter(repo):
    """A chapter of three pages (its opening page, summary and exercises), one question for its practice set,
    the sections its pages must keep, the date its facts were checked, and its section in the nav, after the
    last chapter."""
    pages = {
        "index.md": '# 试验章\n\n!!! abstract "提要"\n    试验用的一章。\n\n## 本章各节\n\n'
        "- [本章小结](summary.md)\n- [本章练习](exercises.md)\n",
        "summary.md": '# 试验章·本章小结\n\n!!! abstract "提要"\n    试验章的要点。\n\n## 要点\n\n- 试验要点。\n',
        "exercises.md": '# 试验章·本章练习\n\n!!! abstract "提要"\n    试验章的练习。\n\n## 题库练习\n\n'
        f'{{{{ practice_set("{CHAPTER}") }}}}\n',
    }
    (repo / "docs" / CHAPTER).mkdir()
    for name, text in pages.items():
        (repo / "docs" / CHAPTER / name).write_text(text + '\n{{ sources("s000") }}\n', encoding="utf-8")
    question = {
        "id": "trial-001",
        "type": "single",
        "stem": "试验章的这道题只用来检查新增一章时要写哪些文件，正确的是（ ）。",
        "options": [
            {"text": f"选项{n}", "correct": n == 1, "why": "正确。" if n == 1 else "试验用的解析。"}
            for n in range(1, 5)
        ],
        "section": f"{CHAPTER}/summary.md#要点",
        "exam": "none",
    }
    bank = {"chapter": CHAPTER, "questions": [question]}
    (repo / f"data/questions/{CHAPTER}.yml").write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")
    required = {"pages": {f"{CHAPTER}/summary.md": ["要点"]}}
    (repo / f"tests/required/{CHAPTER}.yml").write_text(yaml.safe_dump(required, allow_unicode=True), encoding="utf-8")
    checked = repo / "data/checked.yml"
    checked.write_text(
        checked.read_text(encoding="utf-8").replace("\npages:", f'\n  {CHAPTER}: "2026-12-07"\npages:', 1)
    )
    nav = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    section = "".join(f"          - {CHAPTER}/{name}\n" for name in pages)
    last = "      - 社会支持理论:\n"
    assert last in nav
    (repo / "mkdocs.yml").write_text(nav.replace(last, f"      - 试验章:\n{section}{last}"), encoding="utf-8")


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    repo = tmp_path_factory.mktemp("handbook")
    for name in SOURCES:
        source, target = ROOT / name, repo / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    before = snapshot(repo)
    add_instrument(repo)
    add_checklist(repo)
    add_chapter(repo)
    after = snapshot(repo)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    site = repo / "site"
    for command in (
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
        [sys.executable, "-m", "tools.postbuild", str(site)],
    ):
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return repo, site, changed


def test_the_files_written_are_the_files_the_table_lists(extended):
    _, _, changed = extended
    listed = set().union(*(files_in_the_table(row) for row in TABLE_ROWS))
    assert sorted(f for f in changed if not any(fnmatch(f, pattern) for pattern in listed)) == []
    assert sorted(pattern for pattern in listed if not any(fnmatch(f, pattern) for f in changed)) == []


def test_the_new_chapter_is_everywhere_it_belongs(extended):
    _, site, _ = extended
    opening = (site / f"{CHAPTER}/index.html").read_text(encoding="utf-8")
    assert "试验章" in opening.split("md-nav--primary", 1)[1].split("md-content", 1)[0]  # its section in the nav
    exercises = (site / f"{CHAPTER}/exercises.html").read_text(encoding="utf-8")
    assert f'{contract.ATTR["quiz_set"]}="{CHAPTER}"' in exercises
    practice_set = json.loads((site / "assets/exam" / contract.EXAM_FILES["set"].replace("{}", CHAPTER)).read_text())
    assert [q["id"] for q in practice_set["questions"]] == ["trial-001"]
    assert practice_set["chapters"][CHAPTER] == "试验章"  # the title the nav gives it
    assert "事实最后核对：2026-12-07" in opening
    bank_table = (site / "exam/index.html").read_text(encoding="utf-8").split("md-content", 1)[1]
    assert re.search(r"<td>试验章</td>\s*<td>1</td>", bank_table)


def test_the_new_instrument_is_everywhere_it_belongs(extended):
    _, site, _ = extended
    page = (site / f"scales/{SCALE}.html").read_text(encoding="utf-8")
    assert 'data-instrument="trialscale"' in page and "data-batch=" in page
    index = (site / "scales/index.html").read_text(encoding="utf-8")
    assert f'href="{SCALE}.html"' in index.split("md-content", 1)[1]  # the index table, not only the nav
    assert f'href="{SCALE}.html"' in index.split("md-nav--primary", 1)[1].split("md-content", 1)[0]
    engine = json.loads((site / "assets/engine/engine.json").read_text(encoding="utf-8"))
    assert SCALE in engine["specs"]["instruments"]
    assert (site / f"assets/engine/data/instruments/{SCALE}.json").is_file()
    assert f"scales/{SCALE}.html" in (site / "sw.js").read_text(encoding="utf-8")


def test_the_new_checklist_is_everywhere_it_belongs(extended):
    _, site, _ = extended
    page = (site / f"practice/checklists/{CHECKLIST}.html").read_text(encoding="utf-8")
    assert f'data-checklist="{CHECKLIST}"' in page and "试验用的提要。" in page
    tools = (site / "practice/index.html").read_text(encoding="utf-8")
    assert f'href="checklists/{CHECKLIST}.html"' in tools.split("md-content", 1)[1]
    navigator = (site / "practice/navigator.html").read_text(encoding="utf-8")
    assert f'data-checklist="{CHECKLIST}"' in navigator  # its stage's place in the case navigator
    engine = json.loads((site / "assets/engine/engine.json").read_text(encoding="utf-8"))
    assert CHECKLIST in engine["specs"]["checklists"]
    assert f"practice/checklists/{CHECKLIST}.html" in (site / "sw.js").read_text(encoding="utf-8")


def test_the_golden_files_written_pass_against_the_built_specs(extended, monkeypatch):
    """The two golden files replay through the bridge against the specs the build shipped."""
    repo, site, _ = extended
    data = site / "assets/engine/data"
    monkeypatch.setattr(bridge, "DATA_DIR", str(data) + "/")
    monkeypatch.setattr(bridge, "_bundles", {})
    monkeypatch.setattr(bridge, "_index", None)
    (data / "index.json").write_text(
        json.dumps(json.loads((site / "assets/engine/engine.json").read_text(encoding="utf-8"))["specs"]),
        encoding="utf-8",
    )
    monkeypatch.setattr(golden_walker, "GOLDEN", repo / "tests/golden")
    walked = [c for c in golden_walker.cases() if c[0].startswith((f"{SCALE}.yml", f"decisions/{CHECKLIST}.yml"))]
    assert len(walked) >= 4
    for where, request, case in walked:
        golden_walker.check(where, case, json.loads(bridge.call(json.dumps(request))))
