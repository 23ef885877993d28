"""Saving a workbook safely: refuse bad targets, write atomically, byte for byte the same.

`save_atomically(book, path, inputs)`:
- refuses (InputError, one Problem) a target in a folder that does not exist, a target that
  is a folder, and a target that is one of `inputs` (the scenario and every file it read);
- writes the book (`package.write_package`: fixed entry times, a fixed order, fixed
  document times and one compression level, so that the same inputs give the same bytes)
  to a temporary file beside the target, streaming long sheets as they are made, and
  renames it over the target (`os.replace`), so a failure never leaves a half-written
  workbook or a stray temporary (budget/render/atomic.py: SIGTERM, stale temporary files of a
  killed run, targets that are devices).

`write_text_atomically` gives other files (the overflow CSV) the same atomic treatment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from budget.core.errors import InputError, Problem
from budget.core.memory import cycle_collector_paused
from budget.core.model import Scenario
from budget.render.atomic import check_regular, write_atomically
from budget.render.workbook.package import COMPRESSION, ZIP_TIME, write_package
from budget.render.workbook.sheet import Book

__all__ = [
    "COMPRESSION",
    "ZIP_TIME",
    "check_target",
    "cycle_collector_paused",
    "protected_files",
    "save_atomically",
    "write_atomically",
]


def protected_files(
    scenarios: Sequence[Scenario], inputs: Sequence[str | Path] = ()
) -> list[str | Path]:
    """Every file that went into the scenarios (and `inputs`): never to be written over."""
    protected: list[str | Path] = [*inputs]
    for scenario in scenarios:
        protected += [*scenario.files, *([scenario.path] if scenario.path else [])]
    return protected


def check_target(path: str | Path, inputs: Sequence[str | Path]) -> Path:
    """The target as a Path, or InputError when it may not be written."""
    target = Path(path)
    shown = str(path)
    check_regular(target, shown)  # first: also refuses names the system cannot look up
    folder = target.parent
    if not folder.is_dir():
        raise InputError(
            [
                Problem(
                    shown,
                    "",
                    f"the folder {str(folder)!r} does not exist",
                    "create it first, or choose another output file",
                )
            ]
        )
    if target.is_dir():
        raise InputError([Problem(shown, "", "is a folder", "name an .xlsx file to write")])
    for source in inputs:
        if same_file(target, Path(source)):
            raise InputError(
                [
                    Problem(
                        shown,
                        "",
                        f"is an input of this scenario ({source}); refusing to write over it",
                        "choose another output file, e.g. one ending in .xlsx",
                    )
                ]
            )
    return target


def same_file(target: Path, source: Path) -> bool:
    """Whether writing `target` would write over `source` (links and relative names too)."""
    try:
        if target.exists() and source.exists():
            return os.path.samefile(target, source)
        return target.resolve() == source.resolve()
    except OSError:
        return False


def save_atomically(
    book: Book,
    path: str | Path,
    inputs: Sequence[str | Path],
    progress: Callable[[int, int], Any] | None = None,
) -> None:
    """Save `book` at `path` (see the module docstring); raises InputError when refused.
    progress(done, total) is called after each sheet is written."""
    target = check_target(path, inputs)

    def write(out: IO[bytes]) -> None:
        if progress is None:
            write_package(book, out)
        else:
            write_package(book, out, progress)

    write_atomically(target, write)


def write_text_atomically(
    path: str | Path, inputs: Sequence[str | Path], lines: Iterable[str]
) -> None:
    """Write text lines (UTF-8) to `path` atomically, with the same refusals."""
    target = check_target(path, inputs)

    def write(out: IO[bytes]) -> None:
        for line in lines:
            out.write(line.encode("utf-8"))

    write_atomically(target, write)
