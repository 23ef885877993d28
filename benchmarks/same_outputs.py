"""Prove that every `budget` command gives byte-identical output in two checkouts.

    python benchmarks/same_outputs.py --old /tmp/oldmain --new /work/main \\
        [--generated 300] [--hostile 30] [--seed 1] [--jobs 2] [--keep DIR] [--timeout 300]

Meant for a restructure that must not change behaviour: run it with the checkout before
(`--old`) and after (`--new`). Run it old against old first (`--old X --new X`): anything
that differs then is non-determinism of the program or of this script, not of the change.

How the commands are run. Each checkout's code runs in its own Python processes, never
both in one: a small driver per checkout and job, started with PYTHONPATH=<checkout>,
which prints `budget.__file__` once at the start (so that it is certain which code runs)
and then runs `python -m budget ARGS` in-process, over and over: it executes the
package's `__main__` as `python -m budget` does (`runpy.run_module`), with the exit status
taken from `SystemExit`, and standard input, output and error redirected at the level of
file descriptors 0, 1 and 2 to files (as a shell redirection would; nothing is a terminal).
That is about 1 s of start-up less per command. The group `subprocess` also runs a few
commands as real `python -m budget` processes. Both sides of a case run one after the
other in the same job, in a work folder at the same absolute path, filled afresh with the
same inputs for each side; and the old and new drivers of a job see the same commands in
the same order. The environment is the caller's without PYTHON*, BUDGET_*,
SOURCE_DATE_EPOCH, COLUMNS and LINES.

What is compared, for every case: the exit status, the bytes of standard output and of
standard error, and every file in the work folder afterwards (the inputs and every output:
workbooks, CSV and JSON files, the IATI XML, the data package's folder, any stray file),
by path and bytes. A workbook is compared by its bytes; when they differ, the report also
names the zip members that differ.

The cases:

- bundled: the scenarios of `--scenarios` (default NEW/scenarios) plus one written here
  that adds `reporting_org` (so that `export` writes files), and the package's bundled
  example (`run` without a scenario): `validate`, `run` in every format and with
  `--thousands`/`--rounding`/`--strict`, `run -o` .xlsx/.csv/.json, `compare` of
  letter-2014.toml with each scenario that extends it (every format and -o), `simulate
  --draws 200 --seed 7` (formats and -o), `check --examples 50`, `explain` of every
  commitment (table and json), `actuals`, `indicators`, `export` (iati and datapackage),
  `init`, standard input (`-`), wrong usage, and `--help` of every command;
- generated: `--generated N` scenario files from a seeded generator (1-6 funders with
  exact shares, 1-4 recipients, 1-12 commitments of the three kinds, uncertain inputs,
  limits, fiscal-year starts, labels, currencies, registers, actuals, files that extend a
  base with patches and `remove`, and a few invalid files on purpose): `validate`, `run`
  (table and csv), `run -o x.xlsx`, `explain`, and where they apply `simulate --draws 50
  --seed 3 --format csv`, `check --examples 20`, `compare base other`, `actuals`, `export`;
- hostile: `--hostile N` files from the old checkout's tests/fuzz_files.py
  (`hostile_file(rng)`, made in a process of the old checkout), through the same commands.

Output: per group the cases compared, how many differ and the old side's exit statuses;
the first 20 differing cases with the reason (stream or file, the first differing byte,
an excerpt of both sides); and the last line `same_outputs: N cases compared, D differ`.
Exit status 0 when nothing differs, else 1 (2 when a checkout cannot be run at all).
`--keep DIR` keeps, for every differing case, its inputs and both sides' outputs
(DIR/NNNN/case.txt says why; inputs/, old/ and new/ hold the files).

The checkouts must both have `budget/__main__.py` (run as `python -m budget` runs it) and
`budget.cli.cli`. The default run (about 2,700 cases) takes about 3.5 minutes on a 2-core
machine with --jobs 2; a case that takes longer than --timeout counts as differing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

FIFO = "<fifo>"  # an input that is a named pipe (the hostile files refer to one)

# The driver: runs in a process of one checkout and executes `python -m budget ARGS` for
# every request, with fds 0, 1 and 2 redirected to the request's files.
DRIVER = r"""
import json, os, runpy, sys, traceback

def exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1

def run(job, out, err):
    out.flush()
    err.flush()
    os.chdir(job["cwd"])
    fds = [
        os.open(job["stdin"] or os.devnull, os.O_RDONLY),
        os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = open(0, closefd=False)
    sys.stdout, sys.stderr = out, err
    sys.argv = ["budget", *job["args"]]
    try:
        runpy.run_module("budget", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exit_status(exc.code)
    except BaseException:
        traceback.print_exc()
        code = 1
    for stream in (sys.stdout, sys.stderr, out, err):
        try:
            stream.flush()
        except Exception:
            pass
    sys.stdout, sys.stderr = out, err
    return code

def main():
    requests = os.fdopen(int(sys.argv[1]), "rb")
    responses = os.fdopen(int(sys.argv[2]), "wb", buffering=0)
    import budget
    from budget.cli import cli  # noqa: F401  the command group must exist in both
    responses.write(json.dumps({"file": budget.__file__}).encode() + b"\n")
    saved = [os.dup(fd) for fd in (0, 1, 2)]
    out, err = sys.stdout, sys.stderr
    for line in requests:
        job = json.loads(line)
        code = run(job, out, err)
        for target, fd in enumerate(saved):
            os.dup2(fd, target)
        os.chdir(job["home"])
        responses.write(json.dumps({"code": code}).encode() + b"\n")

main()
"""

# Made in a process of the old checkout: the hostile texts and the files they refer to.
HOSTILE = r"""
import json, os, random, stat, sys, tempfile
from pathlib import Path
from typing import Any
sys.path.insert(0, sys.argv[1])
from tests.fuzz_files import hostile_file, prepare_folder
rng = random.Random(int(sys.argv[2]))
made = [hostile_file(rng) for _ in range(int(sys.argv[3]))]
folder = Path(tempfile.mkdtemp())
prepare_folder(folder)
files = {}
for path in sorted(folder.iterdir()):
    mode = path.lstat().st_mode
    files[path.name] = path.read_text(encoding="utf-8") if stat.S_ISREG(mode) else None
    path.unlink()
folder.rmdir()
print(json.dumps({"texts": [[h.text, list(h.classes)] for h in made], "files": files}))
"""

Inputs = dict[str, bytes | str]  # path in the work folder -> bytes, or FIFO


@dataclass
class Case:
    """One command, run in both checkouts with the same inputs."""

    group: str
    name: str
    args: list[str]
    inputs: Inputs
    stdin: bytes | None = None
    real_process: bool = False
    cost: int = 1  # a rough weight: the costly cases start first
    index: int = 0


@dataclass
class Outcome:
    """What one side of a case did."""

    code: int | None
    stdout: bytes
    stderr: bytes
    files: dict[str, bytes | str]
    note: str = ""  # why there is no exit status: a timeout, a driver that died


@dataclass
class Result:
    case: Case
    old_code: int | None
    reasons: list[str]


# ----------------------------------------------------------------------------------------
# Running the commands


def child_env(checkout: Path) -> dict[str, str]:
    """The caller's environment, without what could change budget's output, and
    PYTHONPATH=checkout so that `import budget` loads that checkout."""
    dropped = {"SOURCE_DATE_EPOCH", "COLUMNS", "LINES"}
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "BUDGET_")) and k not in dropped
    }
    env["PYTHONPATH"] = str(checkout)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class DriverDied(Exception):
    pass


class Driver:
    """One persistent process of one checkout that runs commands in-process."""

    def __init__(self, checkout: Path, home: Path, label: str) -> None:
        self.checkout = checkout
        self.home = home
        self.label = label
        self.proc: subprocess.Popen[bytes] | None = None
        self.requests: io.RawIOBase | None = None
        self.responses = -1
        self.buffer = b""
        self.file = ""

    def start(self) -> str:
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        log = open(self.home / f"driver-{self.label}.log", "ab")  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-P", "-c", DRIVER, str(req_r), str(resp_w)],
                cwd=self.home,
                env=child_env(self.checkout),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                pass_fds=(req_r, resp_w),
                start_new_session=True,
            )
        finally:
            log.close()
            os.close(req_r)
            os.close(resp_w)
        self.requests = os.fdopen(req_w, "wb", buffering=0)
        self.responses = resp_r
        self.buffer = b""
        hello = self._answer(180.0)
        self.file = str(hello["file"])
        return self.file

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if self.requests is not None:
            self.requests.close()
            self.requests = None
        if self.responses >= 0:
            os.close(self.responses)
            self.responses = -1
        self.proc = None

    def run(self, job: dict[str, Any], timeout: float) -> int:
        if self.proc is None or self.requests is None:
            raise DriverDied("not running")
        try:
            self.requests.write(json.dumps(job).encode() + b"\n")
        except OSError as exc:
            raise DriverDied(f"could not send the command: {exc}") from exc
        code: int = self._answer(timeout)["code"]
        return code

    def _answer(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer within {timeout:.0f} s")
            ready, _, _ = select.select([self.responses], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.responses, 65536)
            if not chunk:
                status = None
                if self.proc is not None:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        status = self.proc.wait(10)
                log = (self.home / f"driver-{self.label}.log").read_text(errors="replace")
                raise DriverDied(
                    f"the driver process ended (exit status {status}); its log ends: {log[-300:]!r}"
                )
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        answer: dict[str, Any] = json.loads(line)
        return answer


def fill(folder: Path, inputs: Inputs) -> None:
    """An empty `folder` holding exactly `inputs`."""
    if folder.exists() or folder.is_symlink():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, content in inputs.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == FIFO:
            os.mkfifo(path)
        else:
            assert isinstance(content, bytes)
            path.write_bytes(content)


# hypothesis (which `budget check` searches with) keeps a cache of the constants in the
# source files it sees under `.hypothesis/constants/` in the working folder: its names are
# hashes of the source and its text names the checkout's paths, so it differs between any
# two checkouts and is not an output of budget. It is left out, as a folder entry only.
HYPOTHESIS_CACHE = ".hypothesis"


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder`: a regular file's bytes, or what else it is (except
    hypothesis's cache, whose presence alone is recorded)."""
    found: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        if Path(root) == folder and HYPOTHESIS_CACHE in dirs:
            dirs.remove(HYPOTHESIS_CACHE)
            found[HYPOTHESIS_CACHE] = "<hypothesis cache, not compared>"
        for name in sorted(dirs + files):
            path = Path(root) / name
            rel = str(path.relative_to(folder))
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode):
                found[rel] = path.read_bytes()
            elif stat.S_ISDIR(mode):
                found[rel] = "<folder>"
            elif stat.S_ISLNK(mode):
                found[rel] = f"<symlink to {os.readlink(path)}>"
            elif stat.S_ISFIFO(mode):
                found[rel] = FIFO
            else:
                found[rel] = f"<special file, mode {mode:o}>"
    return found


class Side:
    """One checkout as seen by one job: its driver, restarted when it dies."""

    def __init__(self, checkout: Path, home: Path, label: str, timeout: float) -> None:
        self.checkout = checkout
        self.home = home
        self.timeout = timeout
        self.driver = Driver(checkout, home, label)

    def run(self, case: Case, work: Path) -> Outcome:
        fill(work, case.inputs)
        out, err, given = self.home / "stdout", self.home / "stderr", self.home / "stdin"
        for path in (out, err, given):
            path.unlink(missing_ok=True)
        if case.stdin is not None:
            given.write_bytes(case.stdin)
        code: int | None = None
        note = ""
        if case.real_process:
            code, note = self._subprocess(case, work, out, err, given)
        else:
            job = {
                "args": case.args,
                "cwd": str(work),
                "home": str(self.home),
                "stdin": str(given) if case.stdin is not None else None,
                "stdout": str(out),
                "stderr": str(err),
            }
            try:
                code = self.driver.run(job, self.timeout)
            except (TimeoutError, DriverDied) as exc:
                note = f"{type(exc).__name__}: {exc}"
                self.driver.stop()
        return Outcome(
            code,
            out.read_bytes() if out.exists() else b"",
            err.read_bytes() if err.exists() else b"",
            snapshot(work),
            note,
        )

    def _subprocess(
        self, case: Case, work: Path, out: Path, err: Path, given: Path
    ) -> tuple[int | None, str]:
        with (
            open(out, "wb") as stdout,
            open(err, "wb") as stderr,
            open(given if case.stdin is not None else os.devnull, "rb") as stdin,
        ):
            proc = subprocess.Popen(
                [sys.executable, "-m", "budget", *case.args],
                cwd=work,
                env=child_env(self.checkout),
                stdin=stdin,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
            )
            try:
                return proc.wait(self.timeout), ""
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return None, f"timed out after {self.timeout:.0f} s"


# ----------------------------------------------------------------------------------------
# Comparing


def excerpt(data: bytes, at: int) -> str:
    return repr(data[max(0, at - 20) : at + 40])


def first_difference(old: bytes, new: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
    if at is None:
        at = min(len(old), len(new))
    return (
        f"first differing byte {at} (sizes {len(old)} and {len(new)}): "
        f"old {excerpt(old, at)}, new {excerpt(new, at)}"
    )


def zip_members(old: bytes, new: bytes) -> str:
    """Which members of two zip files (workbooks) differ."""
    try:
        with zipfile.ZipFile(io.BytesIO(old)) as a, zipfile.ZipFile(io.BytesIO(new)) as b:
            names_a, names_b = a.namelist(), b.namelist()
            differ = [n for n in names_a if n in names_b and a.read(n) != b.read(n)]
            only = sorted(set(names_a) ^ set(names_b))
            if not differ and not only:
                same_order = names_a == names_b
                return "members equal; " + (
                    "the zip's metadata or compression differs"
                    if same_order
                    else "their order differs"
                )
            parts = []
            if differ:
                first = differ[0]
                parts.append(
                    f"members differ: {', '.join(differ[:8])}"
                    f"{' ...' if len(differ) > 8 else ''} ({first}: "
                    f"{first_difference(a.read(first), b.read(first))})"
                )
            if only:
                parts.append(f"members in one only: {', '.join(only[:8])}")
            return "; ".join(parts)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"not both readable zips ({exc})"


def differences(old: Outcome, new: Outcome) -> list[str]:
    reasons = []
    if old.note or new.note:
        reasons.append(f"no result: old {old.note or 'ran'}; new {new.note or 'ran'}")
    if old.code != new.code:
        reasons.append(f"exit status {old.code} != {new.code}")
    for stream, x, y in (("stdout", old.stdout, new.stdout), ("stderr", old.stderr, new.stderr)):
        if x != y:
            reasons.append(f"{stream}: {first_difference(x, y)}")
    for name in sorted(set(old.files) | set(new.files)):
        a, b = old.files.get(name), new.files.get(name)
        if a == b:
            continue
        if a is None or b is None:
            reasons.append(f"file {name}: written only by {'new' if a is None else 'old'}")
        elif isinstance(a, str) or isinstance(b, str):
            reasons.append(f"file {name}: old {a!r:.60}, new {b!r:.60}")
        elif name.endswith(".xlsx"):
            at = first_difference(a, b).split(" (")[0]
            reasons.append(f"file {name}: {at} (sizes {len(a)}, {len(b)}); {zip_members(a, b)}")
        else:
            reasons.append(f"file {name}: {first_difference(a, b)}")
    return reasons


def keep(folder: Path, case: Case, old: Outcome, new: Outcome, reasons: list[str]) -> None:
    """The inputs and both sides' outputs of a differing case, under folder/NNNN."""
    where = folder / f"{case.index:04d}"
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    (where / "case.txt").write_text(
        f"{case.group}: {case.name}\nargs: {json.dumps(case.args)}\n\n" + "\n".join(reasons) + "\n"
    )
    fill(where / "inputs", case.inputs)
    if case.stdin is not None:
        (where / "stdin").write_bytes(case.stdin)
    for label, outcome in (("old", old), ("new", new)):
        side = where / label
        side.mkdir()
        (side / "exit_status").write_text(f"{outcome.code} {outcome.note}\n")
        (side / "stdout").write_bytes(outcome.stdout)
        (side / "stderr").write_bytes(outcome.stderr)
        for name, content in outcome.files.items():
            path = side / "files" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            elif content == "<folder>":
                path.mkdir(exist_ok=True)
            else:
                path.with_name(path.name + ".what").write_text(content + "\n")


# ----------------------------------------------------------------------------------------
# The bundled cases


def read_inputs(folder: Path) -> Inputs:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


PUBLISHED = """\
# Written by benchmarks/same_outputs.py: the letter with a reporting organisation, so that
# `budget export` writes its files.
[scenario]
extends = "letter-2014.toml"
name = "Letter 2014, published"
reporting_org = { ref = "XM-DAC-7", name = "Ministry of Foreign Affairs of the Netherlands", \
type = "10" }

[funders.BZ]
iati_ref = "XM-DAC-7"

[recipients.TdH-ECPAT]
iati_ref = "NL-KVK-41152786"
"""


def commitment_ids(folder: Path, name: str, seen: tuple[str, ...] = ()) -> list[str]:
    """The ids of a scenario's commitments, after `extends` and `remove` (read here with
    tomllib, so that no checkout's code is needed)."""
    if name in seen or not (folder / name).is_file():
        return []
    data = tomllib.loads((folder / name).read_text(encoding="utf-8"))
    head = data.get("scenario", {})
    ids = commitment_ids(folder, head["extends"], (*seen, name)) if "extends" in head else []
    ids = [i for i in ids if i not in head.get("remove", [])]
    for entry in data.get("commitments", []):
        if entry.get("id") not in ids:
            ids.append(entry["id"])
    return ids


def bundled_cases(scenarios: Path) -> list[Case]:
    inputs = read_inputs(scenarios)
    inputs["same-outputs-published.toml"] = PUBLISHED.encode()
    names = sorted(n for n in inputs if n.endswith(".toml"))
    raw = {n: v for n in names if isinstance(v := inputs[n], bytes)}
    texts = {n: tomllib.loads(raw[n].decode()) for n in names}
    uncertain = [n for n in names if b"dist =" in raw[n]]
    base = "letter-2014.toml"
    extending = [n for n in names if texts[n].get("scenario", {}).get("extends") == base]
    realised = [n for n in names if "actuals" in texts[n].get("scenario", {})]
    folder_for_ids = Path(tempfile.mkdtemp(prefix="same-outputs-ids-"))
    try:
        fill(folder_for_ids / "s", inputs)
        ids = {n: commitment_ids(folder_for_ids / "s", n) for n in names}
    finally:
        shutil.rmtree(folder_for_ids)

    cases: list[Case] = []

    def add(group: str, args: list[str], cost: int = 1, **extra: object) -> None:
        name = " ".join(args)
        cases.append(Case(group, name, args, inputs, cost=cost, **extra))  # type: ignore[arg-type]

    formats = [[], ["--format", "csv"], ["--format", "json"], ["--format", "excel-csv"]]
    outputs = [["-o", "out.xlsx"], ["-o", "out.csv"], ["-o", "out.json"]]
    outputs += [["-o", "out.csv", "--format", "excel-csv"]]
    add("validate", ["validate", *names])
    for name in [None, *names]:
        scenario = [name] if name else []
        if name:
            add("validate", ["validate", name])
        for extra in [
            *formats,
            ["--thousands"],
            ["--thousands", "--rounding", "controlled"],
            ["--rounding", "controlled"],
            ["--thousands", "--rounding", "plain", "--format", "csv"],
            ["--strict"],
        ]:
            add("run", ["run", *scenario, *extra])
        for extra in outputs:
            add("run -o", ["run", *scenario, *extra], cost=3)
        add("indicators", ["indicators", *scenario])
        for extra in formats[1:]:
            add("indicators", ["indicators", *scenario, *extra])
        if not name:
            continue
        add("check", ["check", name, "--examples", "50"], cost=10 if name in uncertain else 1)
        for target in (["--to", "iati", "-o", "out.xml"], ["--to", "datapackage", "-o", "dp"]):
            add("export", ["export", name, *target], cost=2)
        for commitment in ids[name]:
            add("explain", ["explain", name, commitment])
            add("explain", ["explain", name, commitment, "--format", "json"])
        add("explain", ["explain", name, "no-such-commitment"])
    for other in extending:
        for extra in [*formats, *outputs]:
            add("compare", ["compare", base, other, *extra], cost=2)
        add("compare", ["compare", other, base])
    add("compare", ["compare", base, *extending], cost=2)
    add("compare", ["compare", base, *extending, "-o", "cmp.xlsx"], cost=3)
    for name in uncertain:
        sim = ["simulate", name, "--draws", "200", "--seed", "7"]
        for extra in [*formats, *outputs]:
            add("simulate", [*sim, *extra], cost=3)
        add("simulate", ["simulate", name, "--draws", "1", "--seed", "0"])
    for name in names[:3]:  # scenarios without uncertain inputs: a note on stderr
        if name not in uncertain:
            add("simulate", ["simulate", name, "--draws", "20", "--seed", "7"])
    for name in realised:
        for extra in [
            *formats,
            *outputs,
            ["--as-of", "2015-06-30"],
            ["--as-of", "2014-12-31", "--format", "csv"],
            ["--actuals", "letter-2014-actuals.csv", "--format", "json"],
            ["--strict"],
        ]:
            add("actuals", ["actuals", name, *extra], cost=2)
    add("actuals", ["actuals", base, "--actuals", "letter-2014-actuals.csv"])
    for args in (["init", "starter.toml"], ["init", "-"], ["init"], ["init", base]):
        add("init", args)
    add("help", ["--help"])
    add("help", ["-h"])
    add("help", ["--version"])
    add("help", [])
    for command in [
        "run",
        "compare",
        "simulate",
        "check",
        "validate",
        "explain",
        "export",
        "actuals",
        "indicators",
        "init",
    ]:
        add("help", [command, "--help"])
    for args in (
        ["run", "missing.toml"],
        ["run", base, "-o", "out.txt"],
        ["run", base, "-o", "-"],
        ["run", base, "-o", base],
        ["run", base, "-o", "nowhere/out.xlsx"],
        ["run", "--bogus"],
        ["bogus"],
        ["simulate", base],
        ["simulate", base, "--draws", "0"],
        ["explain", base],
        ["export", base, "--to", "xml", "-o", "x"],
        ["validate"],
        ["check", base, "--examples", "0"],
    ):
        add("wrong usage", args)
    standalone = [n for n in names if "extends" not in texts[n].get("scenario", {})]
    for name in standalone:
        text = inputs[name]
        assert isinstance(text, bytes)
        for args in (["validate", "-"], ["run", "-", "--format", "csv"], ["run", "-"]):
            add("stdin", args, stdin=text)
    for args in (
        ["--help"],
        ["--version"],
        ["run"],
        ["run", "uk-april-gbp.toml", "--format", "csv"],
        ["run", "uk-april-gbp.toml", "-o", "uk.xlsx"],
        ["validate", *names],
        ["run", "--bogus"],
        ["simulate", "letter-2014-uncertain.toml", "--draws", "100", "--seed", "1"],
    ):
        add("subprocess", args, cost=5, real_process=True)
    return cases


# ----------------------------------------------------------------------------------------
# Generated scenarios

CURRENCIES = ["EUR", "GBP", "USD", "CHF", "SEK"]
FUNDER_KEYS = ["VenJ", "VWS", "BZ", "OCW", "EZK", "Council", "Lottery", "EU", "MinA", "Min-B"]
RECIPIENT_KEYS = ["SIN", "MKI", "TdH", "FoodBank", "Youth_Club", "Helpline", "R7", "Project"]
NAMES = [
    "Ministry of {}",
    "{} fund",
    "Département {}",
    'The "{}" office',
    "={}+1",
    "-{} (minus)",
    "{}, Ünïcode ✓",
    "{} & partners <ltd>",
]


def q(text: str) -> str:
    """A TOML basic string."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Commitment:
    id: str
    kind: str
    recipient: str
    fields: list[tuple[str, str]]  # key and TOML value text, in order
    years: list[int]  # the fiscal years it pays in (approximately, for grants)
    funders: list[str]
    simple: bool = True  # every field a plain value (a register row can hold it)
    derived: bool = False  # a top-up whose shortfall comes from the recipient's costs
    schedule: bool = False  # a grant with a table allocation


@dataclass
class Made:
    """One generated case file and what it needs."""

    files: dict[str, str]
    main: str
    base: str | None = None
    uncertain: bool = False
    actuals: bool = False
    published: bool = False
    ids: list[str] = field(default_factory=list)


class Generator:
    """Random scenario texts, mostly valid, from one seeded random.Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # values ------------------------------------------------------------------------------

    def cents(self, low: int = 0, high: int = 50_000_000) -> int:
        r = self.rng.random()
        if r < 0.3:
            return self.rng.randint(low // 100, high // 100) * 100
        if r < 0.4:
            return self.rng.randint(low // 100_000, max(low // 100_000, high // 100_000)) * 100_000
        return self.rng.randint(low, high)

    def amount(self, cents: int | None = None) -> str:
        value = self.cents() if cents is None else cents
        units, rest = divmod(value, 100)
        r = self.rng.random()
        if rest == 0 and r < 0.3:
            return str(units)  # a TOML integer
        if rest == 0 and r < 0.5:
            return q(str(units))
        if rest % 10 == 0 and r < 0.6:
            return q(f"{units}.{rest // 10}")
        return q(f"{units}.{rest:02d}")

    def dist(self, centre: int | None = None) -> str:
        mid = self.cents(100_000, 20_000_000) if centre is None else centre
        kind = self.rng.choice(["uniform", "triangular", "normal", "choice"])
        low = self.rng.randint(0, mid)
        high = mid + self.rng.randint(0, mid)
        if kind == "uniform":
            return f'{{ dist = "uniform", low = {self.amount(low)}, high = {self.amount(high)} }}'
        if kind == "triangular":
            return (
                f'{{ dist = "triangular", low = {self.amount(low)}, mode = {self.amount(mid)}, '
                f"high = {self.amount(high)} }}"
            )
        if kind == "normal":
            sd = self.rng.randint(1, max(1, mid // 4))
            return f'{{ dist = "normal", mean = {self.amount(mid)}, sd = {self.amount(sd)} }}'
        count = self.rng.randint(2, 3)
        values = ", ".join(self.amount(self.rng.randint(0, 2 * mid)) for _ in range(count))
        p = self.rng.choice(
            {
                2: [['"1/2"', '"1/2"'], ['"0.6"', '"0.4"'], ["0.25", "0.75"], ['"1/3"', '"2/3"']],
                3: [
                    ['"1/3"', '"1/3"', '"1/3"'],
                    ['"0.5"', '"0.3"', '"0.2"'],
                    ["0.1", "0.2", "0.7"],
                ],
            }[count]
        )
        return f'{{ dist = "choice", values = [{values}], p = [{", ".join(p)}] }}'

    def per_year(self, years: list[int], uncertain: bool, table: float = 0.3) -> str:
        """An amount for every year, a table by year, or (with `uncertain`) a range."""
        r = self.rng.random()
        if uncertain and r < 0.5:
            if self.rng.random() < 0.6:
                return self.dist()
            cells = [
                f"{y} = {self.dist() if self.rng.random() < 0.5 else self.amount()}" for y in years
            ]
            return "{ " + ", ".join(cells) + " }"
        if r < 1 - table:
            return self.amount()
        return "{ " + ", ".join(f"{y} = {self.amount()}" for y in years) + " }"

    def shares(self, count: int) -> list[str]:
        """Exact shares that add up to 1."""
        if count == 1:
            return [self.rng.choice(['"1"', '"1"', "1", '"1/1"'])]
        style = self.rng.choice(["equal", "fraction", "decimal"])
        if style == "equal":
            return [q(f"1/{count}")] * count
        whole = self.rng.choice([d for d in (4, 5, 6, 10, 12, 20, 100) if d >= count])
        if style == "decimal" and whole not in (4, 5, 10, 20, 100):
            whole = 100
        cuts = sorted(self.rng.sample(range(1, whole), count - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, whole], strict=True)]
        if style == "decimal":
            return [q(str(Decimal(p) / Decimal(whole))) for p in parts]
        return [q(f"{p}/{whole}") for p in parts]

    def name(self, key: str) -> str:
        return self.rng.choice(NAMES).format(key)

    # commitments ------------------------------------------------------------------------

    def span(self, first: int) -> list[int]:
        start = first + self.rng.randint(0, 3)
        return list(range(start, start + self.rng.randint(1, 5)))

    def funders_of(self, funders: list[str]) -> tuple[list[str], str]:
        chosen = self.rng.sample(funders, self.rng.randint(1, min(4, len(funders))))
        text = ", ".join(
            f"{k} = {s}" for k, s in zip(chosen, self.shares(len(chosen)), strict=True)
        )
        return chosen, "{ " + text + " }"

    def commitment(
        self, cid: str, recipients: list[str], funders: list[str], first: int, env: dict[str, str]
    ) -> Commitment:
        rng = self.rng
        kind = rng.choice(["top_up", "annual", "grant", "grant", "annual", "top_up"])
        recipient = rng.choice(recipients)
        chosen, shares = self.funders_of(funders)
        uncertain = env["uncertain"] == "yes"
        fields: list[tuple[str, str]] = [("id", q(cid))]
        if rng.random() < 0.6:
            fields.append(("name", q(f"{self.name(recipient)}: {kind.replace('_', ' ')}")))
        fields += [("kind", q(kind)), ("recipient", q(recipient)), ("funders", shares)]
        if rng.random() < 0.25:
            fields.append(("priority", str(rng.randint(-2, 3))))
        made = Commitment(cid, kind, recipient, fields, [], chosen)
        if kind == "top_up":
            years = self.span(first)
            made.years = years
            fields += [("first_year", str(years[0])), ("last_year", str(years[-1]))]
            fields.append(("cap", self.per_year(years, False)))
            if rng.random() < 0.45:
                fields.append(("shortfall", self.per_year(years, uncertain)))
            else:
                made.derived = True
            if rng.random() < 0.3:
                fields.append(("total_cap", self.amount()))
        elif kind == "annual":
            years = self.span(first)
            made.years = years
            fields += [("first_year", str(years[0])), ("last_year", str(years[-1]))]
            fields.append(("amount", self.per_year(years, uncertain)))
            if rng.random() < 0.4:
                rate = rng.choice(['"2%"', '"0.02"', '"1.5%"', '"-1%"', '"0"', '"0.035"', '"10%"'])
                fields.append(("indexation", rate))
        else:
            self.grant(made, first, env)
        if rng.random() < 0.3:
            fields.append(("source", q(rng.choice(["Letter, p. 3", "Decision 2021/17", "=A1"]))))
        if rng.random() < 0.2:
            given = [
                k for k, _ in fields if k in ("amount", "cap", "shortfall", "total", "funders")
            ]
            if given:
                fields.append(("assumptions", json.dumps(rng.sample(given, 1))))
        made.simple = all(not v.startswith(("{", "[")) or k == "funders" for k, v in fields)
        return made

    def fiscal_year(self, day: date, start: str) -> int:
        month, first = int(start[:2]), int(start[3:])
        if (month, first) == (1, 1):
            return day.year
        return day.year + 1 if (day.month, day.day) >= (month, first) else day.year

    def grant(self, made: Commitment, first: int, env: dict[str, str]) -> None:
        rng = self.rng
        begin = date(first + rng.randint(-1, 2), rng.randint(1, 12), rng.choice([1, 1, 15, 28]))
        end = begin + timedelta(days=rng.choice([rng.randint(20, 400), rng.randint(300, 1500)]))
        if rng.random() < 0.3:
            end = date(end.year, end.month, 1) if end.replace(day=1) > begin else end
        total = self.cents(1_000_00, 90_000_000)
        fy_start = env["fiscal_year_start"]
        years = list(
            range(
                self.fiscal_year(begin, fy_start),
                self.fiscal_year(end - timedelta(days=1), fy_start) + 1,
            )
        )
        made.years = years
        made.fields += [("total", self.amount(total)), ("start", str(begin)), ("end", str(end))]
        how = rng.choice(["days", "months", "schedule", "advance", "none"])
        if how in ("days", "months"):
            made.fields.append(("allocation", q(how)))
        elif how == "schedule":
            cuts = sorted(rng.randint(0, total) for _ in range(len(years) - 1))
            parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
            table = ", ".join(f"{y} = {self.amount(p)}" for y, p in zip(years, parts, strict=True))
            made.fields.append(("allocation", "{ " + table + " }"))
            made.schedule = True
        elif how == "advance":
            made.fields.append(("advance", rng.choice(['"0.8"', '"0.5"', '"1/3"', '"0.25"'])))
            if rng.random() < 0.6:
                lag = rng.randint(0, 2)
                made.fields.append(("settlement_lag", str(lag)))
                made.years = [*years, years[-1] + lag]
        if rng.random() < 0.3:
            made.fields.append(("committed_in", str(years[0] - rng.randint(0, 2))))

    # a whole file -------------------------------------------------------------------------

    def scenario(self, stem: str, first: int) -> tuple[dict[str, str], Made, dict[str, object]]:
        """A scenario file (and its register or actuals), and what an extending file needs."""
        rng = self.rng
        fy_start = rng.choice(["01-01", "01-01", "04-01", "10-01"])
        labels = ["end", "fy", None] + (["span", "span"] if fy_start != "01-01" else [])
        label = rng.choice(labels)
        uncertain = rng.random() < 0.4
        env = {"fiscal_year_start": fy_start, "uncertain": "yes" if uncertain else "no"}
        funders = rng.sample(FUNDER_KEYS, rng.randint(1, 6))
        recipients = rng.sample(RECIPIENT_KEYS, rng.randint(1, 4))
        commitments = [
            self.commitment(
                f"{rng.choice(['c', 'grant', 'sup', 'x'])}-{i + 1}", recipients, funders, first, env
            )
            for i in range(rng.randint(1, 12))
        ]
        head: list[tuple[str, str]] = [("name", q(f"Generated {stem}"))]
        if rng.random() < 0.5:
            head.append(("description", q(rng.choice(["What if?", "Ünïcode — dash", "=1+1"]))))
        if rng.random() < 0.6:
            low = min(y for c in commitments for y in c.years)
            high = max(y for c in commitments for y in c.years)
            start = rng.choice([low, low, low + 1, low - 1])
            head += [
                ("first_year", str(start)),
                ("last_year", str(max(start, high - rng.randint(0, 2)))),
            ]
        if fy_start != "01-01" or rng.random() < 0.2:
            head.append(("fiscal_year_start", q(fy_start)))
        if label:
            head.append(("year_label", q(label)))
        if rng.random() < 0.5:
            head.append(("currency", q(rng.choice(CURRENCIES))))
        published = rng.random() < 0.25
        if published:
            org = '{ ref = "XM-DAC-7", name = "Ministry of Foreign Affairs", type = "10" }'
            head.append(("reporting_org", org))
        files: dict[str, str] = {}
        # a register holds some of the simple commitments
        in_register: list[Commitment] = []
        if rng.random() < 0.12:
            in_register = [c for c in commitments if c.simple and rng.random() < 0.7]
            if in_register:
                files[f"{stem}-register.csv"] = self.register(in_register)
                head.append(("register", q(f"{stem}-register.csv")))
        with_actuals = rng.random() < 0.1
        if with_actuals:
            files[f"{stem}-actuals.csv"] = self.actuals(commitments, fy_start)
            head.append(("actuals", q(f"{stem}-actuals.csv")))
        lines = ["# generated by benchmarks/same_outputs.py", "[scenario]"]
        lines += [f"{k} = {v}" for k, v in head]
        short = rng.random() < 0.3
        if short:
            lines += ["", "[funders]"] + [f"{k} = {q(self.name(k))}" for k in funders]
        else:
            for key in funders:
                lines += ["", f"[funders.{key}]", f"name = {q(self.name(key))}"]
                if published and rng.random() < 0.5:
                    lines.append(f'iati_ref = "XM-DAC-{rng.randint(1, 999)}"')
        costs: dict[str, set[int]] = {r: set() for r in recipients}
        for c in commitments:
            if c.derived:
                costs[c.recipient].update(c.years)
        for key in recipients:
            lines += ["", f"[recipients.{key}]"]
            if rng.random() < 0.8:
                lines.append(f"name = {q(self.name(key))}")
            years = sorted(costs[key])
            if years or rng.random() < 0.2:
                lines.append(f"costs = {self.per_year(years or [first], uncertain)}")
                if rng.random() < 0.4:
                    lines.append(f"income = {self.amount(self.cents(0, 1_000_000))}")
                if rng.random() < 0.3:
                    lines.append('assumptions = ["costs"]')
        for c in commitments:
            if c in in_register:
                continue
            lines += ["", "[[commitments]]"] + [f"{k} = {v}" for k, v in c.fields]
        if rng.random() < 0.4:
            pairs = [(f, b) for f in funders for b in ("cash", "commitment")]
            for funder, basis in rng.sample(pairs, min(len(pairs), rng.randint(1, 2))):
                lines += ["", "[[limits]]", f"funder = {q(funder)}", f"basis = {q(basis)}"]
                lines.append(f"max = {self.amount(self.cents(1_000_000, 30_000_000))}")
                if rng.random() < 0.3:
                    lines.append(f"first_year = {first + rng.randint(0, 2)}")
                    lines.append(f"last_year = {first + rng.randint(3, 6)}")
        if rng.random() < 0.15:
            linked = json.dumps([c.id for c in commitments[:1]])
            lines += [
                "",
                "[[indicators]]",
                'id = "cases-handled"',
                'name = "Cases handled"',
                'unit = "cases"',
                f"base_year = {first - 1}",
                f"base = {rng.randint(1, 900)}",
                f'targets = {{ {first} = "+5%", {first + 1} = "+10%", '
                f"{first + 2} = {rng.randint(1, 999)} }}",
                f"achieved = {{ {first} = {rng.randint(0, 999)} }}",
                f"higher_is_better = {rng.choice(['true', 'false'])}",
                f"commitments = {linked}",
            ]
        text = "\n".join(lines) + "\n"
        main = f"{stem}.toml"
        files[main] = text
        made = Made(
            files,
            main,
            uncertain=uncertain,
            actuals=with_actuals,
            published=published,
            ids=[c.id for c in commitments],
        )
        context: dict[str, object] = {"commitments": commitments, "funders": funders}
        return files, made, context

    def register(self, rows: list[Commitment]) -> str:
        columns = ["id", "kind", "recipient", "funders", "first_year", "last_year", "amount"]
        columns += ["indexation", "cap", "shortfall", "total_cap", "priority", "total", "start"]
        columns += ["end", "allocation", "advance", "settlement_lag", "committed_in"]
        lines = [",".join(columns)]
        for c in rows:
            values = {k: v for k, v in c.fields}
            cells = []
            for column in columns:
                value = values.get(column, "")
                if column == "funders":
                    pairs = value.strip("{} ").split(", ")
                    value = ";".join(p.replace(" = ", "=").replace('"', "") for p in pairs)
                cells.append(value.strip('"'))
            lines.append(",".join(cells))
        if self.rng.random() < 0.5:
            lines.insert(1, "")
        return "\n".join(lines) + "\n"

    def actuals(self, commitments: list[Commitment], fy_start: str) -> str:
        lines = ["date,commitment,funder,basis,amount,reference,description"]
        for i in range(self.rng.randint(1, 12)):
            c = self.rng.choice(commitments)
            year = self.rng.choice(c.years)
            day = date(year - (0 if fy_start == "01-01" else 1), 12, self.rng.randint(1, 28))
            if fy_start == "01-01":
                day = date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
            cid = c.id if self.rng.random() < 0.9 else self.rng.choice(["", "no-such-id"])
            basis = self.rng.choice(["cash", "cash", "commitment"])
            units, rest = divmod(self.cents(-100_000, 5_000_000), 100)
            lines.append(
                f"{day},{cid},{self.rng.choice(c.funders)},{basis},{units}.{rest:02d},R-{i},"
                f"{self.rng.choice(['booking', 'refund; late', '=SUM(A1)'])}"
            )
        return "\n".join(lines) + "\n"

    def extension(self, stem: str, base: str, context: dict[str, object]) -> str:
        """A file that extends `base`: patches, new commitments, `remove`."""
        rng = self.rng
        commitments: list[Commitment] = context["commitments"]  # type: ignore[assignment]
        funders: list[str] = context["funders"]  # type: ignore[assignment]
        lines = ["[scenario]", f"extends = {q(base)}", f"name = {q(f'What if {stem}')}"]
        removed = []
        if len(commitments) > 1 and rng.random() < 0.4:
            # never the first: an indicator may name it
            removed = rng.sample([c.id for c in commitments[1:]], 1)
            lines.append(f"remove = {json.dumps(removed)}")
        if rng.random() < 0.15:
            lines.append(f"currency = {q(rng.choice(CURRENCIES))}")
        if rng.random() < 0.3:
            funders = [*funders, "NewFund"]
            lines += ["", "[funders.NewFund]", 'name = "A new fund"']
        kept = [c for c in commitments if c.id not in removed]
        for c in rng.sample(kept, min(len(kept), rng.randint(0, 3))):
            lines += ["", "[[commitments]]", f"id = {q(c.id)}"]
            if c.kind == "top_up":
                lines.append(f"cap = {self.amount()}")
            elif c.kind == "annual":
                lines.append(f"amount = {self.amount()}")
                if rng.random() < 0.3:
                    lines.append(f'indexation = "{rng.choice(["1%", "3%", "0.005"])}"')
            else:
                if not c.schedule and rng.random() < 0.5:
                    lines.append(f"total = {self.amount()}")
                else:
                    lines.append("advance = " + rng.choice(['"0.9"', '"1/2"']))
            if rng.random() < 0.3:
                _, shares = self.funders_of(funders)
                lines.append(f"funders = {shares}")
            if rng.random() < 0.3:
                lines.append(f"priority = {rng.randint(-3, 3)}")
        for i in range(rng.choice([0, 0, 1, 2])):
            recipient = rng.choice([c.recipient for c in commitments])
            years = self.span(min(y for c in commitments for y in c.years))
            _, shares = self.funders_of(funders)
            lines += [
                "",
                "[[commitments]]",
                f'id = "new-{i + 1}"',
                'kind = "annual"',
                f"recipient = {q(recipient)}",
                f"funders = {shares}",
                f"first_year = {years[0]}",
                f"last_year = {years[-1]}",
                f"amount = {self.amount()}",
            ]
        if rng.random() < 0.3:
            lines += ["", "[[limits]]", f"funder = {q(funders[0])}", 'basis = "cash"']
            lines.append(f"max = {self.amount(self.cents(1_000_000, 20_000_000))}")
        return "\n".join(lines) + "\n"

    def broken(self, text: str) -> str:
        """The same text with one mistake that `validate` must report (exit 1)."""
        rng = self.rng
        mistakes: list[Callable[[str], str]] = [
            lambda t: t.replace('"1/2"', '"1/3"', 1) if '"1/2"' in t else t + "amount = 1.5\n",
            lambda t: (
                t + '\n[[commitments]]\nid = "bad"\nkind = "annual"\nrecipient = "NOPE"\n'
                'funders = { X = "1" }\nfirst_year = 2020\nlast_year = 2021\namount = 100.5\n'
            ),
            lambda t: t.replace("[scenario]\n", '[scenario]\nyear_label = "span"\n', 1),
            lambda t: t.replace("[scenario]\n", '[scenario]\ncurrency = "EURO"\n', 1),
            lambda t: t.replace("[scenario]\n", '[scenario]\namont = "1"\n', 1),
            lambda t: (
                t + '\n[[commitments]]\nid = "late"\nkind = "grant"\nrecipient = "SIN"\n'
                'funders = { VenJ = "1" }\ntotal = "10"\nstart = 2021-01-01\nend = 2020-01-01\n'
            ),
            lambda t: t + '\n[[limits]]\nfunder = "Nobody"\nbasis = "cash"\nmax = "1"\n',
            lambda t: (
                t + '\n[[commitments]]\nid = "rate"\nkind = "annual"\n'
                'indexation = "2"\nfirst_year = 2030\n'
            ),
            lambda t: t.replace("[scenario]\n", "[scenario]\nfirst_year = 2020.5\n", 1),
            lambda t: t[: len(t) // 2],
        ]
        return rng.choice(mistakes)(text)

    def item(self, index: int) -> Made:
        """Generated file `index`: a scenario, or a base and a file that extends it."""
        rng = self.rng
        stem = f"gen-{index:04d}"
        first = rng.randint(2012, 2030)
        if rng.random() < 0.3:
            files, made, context = self.scenario(f"{stem}-base", first)
            other = f"{stem}.toml"
            files[other] = self.extension(stem, made.main, context)
            made.base, made.main = made.main, other
            made.ids = [*made.ids]
        else:
            files, made, _ = self.scenario(stem, first)
        if rng.random() < 0.06:
            files[made.main] = self.broken(files[made.main])
        made.files = files
        return made


def generated_cases(count: int, seed: int) -> list[Case]:
    gen = Generator(random.Random(seed))
    cases: list[Case] = []
    for index in range(1, count + 1):
        made = gen.item(index)
        main = made.main
        commands: list[tuple[str, list[str], int]] = [
            ("validate", ["validate", main], 1),
            ("run", ["run", main], 1),
            ("run", ["run", main, "--format", "csv"], 1),
            ("run -o", ["run", main, "-o", "x.xlsx"], 3),
        ]
        if made.ids:
            explain = ["explain", main, gen.rng.choice(made.ids), "--format", "json"]
            commands.append(("explain", explain, 1))
        if made.uncertain:
            simulate = ["simulate", main, "--draws", "50", "--seed", "3", "--format", "csv"]
            commands.append(("simulate", simulate, 2))
            commands.append(("check", ["check", main, "--examples", "20"], 10))
        if made.base:
            commands.append(("compare", ["compare", made.base, main], 1))
            commands.append(("compare", ["compare", made.base, main, "--format", "csv"], 1))
        if made.actuals:
            commands.append(("actuals", ["actuals", main, "--format", "csv"], 1))
        if made.published:
            commands.append(("export", ["export", main, "--to", "iati", "-o", "out.xml"], 1))
            commands.append(("export", ["export", main, "--to", "datapackage", "-o", "dp"], 1))
        inputs: Inputs = {k: v.encode() for k, v in made.files.items()}
        tag = main.removesuffix(".toml")
        for group, args, cost in commands:
            name = f"{tag}: {' '.join(args)}"
            cases.append(Case(f"generated {group}", name, args, inputs, cost=cost))
    return cases


def hostile_cases(old: Path, count: int, seed: int) -> list[Case]:
    """Scenario texts from the old checkout's tests/fuzz_files.py, made in a process of
    the old checkout (this process imports no budget)."""
    if count <= 0:
        return []
    made = subprocess.run(
        [sys.executable, "-P", "-c", HOSTILE, str(old), str(seed), str(count)],
        env=child_env(old),
        capture_output=True,
    )
    if made.returncode != 0:
        print(f"same_outputs: could not make the hostile files from {old}/tests/fuzz_files.py:")
        print(made.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(2)
    data = json.loads(made.stdout)
    folder: Inputs = {k: FIFO if v is None else v.encode() for k, v in data["files"].items()}
    cases: list[Case] = []
    for index, (text, classes) in enumerate(data["texts"], start=1):
        main = f"hostile-{index:02d}.toml"
        inputs: Inputs = {**folder, main: text.encode("utf-8", "surrogatepass")}
        tag = f"{main} ({', '.join(classes)})"
        commands: list[tuple[list[str], int]] = [
            (["validate", main], 1),
            (["run", main], 1),
            (["run", main, "--format", "csv"], 1),
            (["run", main, "-o", "x.xlsx"], 3),
            (["compare", "letter-2014.toml", main, "--format", "csv"], 1),
        ]
        if "dist" in text:
            commands.append(
                (["simulate", main, "--draws", "50", "--seed", "3", "--format", "csv"], 2)
            )
            commands.append((["check", main, "--examples", "20"], 10))
        for args, cost in commands:
            cases.append(
                Case(f"hostile {args[0]}", f"{tag}: {' '.join(args)}", args, inputs, cost=cost)
            )
    return cases


# ----------------------------------------------------------------------------------------
# The run


def run_all(
    cases: list[Case], old: Path, new: Path, jobs: int, timeout: float, keep_dir: Path | None
) -> list[Result]:
    base = Path(tempfile.mkdtemp(prefix="same-outputs-"))
    order = sorted(cases, key=lambda c: (-c.cost, c.index))
    lock = threading.Lock()
    position = iter(order)
    results: list[Result] = []
    failures: list[str] = []
    running: list[Side] = []
    done = [0]
    started = time.monotonic()

    def next_case() -> Case | None:
        with lock:
            return None if failures else next(position, None)

    def job(slot: int) -> None:
        home = base / f"job{slot}"
        home.mkdir()
        (home / "old").mkdir()
        (home / "new").mkdir()
        sides = [Side(old, home / "old", "old", timeout), Side(new, home / "new", "new", timeout)]
        with lock:
            running.extend(sides)
        work = home / "work"  # the same folder for both sides
        try:
            files = [side.driver.start() for side in sides]
            if slot == 0:
                print(f"old: budget.__file__ = {files[0]}", flush=True)
                print(f"new: budget.__file__ = {files[1]}", flush=True)
            for checkout, file in zip((old, new), files, strict=True):
                if not Path(file).resolve().is_relative_to(checkout.resolve()):
                    raise RuntimeError(f"budget was imported from {file}, not from {checkout}")
            while (case := next_case()) is not None:
                old_outcome, new_outcome = (side.run(case, work) for side in sides)
                if (old_outcome.note or new_outcome.note) and not failures:
                    for side in sides:  # both sides start afresh
                        side.driver.stop()
                        side.driver.start()
                reasons = differences(old_outcome, new_outcome)
                if reasons and keep_dir is not None:
                    keep(keep_dir, case, old_outcome, new_outcome, reasons)
                with lock:
                    results.append(Result(case, old_outcome.code, reasons))
                    done[0] += 1
                    if done[0] % 250 == 0:
                        elapsed = time.monotonic() - started
                        print(f"  {done[0]}/{len(cases)} cases, {elapsed:.0f} s", flush=True)
        except Exception as exc:  # a checkout that cannot be run at all
            with lock:
                failures.append(f"job {slot}: {type(exc).__name__}: {exc}")
        finally:
            for side in sides:
                side.driver.stop()

    threads = [threading.Thread(target=job, args=(slot,), daemon=True) for slot in range(jobs)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        with lock:
            failures.append("interrupted")
            for side in running:
                if side.driver.proc is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(side.driver.proc.pid, signal.SIGKILL)
        shutil.rmtree(base, ignore_errors=True)
        print("same_outputs: interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    shutil.rmtree(base, ignore_errors=True)
    if failures:
        for failure in failures:
            print(f"same_outputs: {failure}", file=sys.stderr)
        raise SystemExit(2)
    return sorted(results, key=lambda r: r.case.index)


def report(results: list[Result]) -> int:
    """Print the cases per group and the first differing ones; return how many differ."""
    groups: dict[str, list[Result]] = {}
    for result in results:
        groups.setdefault(result.case.group, []).append(result)
    width = max(len(g) for g in groups)
    print(f"\n{'group':<{width}}  cases  differ  old exit statuses")
    for group, members in groups.items():
        differ = sum(1 for r in members if r.reasons)
        codes = Counter(r.old_code for r in members)
        shown = ", ".join(f"{code}: {n}" for code, n in sorted(codes.items(), key=str))
        print(f"{group:<{width}}  {len(members):5d}  {differ:6d}  {shown}")
    differing = [r for r in results if r.reasons]
    if differing:
        print(f"\nFirst {min(20, len(differing))} of {len(differing)} differing cases:")
        for result in differing[:20]:
            print(f"- [{result.case.index}] {result.case.group}: {result.case.name}")
            for reason in result.reasons[:4]:
                print(f"    {reason}")
    return len(differing)


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the checkout before")
    parser.add_argument("--new", type=Path, required=True, help="the checkout after")
    parser.add_argument("--generated", type=int, default=300, help="generated scenario files")
    parser.add_argument("--hostile", type=int, default=30, help="hostile files (fuzz_files.py)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated files")
    parser.add_argument("--jobs", type=int, default=2, help="pairs of drivers run at once")
    parser.add_argument("--keep", type=Path, help="keep the differing cases' files here")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per command")
    parser.add_argument("--scenarios", type=Path, help="bundled scenarios (NEW/scenarios)")
    args = parser.parse_args()
    old, new = args.old.resolve(), args.new.resolve()
    for checkout in (old, new):
        if not (checkout / "budget").is_dir():
            parser.error(f"{checkout} is not a checkout of budget (it has no budget/ folder)")
    scenarios = args.scenarios or new / "scenarios"
    if not scenarios.is_dir():
        scenarios = old / "scenarios"
    started = time.monotonic()
    cases = bundled_cases(scenarios)
    cases += generated_cases(args.generated, args.seed)
    cases += hostile_cases(old, args.hostile, args.seed)
    for index, case in enumerate(cases, start=1):
        case.index = index
    print(f"same_outputs: {len(cases)} cases, old {old}, new {new}, {args.jobs} jobs", flush=True)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, interrupted)  # stop the drivers, remove the work folders
    results = run_all(cases, old, new, max(1, args.jobs), args.timeout, args.keep)
    differ = report(results)
    print(f"\n{time.monotonic() - started:.0f} s in all")
    print(f"same_outputs: {len(results)} cases compared, {differ} differ")
    sys.exit(0 if differ == 0 else 1)


if __name__ == "__main__":
    main()
