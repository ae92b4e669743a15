"""The Pyodide site the browser tests use, made from the default build by swapping the runtime, is the site a
Pyodide build makes (slow tier: it builds the whole site a second time)."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, built_site

pytestmark = pytest.mark.slow


def files(site):
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def test_swapped_runtime_equals_a_pyodide_build(tmp_path):
    built = tmp_path / "site"
    env = {**os.environ, "HANDBOOK_RUNTIME": "pyodide", "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(built)]
    subprocess.run(mkdocs, cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-m", "tools.postbuild", str(built)], cwd=ROOT, env=env, check=True)
    swapped = built_site("pyodide")
    made, expected = files(swapped), files(built)
    assert sorted(made) == sorted(expected)
    differ = [rel for rel in expected if made[rel].read_bytes() != expected[rel].read_bytes()]
    assert differ == []
