"""The sdist holds what its tests need: every file of tests/, scenarios/, examples/,
benchmarks/ and tools/ that git tracks is in the tarball that setuptools builds (slow: it
builds the sdist; skipped without git or without setuptools 77, which pyproject asks for)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ("tests/", "scenarios/", "examples/", "benchmarks/", "tools/")


@pytest.mark.slow
def test_the_sdist_holds_the_tests_and_what_they_read(tmp_path):
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(f"setuptools {setuptools.__version__} cannot build it (77 or later can)")
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", *NEEDED], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "*.egg-info", "dist"))
    subprocess.run(
        [sys.executable, "-c", "from setuptools import build_meta as b; b.build_sdist('dist')"],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (tarball,) = (source / "dist").glob("budget-*.tar.gz")
    with tarfile.open(tarball) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert tracked and set(tracked) <= names, sorted(set(tracked) - names)[:10]
    assert {"README.md", "LICENSE", "pyproject.toml", "budget/py.typed"} <= names
