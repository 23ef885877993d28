"""Reading one scenario file into a raw table, never raising on bad input."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from budget.errors import Problem

MAX_BYTES = 50 * 2**20
# `-` is standard input; its folder is the working folder, so that paths in it (extends,
# register, actuals) are relative to where the command runs.
STDIN = Path("-")
STDIN_SHOWN = "<stdin>"


def read_toml(path: Path, shown: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The file's TOML as a dict, or None with the problem that stopped reading it."""

    def fail(message: str, hint: str = "") -> tuple[None, list[Problem]]:
        return None, [Problem(shown, "", message, hint)]

    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                return fail("is too large for a scenario (over 50 MiB)")
        elif path.is_dir():
            return fail("is a folder, not a scenario file")
        elif path.stat().st_size > MAX_BYTES:
            return fail(
                "is too large for a scenario file (over 50 MiB)",
                "keep large registers in a CSV or XLSX file named by register =",
            )
        else:
            data = path.read_bytes()
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
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        hint = ""
        if "Invalid" in message or "Expected" in message:
            hint = 'TOML needs quotes around text and amounts: cap = "67600.00"'
        return fail(f"is not valid TOML: {message}", hint)
    except RecursionError:
        return fail("is nested too deeply to be a scenario")
