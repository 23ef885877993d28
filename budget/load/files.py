"""The load stage: read a scenario file, every file it extends and their registers.

This is the only stage of loading that touches the file system. It returns the files as
read, base first, for the pure merge (`inherit.merge`) and the checks (`parse`) that follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budget.core.errors import Problem, excerpt
from budget.load.read import read_toml
from budget.load.register import RegisterTable, read_table

MAX_CHAIN = 50


@dataclass(frozen=True, slots=True)
class Register:
    """The register a file names, as read.

    shown: its path as messages name it; table: its rows, or None when it could not be read;
    problems: what was found while reading it.
    """

    shown: str
    table: RegisterTable | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """One scenario file as read: its name in messages, its TOML tables and its register."""

    shown: str
    raw: dict[str, Any]
    register: Register | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    """Every file of a scenario, base first, and the problems that stopped reading more."""

    files: tuple[LoadedFile, ...]
    problems: tuple[Problem, ...] = ()


def load_files(path: Path, shown: str) -> Loaded:
    """Read `path`, the chain of files it extends, and every register they name."""
    chain: list[LoadedFile] = []
    seen: list[Path] = []
    current, current_shown = path, shown

    def stop(problem: Problem | list[Problem]) -> Loaded:
        found = problem if isinstance(problem, list) else [problem]
        return Loaded((), tuple(found))

    while True:
        resolved = current.resolve()
        if resolved in seen:
            names = " -> ".join(str(p.name) for p in [*seen, resolved])
            return stop(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"the chain of extends is a cycle: {names}",
                    "a scenario cannot extend itself",
                )
            )
        if len(seen) >= MAX_CHAIN:
            return stop(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"more than {MAX_CHAIN} files extend each other",
                )
            )
        seen.append(resolved)
        raw, problems = read_toml(current, current_shown)
        if raw is None:
            return stop(problems)
        head = raw.get("scenario")
        chain.append(LoadedFile(current_shown, raw, _register(current, current_shown, head)))
        base = head.get("extends") if isinstance(head, dict) else None
        if base is None:
            break
        if not isinstance(base, str) or not base.strip():
            return stop(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"{excerpt(base)} is not a file name",
                    'write extends = "base.toml"',
                )
            )
        target = current.parent / base
        try:
            found = target.is_file()
        except OSError as exc:  # e.g. a name longer than the file system allows
            return stop(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"the base scenario {excerpt(base)} cannot be opened "
                    f"({exc.strerror or type(exc).__name__})",
                    'write extends = "base.toml", relative to this file\'s folder',
                )
            )
        if not found:
            return stop(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"the base scenario {excerpt(base)} does not exist",
                    "the path is relative to this file's folder",
                )
            )
        current, current_shown = target, shown_path(current_shown, base)
    return Loaded(tuple(reversed(chain)))


def _register(path: Path, shown: str, head: object) -> Register | None:
    """The register named by `register =`, when it is a file name (the merge checks it)."""
    name = head.get("register") if isinstance(head, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None
    register_shown = shown_path(shown, name)
    table, problems = read_table(path.parent / name, register_shown)
    return Register(register_shown, table, tuple(problems))


def shown_path(parent_shown: str, relative: str) -> str:
    """A path relative to a file's folder, as messages name it."""
    parent = Path(parent_shown).parent
    return str(parent / relative) if str(parent) != "." else relative
