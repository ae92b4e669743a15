"""An instrument is its data file and its golden cases: page, navigation entry, registry and engine
bundle follow from data/instruments/*.yml, and a page cannot drift from the data."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from catalog import instruments
from catalog.datafiles import DataFileError
from catalog.pages import page_exists
from engine import contract, scoring
from macros import instruments as rendered
from tests import golden_walker
from tools import scale_pages

ROOT = Path(__file__).resolve().parent.parent
# What a build of the handbook reads; node_modules (the runtimes) is linked, not copied.
SOURCES = ("mkdocs.yml", "pyproject.toml", "docs", "data", "catalog", "macros", "engine", "tools", "overrides")
NEW = "trial7"
NEW_TITLE = "试验用焦虑量表（TRIAL-7）"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def copy_of_the_handbook(where):
    where.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / name)
    (where / "node_modules").symlink_to(ROOT / "node_modules")
    return where


def add_trial_instrument(repo):
    """A copy of GAD-7 under a new id and title, placed between GAD-7 and the distress thermometer,
    with a copy of GAD-7's golden cases."""
    spec = yaml.safe_load((ROOT / "data/instruments/gad7.yml").read_text(encoding="utf-8"))
    spec.update(id=NEW, version=f"{NEW}-2026.1", order=(spec["order"] + 1))
    spec["names"].update(zh="试验用焦虑量表", abbr="TRIAL-7")
    (repo / f"data/instruments/{NEW}.yml").write_text(
        yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    shutil.copytree(ROOT / "tests/golden", repo / "tests/golden")
    golden = yaml.safe_load((ROOT / "tests/golden/gad7.yml").read_text(encoding="utf-8"))
    golden["instrument"] = NEW
    (repo / f"tests/golden/{NEW}.yml").write_text(yaml.safe_dump(golden, allow_unicode=True), encoding="utf-8")


def build(repo):
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(repo / "site")],
        cwd=repo,
        env=ENV,
        capture_output=True,
        text=True,
    )


def calculator_nav(html):
    """(href, text) of the calculator pages in a scales page's primary navigation, in order."""
    nav = html.split("md-nav--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    links = re.findall(
        r'<a href="(\w+\.html)" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*([^<]+?)\s*<', nav
    )
    return [(href, text) for href, text in links if href != "index.html"]


@pytest.fixture(scope="module")
def trial_specs(tmp_path_factory):
    """Every instrument's data file and the trial one, loaded as the build loads them (no build)."""
    folder = tmp_path_factory.mktemp("instruments")
    for path in instruments.INSTRUMENT_DIR.glob("*.yml"):
        shutil.copy(path, folder / path.name)
    spec = yaml.safe_load((instruments.INSTRUMENT_DIR / "gad7.yml").read_text(encoding="utf-8"))
    spec.update(id=NEW, version=f"{NEW}-2026.1", order=(spec["order"] + 1))
    spec["names"].update(zh="试验用焦虑量表", abbr="TRIAL-7")
    (folder / f"{NEW}.yml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return instruments.load_all(folder)


# The cheap half, on every commit: the page, its navigation entry and its scoring follow from the data file.


def test_a_new_data_file_gets_its_page_calculator_and_place_without_a_build(trial_specs):
    made = scale_pages.pages(trial_specs)
    assert made[f"scales/{NEW}.md"] == f'# {NEW_TITLE}\n\n{{{{ instrument("{NEW}") }}}}\n'
    listed = re.findall(r"^- \[[^\]]+\]\((\w+)\.md\)$", made["scales/SUMMARY.md"], flags=re.M)
    assert listed[:4] == ["phq9", "gad7", NEW, "nccn_dt"] and [s for s in listed if s != NEW] == list(instruments.ids())
    html = rendered.render(trial_specs[NEW])
    assert f'<div class="hb-calc" data-instrument="{NEW}"' in html
    assert html.count("data-item=") == 7 * 4  # seven items of four choices, as the copied GAD-7 has


def test_a_new_data_file_passes_its_golden_cases_without_a_build(trial_specs):
    golden = yaml.safe_load((ROOT / "tests/golden/gad7.yml").read_text(encoding="utf-8"))
    assert golden["cases"]
    for case in golden["cases"]:
        try:
            reply = {"ok": scoring.score(trial_specs[NEW], case["answers"])}
        except scoring.ScoreError as error:
            reply = {"error": str(error)}
        golden_walker.check(f"{NEW}「{case['name']}」", case, reply)


def test_a_page_for_an_unknown_instrument_is_refused_naming_it(tmp_path):
    (tmp_path / "scales").mkdir()
    (tmp_path / "scales/ghost.md").write_text('# 幽灵量表\n\n{{ instrument("ghost") }}\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"scales/ghost\.md.*data/instruments/ghost\.yml"):
        scale_pages.check_docs(tmp_path, instruments.load_all())


# The whole way, before a release (`make test-slow`): a copy of the repository with the new file is built by
# MkDocs and the post-build step, and its own test suite runs the new golden cases.


@pytest.fixture(scope="module")
def trial_site(tmp_path_factory):
    repo = copy_of_the_handbook(tmp_path_factory.mktemp("handbook") / "repo")
    add_trial_instrument(repo)
    built = build(repo)
    assert built.returncode == 0, built.stderr[-3000:]
    post = subprocess.run(
        [sys.executable, "-m", "tools.postbuild", "site"], cwd=repo, env=ENV, capture_output=True, text=True
    )
    assert post.returncode == 0, post.stderr[-3000:]
    return repo


@pytest.mark.slow
def test_a_new_data_file_gets_its_page_with_the_calculator(trial_site):
    html = (trial_site / f"site/scales/{NEW}.html").read_text(encoding="utf-8")
    assert "<h1" in html and NEW_TITLE in html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert f'<div class="hb-calc" data-instrument="{NEW}"' in html
    assert html.count("data-item=") == 7 * 4  # seven items of four choices, as the copied GAD-7 has


@pytest.mark.slow
def test_a_new_data_file_gets_its_place_in_the_navigation_and_the_index(trial_site):
    nav = calculator_nav((trial_site / f"site/scales/{NEW}.html").read_text(encoding="utf-8"))
    assert [href for href, _ in nav[:4]] == ["phq9.html", "gad7.html", f"{NEW}.html", "nccn_dt.html"], nav
    assert nav[2][1] == NEW_TITLE
    # Every other instrument keeps its place.
    assert [href for href, _ in nav if href != f"{NEW}.html"] == [f"{sid}.html" for sid in instruments.ids()]
    index = (trial_site / "site/scales/index.html").read_text(encoding="utf-8")
    assert f'<a href="{NEW}.html">{NEW_TITLE}</a>' in index
    assert f"常用的 {len(instruments.ids()) + 1} 个量表" in index
    assert not (trial_site / "site/scales/SUMMARY.html").exists()


@pytest.mark.slow
def test_a_new_data_file_is_in_the_engine_bundle_and_its_golden_cases_pass(trial_site):
    bundle = json.loads((trial_site / "site" / contract.ASSETS["engine_bundle"]).read_text(encoding="utf-8"))
    assert NEW in bundle["specs"]["instruments"]
    spec_file = trial_site / "site" / contract.ASSETS["engine_data_dir"] / "instruments" / f"{NEW}.json"
    assert json.loads(spec_file.read_text(encoding="utf-8"))["names"]["abbr"] == "TRIAL-7"
    shutil.copytree(ROOT / "tests", trial_site / "tests", dirs_exist_ok=True, ignore=shutil.ignore_patterns("golden"))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "tests/test_engine_golden.py"],
        cwd=trial_site,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    # The registry includes it (every instrument needs golden cases) and its own cases ran, each passing.
    assert "test_every_instrument_has_golden_cases PASSED" in run.stdout
    golden = yaml.safe_load((trial_site / f"tests/golden/{NEW}.yml").read_text(encoding="utf-8"))
    passed = re.findall(rf"test_golden_case\[{NEW}: .*\] PASSED", run.stdout)
    assert len(passed) == len(golden["cases"]) > 0, run.stdout[-3000:]


@pytest.mark.slow
def test_a_page_written_for_an_unknown_instrument_stops_the_build_naming_it(tmp_path):
    repo = copy_of_the_handbook(tmp_path / "repo")
    (repo / "docs/scales/ghost.md").write_text('# 幽灵量表\n\n{{ instrument("ghost") }}\n', encoding="utf-8")
    built = build(repo)
    assert built.returncode != 0
    assert "docs/scales/ghost.md" in built.stderr and "data/instruments/ghost.yml" in built.stderr, built.stderr[-2000:]


def test_a_hand_written_page_for_a_known_instrument_is_refused(tmp_path):
    (tmp_path / "scales").mkdir()
    (tmp_path / "scales/index.md").write_text("# 量表计算器\n", encoding="utf-8")
    scale_pages.check_docs(tmp_path, instruments.load_all())
    (tmp_path / "scales/phq9.md").write_text('# PHQ-9\n\n{{ instrument("phq9") }}\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"scales/phq9\.md.*data/instruments/phq9\.yml 生成"):
        scale_pages.check_docs(tmp_path, instruments.load_all())


def test_two_instruments_with_one_order_are_refused_naming_both(tmp_path):
    for sid in ("phq9", "gad7"):
        shutil.copy(instruments.INSTRUMENT_DIR / f"{sid}.yml", tmp_path / f"{sid}.yml")
    assert list(instruments.load_all(tmp_path)) == ["phq9", "gad7"]
    text = (tmp_path / "gad7.yml").read_text(encoding="utf-8")
    (tmp_path / "gad7.yml").write_text(re.sub(r"^order: \d+$", "order: 10", text, flags=re.M), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        instruments.load_all(tmp_path)
    assert caught.value.path.name in {"phq9.yml", "gad7.yml"} and caught.value.entry == "order"
    assert {"phq9.yml", "gad7.yml"} <= set(re.findall(r"\w+\.yml", str(caught.value)))


def test_an_instrument_without_order_is_refused(tmp_path):
    text = (instruments.INSTRUMENT_DIR / "brs.yml").read_text(encoding="utf-8")
    (tmp_path / "brs.yml").write_text(re.sub(r"^order: \d+\n", "", text, flags=re.M), encoding="utf-8")
    with pytest.raises(DataFileError, match="order") as caught:
        instruments.load_all(tmp_path)
    assert caught.value.path == tmp_path / "brs.yml"


def test_page_list_follows_the_order_fields():
    specs = instruments.load_all()
    made = scale_pages.pages(specs)
    assert set(made) == {f"scales/{sid}.md" for sid in specs} | {"scales/SUMMARY.md"}
    listed = re.findall(r"^- \[[^\]]+\]\((\w+)\.md\)$", made["scales/SUMMARY.md"], flags=re.M)
    assert listed == sorted(specs, key=lambda sid: specs[sid]["order"])
    assert made["scales/brs.md"] == '# 简易心理韧性量表（BRS）\n\n{{ instrument("brs") }}\n'
    # Links from data files to a calculator page resolve although no such file is in docs/.
    assert page_exists("scales/brs.md") and not (ROOT / "docs/scales/brs.md").exists()
    assert not page_exists("scales/ghost.md") and page_exists("scales/index.md")


def test_a_builder_without_the_plugins_gets_the_same_pages_and_nav(tmp_path, capsys):
    assert scale_pages.main([str(tmp_path), "--nav"]) == 0
    specs = instruments.load_all()
    for name, text in scale_pages.pages(specs).items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text
    nav = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert nav == ["- scales/index.md"] + [f"- scales/{sid}.md" for sid in instruments.ids()]
