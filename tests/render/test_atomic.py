"""Outputs are written atomically: SIGTERM, stale temporary files, unwritable folders,
targets that are devices."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from budget.cli import cli
from budget.core.errors import InputError
from budget.render import atomic
from budget.render.atomic import STALE_SECONDS, TEMPORARY, remove_stale, temporary_name
from tests.helpers import LETTER, SCENARIOS, child_env

# The benchmarks are not part of the package; they stand beside scenarios/.
sys.path.insert(0, str(SCENARIOS.parent / "benchmarks"))
from bench_workbook import scenario_text


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow  # a child process writing a 2,000-commitment workbook
def test_sigterm_mid_write_removes_the_temporary_file_and_keeps_the_old_target(tmp_path):
    scenario = tmp_path / "big.toml"
    scenario.write_text(scenario_text(2000), encoding="utf-8")
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"the old workbook")
    process = subprocess.Popen(
        [sys.executable, "-m", "budget", "run", str(scenario), "-o", str(target)],
        cwd=tmp_path,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not temporaries(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert temporaries(tmp_path), "the write ended before a temporary file was seen"
    time.sleep(0.05)  # well inside the write
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert b"terminated" in err and b"Traceback" not in err
    assert temporaries(tmp_path) == []
    assert target.read_bytes() == b"the old workbook"


def test_the_temporary_name_has_our_pattern_and_a_bounded_length():
    name = temporary_name(Path("/x") / ("a" * 250 + ".xlsx"))
    assert TEMPORARY.match(name) and len(name) < 140
    assert f"-{os.getpid()}-" in name


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid  # gone, and not reused this quickly


def test_stale_temporaries_of_a_killed_run_are_removed_and_nothing_else(tmp_path):
    gone = tmp_path / f".out.xlsx.budget-{dead_pid()}-0123abcd.tmp"
    alive = tmp_path / f".out.xlsx.budget-{os.getppid()}-0123abcd.tmp"  # a live process
    old_alive = tmp_path / f".b.xlsx.budget-{os.getppid()}-89abcdef.tmp"
    others = [
        tmp_path / ".out.xlsx.tmp",
        tmp_path / f".out.xlsx.budget-{dead_pid()}-xyz.tmp",
        tmp_path / "notes.budget-1-0123abcd.tmp",
        tmp_path / "out.xlsx",
    ]
    for path in [gone, alive, old_alive, *others]:
        path.write_bytes(b"x")
    day_ago = time.time() - STALE_SECONDS - 60
    os.utime(old_alive, (day_ago, day_ago))
    assert sorted(remove_stale(tmp_path)) == sorted([gone, old_alive])
    assert alive.exists() and all(p.exists() for p in others)


def test_a_run_removes_stale_temporaries_beside_its_target(tmp_path):
    stale = tmp_path / f".out.xlsx.budget-{dead_pid()}-0123abcd.tmp"
    stale.write_bytes(b"left by a killed run")
    result = CliRunner().invoke(cli, ["run", str(LETTER), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and temporaries(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_a_clean_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, ["run", str(LETTER), "-o", str(folder / "o.xlsx")])
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and "cannot be made" in result.stderr


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EDQUOT])
def test_errors_making_the_temporary_file_are_clean(tmp_path, monkeypatch, code):
    real_open = os.open

    def failing_open(path, flags, mode=0o777, **kwargs):
        if str(path).endswith(".tmp"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(atomic.os, "open", failing_open)
    result = CliRunner().invoke(cli, ["run", str(LETTER), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == (
        f"{tmp_path / 'o.xlsx'}: the temporary file beside it cannot be made "
        f"({os.strerror(code)}) (hint: check that the folder is writable and has space left, "
        "or choose another file)"
    )


def test_a_name_too_long_is_a_clean_error(tmp_path):
    target = tmp_path / ("n" * 300 + ".xlsx")
    result = CliRunner().invoke(cli, ["run", str(LETTER), "-o", str(target)])
    assert result.exit_code == 1, result.output
    assert "File name too long" in result.stderr and len(result.stderr.splitlines()) == 1
    assert temporaries(tmp_path) == []


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "out.xlsx"
    link.symlink_to("/dev/null")
    result = CliRunner().invoke(cli, ["run", str(LETTER), "-o", str(link)])
    assert result.exit_code == 1
    assert "is not a regular file" in result.stderr
    assert link.is_symlink() and temporaries(tmp_path) == []
    with pytest.raises(InputError):
        atomic.write_atomically(link, lambda out: out.write(b"x"))


def test_sigterm_in_process_raises_terminated_and_removes_the_temporary(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old")

    def write(out):
        out.write(b"new")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the handler raises here

    with pytest.raises(atomic.Terminated):
        atomic.write_atomically(target, write)
    assert target.read_text() == "old" and temporaries(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
