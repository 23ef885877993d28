"""Where exports may be written: never over an input, always atomically.

Each file is written to a temporary file beside its target and renamed over it (the
workbook's `write_atomically`), so a failure never leaves a half-written export.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from budget.core.errors import InputError, Problem
from budget.core.model import Scenario
from budget.render.atomic import check_regular
from budget.render.workbook.save import protected_files, same_file, write_atomically


def inputs_of(scenario: Scenario, extra: Sequence[str | Path] = ()) -> list[str | Path]:
    """Every file that went into the scenario: never to be written over."""
    return protected_files([scenario], extra)


def check_file(path: str | Path, inputs: Sequence[str | Path], hint: str) -> Path:
    """`path` as a Path when a file may be written there, else InputError."""
    target = Path(path)
    check_regular(target, str(path))  # first: also refuses names the system cannot look up
    if not target.parent.is_dir():
        _refuse(path, f"the folder {str(target.parent)!r} does not exist", "create it first")
    _check_not_input(target, inputs, hint)
    return target


def check_folder(path: str | Path, inputs: Sequence[str | Path], names: Sequence[str]) -> Path:
    """`path` as a Path of a folder to write `names` into (made if it does not exist)."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        _refuse(path, "is a file, not a folder", "name a folder for the data package")
    if not folder.parent.is_dir():
        _refuse(path, f"the folder {str(folder.parent)!r} does not exist", "create it first")
    for name in names:
        _check_not_input(folder / name, inputs, "name another folder for the data package")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        _refuse(path, f"cannot be made ({exc.strerror or exc})", "check the folder's permissions")
    return folder


def _check_not_input(target: Path, inputs: Sequence[str | Path], hint: str) -> None:
    if target.is_dir():
        _refuse(target, "is a folder", hint)
    for source in inputs:
        if same_file(target, Path(source)):
            _refuse(
                target, f"is an input of this scenario ({source}); refusing to write over it", hint
            )


def write_chunks(target: Path, chunks: Iterable[str]) -> None:
    """Write text chunks (UTF-8) to `target` atomically."""

    def write(out: IO[bytes]) -> None:
        for chunk in chunks:
            out.write(chunk.encode("utf-8"))

    write_atomically(target, write)


def _refuse(path: str | Path, message: str, hint: str) -> None:
    raise InputError([Problem(str(path), "", message, hint)])
