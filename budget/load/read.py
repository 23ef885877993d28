"""Reading one scenario file into a raw table, never raising on bad input."""

from __future__ import annotations

import os
import re
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

from budget.core.errors import Problem

MAX_BYTES = 50 * 2**20
# `-` is standard input; its folder is the working folder, so that paths in it (extends,
# register, actuals) are relative to where the command runs.
STDIN = Path("-")
STDIN_SHOWN = "<stdin>"

try:  # A parser in Rust, much faster than tomllib on large scenarios (see bench_register).
    import rtoml
except ImportError:  # pragma: no cover - tomllib reads the same files, more slowly
    rtoml = None  # type: ignore[assignment]


class TooDeep(Exception):
    """Tables or lists nested deeper than the parser allows (rtoml: about 80 levels)."""


def parse_toml(text: str) -> dict[str, Any]:
    """The TOML document `text` as a dict.

    Raises tomllib.TOMLDecodeError (with tomllib's wording, which the messages and their
    hints are written for) or TooDeep.
    """
    if rtoml is None:
        return tomllib.loads(text)
    try:
        return rtoml.loads(text)
    except rtoml.TomlParsingError as exc:
        if "recursion" in str(exc):
            raise TooDeep from None
    # tomllib words the problem (it accepts nothing that rtoml refuses, but for nesting).
    return tomllib.loads(text)


class RegisterError(Exception):
    """A register that cannot be read at all (not a table, bad encoding, corrupt file)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def not_a_file(path: Path, noun: str) -> str:
    """Why `path` cannot be read as an input file ("" when it can), looked up before any
    byte is read: a folder, a device such as /dev/zero (also behind a symlink), a pipe.
    Raises OSError (FileNotFoundError, a name too long) for the caller to word."""
    mode = path.stat().st_mode  # follows symlinks: the target is what would be read
    if stat.S_ISDIR(mode):
        return f"is a folder, not a {noun}"
    if not stat.S_ISREG(mode):
        return f"is not a regular file (a device, pipe or socket), so not a {noun}"
    return ""


def read_limited(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than `limit` (its size as stated by
    the file system is not trusted: reading stops at limit + 1 bytes).

    Read in pieces the size the file states (at least 64 KiB): one read of limit + 1
    bytes would first allocate all of them, 50 MiB for every small scenario file."""
    pieces: list[bytes] = []
    total = 0
    with path.open("rb") as handle:
        piece_size = max(os.fstat(handle.fileno()).st_size + 1, 65536)
        while total <= limit:
            piece = handle.read(min(piece_size, limit + 1 - total))
            if not piece:
                break
            pieces.append(piece)
            total += len(piece)
    return None if total > limit else b"".join(pieces)


def read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The file's TOML as a dict, or None with the problem that stopped reading it."""

    def fail(message: str, hint: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(shown, "", message, hint)]

    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                return fail("is too large for a scenario (over 50 MiB)")
        else:
            refused = not_a_file(path, "scenario file")
            if refused:
                return fail(refused)
            limited = read_limited(path, MAX_BYTES)
            if limited is None:
                return fail(
                    "is too large for a scenario file (over 50 MiB)",
                    "keep large registers in a CSV or XLSX file named by register =",
                )
            data = limited
    except FileNotFoundError:
        return fail("no such file")
    except OSError as exc:
        return fail(f"cannot be read ({exc.strerror or exc})")
    if not data.strip():
        return fail(
            "is empty",
            "a scenario needs at least [scenario], funders, recipients "
            "and commitments; see scenarios/letter-2014.toml",
        )
    if b"\x00" in data:
        return fail("is not a text file", "scenario files are TOML text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return fail(f"is not UTF-8 text (byte {exc.start})", "save it as UTF-8")
    try:
        return parse_toml(text), []
    except TooDeep:
        return fail("is nested too deeply to be a scenario")
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        hint = ""
        if _date_at(text, message):
            hint = "write a date as YYYY-MM-DD, a real day, without quotes: start = 2025-09-15"
        elif "Invalid" in message or "Expected" in message:
            hint = 'TOML needs quotes around text and amounts: cap = "67600.00"'
        return fail(f"is not valid TOML: {message}", hint)
    except RecursionError:
        return fail("is nested too deeply to be a scenario")
    except ValueError as exc:  # after TOMLDecodeError, which is one
        if "digits" not in str(exc):
            raise
        return fail(
            "has a number with more digits than can be read (over 4,300)",
            "amounts and years have a few digits; check for a typing error",
        )


_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_DATE_VALUE = re.compile(r"=\s*[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}(?![0-9-])")


def _date_at(text: str, message: str) -> bool:
    """Whether the line the TOML error names holds a value shaped like a date
    (2025-9-15, 2027-02-30): such errors get a hint about dates, not about quotes."""
    found = _LINE.search(message)
    if found is None or ("Invalid" not in message and "Expected" not in message):
        return False
    lines = text.splitlines()
    number = int(found[1])
    return 1 <= number <= len(lines) and bool(_DATE_VALUE.search(lines[number - 1]))
