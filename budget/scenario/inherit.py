"""Scenarios that extend others: resolving the chain and merging the raw tables.

`[scenario]` keys are inherited key by key; funders, recipients and limits merge by key
(patched field by field); commitments with the same id are patched field by field, new ids
are added, and `remove` drops inherited ones. `extends`, `remove` and `register` apply only
to the file that states them. Every field remembers the file it came from, so that an error
names the file that caused it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budget.errors import Problem, where_commitment, where_entry
from budget.scenario.read import read_toml

SECTIONS = ("scenario", "funders", "recipients", "commitments", "limits", "indicators")
FILE_ONLY = ("extends", "remove", "register")
MAX_CHAIN = 50


@dataclass
class Entry:
    """One merged table and where each of its fields came from.

    raw: the fields; origins: field -> file; file: the file that first defined it;
    where: how a field is named in messages (for register rows: row and column).
    """

    raw: dict[str, Any]
    origins: dict[str, str]
    file: str
    where: Callable[[str | None], str]

    def file_of(self, name: str) -> str:
        return self.origins.get(name, self.file)


@dataclass
class Merged:
    """A scenario's raw tables after inheritance, in the order they appeared."""

    files: list[str] = field(default_factory=list)
    scenario: dict[str, Any] = field(default_factory=dict)
    scenario_origins: dict[str, str] = field(default_factory=dict)
    funders: dict[str, Entry] = field(default_factory=dict)
    recipients: dict[str, Entry] = field(default_factory=dict)
    commitments: dict[str, Entry] = field(default_factory=dict)
    limits: dict[tuple[str, str], Entry] = field(default_factory=dict)
    indicators: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


RegisterReader = Callable[
    [Path, str], tuple[list[tuple[dict[str, Any], Callable[[str | None], str]]], list[Problem]]
]


def load_merged(path: Path, shown: str, read_register: RegisterReader | None = None) -> Merged:
    """Read `path` and every file it extends, and merge them base first."""
    merged = Merged()
    chain: list[tuple[Path, str, dict[str, Any]]] = []
    seen: list[Path] = []
    current, current_shown = path, shown
    while True:
        resolved = current.resolve()
        if resolved in seen:
            names = " -> ".join(str(p.name) for p in [*seen, resolved])
            merged.problems.append(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"the chain of extends is a cycle: {names}",
                    "a scenario cannot extend itself",
                )
            )
            return merged
        if len(seen) >= MAX_CHAIN:
            merged.problems.append(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"more than {MAX_CHAIN} files extend each other",
                )
            )
            return merged
        seen.append(resolved)
        raw, problems = read_toml(current, current_shown)
        if raw is None:
            merged.problems.extend(problems)
            return merged
        chain.append((current, current_shown, raw))
        head = raw.get("scenario")
        base = head.get("extends") if isinstance(head, dict) else None
        if base is None:
            break
        if not isinstance(base, str) or not base.strip():
            merged.problems.append(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"{base!r} is not a file name",
                    'write extends = "base.toml"',
                )
            )
            return merged
        target = current.parent / base
        if not target.is_file():
            merged.problems.append(
                Problem(
                    current_shown,
                    "[scenario] field 'extends'",
                    f"the base scenario {base!r} does not exist",
                    "the path is relative to this file's folder",
                )
            )
            return merged
        current, current_shown = target, _shown(target, current_shown, base)
    for file_path, file_shown, raw in reversed(chain):
        _merge_file(merged, file_path, file_shown, raw, read_register)
    return merged


def _shown(target: Path, parent_shown: str, relative: str) -> str:
    parent = Path(parent_shown).parent
    return str(parent / relative) if str(parent) != "." else relative


def _merge_file(
    merged: Merged,
    path: Path,
    shown: str,
    raw: dict[str, Any],
    read_register: RegisterReader | None,
) -> None:
    problems = merged.problems
    merged.files.append(shown)
    for key in raw:
        if key not in SECTIONS:
            problems.append(
                Problem(
                    shown,
                    f"[{key}]",
                    "is not a section of a scenario",
                    "sections are " + ", ".join(SECTIONS),
                )
            )
    head = raw.get("scenario", {})
    if not isinstance(head, dict):
        problems.append(Problem(shown, "[scenario]", "must be a table", "write [scenario]"))
        head = {}
    for key, value in head.items():
        if key in FILE_ONLY:
            continue
        merged.scenario[key] = value
        merged.scenario_origins[key] = shown

    for section, target in (("funders", merged.funders), ("recipients", merged.recipients)):
        table = raw.get(section, {})
        if not isinstance(table, dict):
            problems.append(
                Problem(
                    shown,
                    f"[{section}]",
                    "must be a table of entries",
                    f"write [{section}.KEY] with its fields",
                )
            )
            continue
        noun = section[:-1]
        for key, value in table.items():
            if isinstance(value, str) and section == "funders":
                value = {"name": value}
            if not isinstance(value, dict):
                problems.append(
                    Problem(
                        shown,
                        where_entry(noun, key),
                        "must be a table of fields",
                        f'write [{section}.{key}] with name = "..."',
                    )
                )
                continue
            _patch(target, key, value, shown, _entry_where(noun, key))

    limits = raw.get("limits", [])
    if not isinstance(limits, list):
        problems.append(
            Problem(
                shown, "[[limits]]", "must be a list of tables", "write each ceiling as [[limits]]"
            )
        )
        limits = []
    local_limits: set[tuple[str, str]] = set()
    for i, item in enumerate(limits, 1):
        if not isinstance(item, dict):
            problems.append(Problem(shown, f"limit {i}", "must be a table of fields"))
            continue
        lkey = (str(item.get("funder", "")), str(item.get("basis", "cash")))
        if lkey in local_limits:
            problems.append(
                Problem(
                    shown,
                    f"limit {i} ({lkey[0]}, {lkey[1]})",
                    "is a second ceiling for the same funder and basis",
                    "give one [[limits]] per funder and basis; use a table by "
                    "year for different ceilings",
                )
            )
            continue
        local_limits.add(lkey)
        _patch(
            merged.limits,
            lkey,
            item,
            shown,
            _entry_where("limit", f"{lkey[0]}/{lkey[1]}"),
        )

    _merge_indicators(merged, raw.get("indicators", []), shown)

    commitments = raw.get("commitments", [])
    if not isinstance(commitments, list):
        problems.append(
            Problem(
                shown,
                "[[commitments]]",
                "must be a list of tables",
                "write each commitment as [[commitments]]",
            )
        )
        commitments = []
    local_ids: set[str] = set()
    entries: list[tuple[dict[str, Any], Callable[[str | None], str], str]] = []
    for i, item in enumerate(commitments, 1):
        if not isinstance(item, dict):
            problems.append(Problem(shown, f"commitment {i}", "must be a table of fields"))
            continue
        entries.append((item, _toml_where(item.get("id"), i), shown))
    register = head.get("register")
    if register is not None:
        if not isinstance(register, str) or not register.strip():
            problems.append(
                Problem(
                    shown,
                    "[scenario] field 'register'",
                    f"{register!r} is not a file name",
                    'write register = "commitments.csv"',
                )
            )
        elif read_register is None:
            problems.append(
                Problem(shown, "[scenario] field 'register'", "registers cannot be read here")
            )
        else:
            rows, reg_problems = read_register(
                path.parent / register, _shown(path.parent / register, shown, register)
            )
            problems.extend(reg_problems)
            reg_shown = _shown(path.parent / register, shown, register)
            merged.files.append(reg_shown)  # an input too: never written over
            entries.extend((row, where, reg_shown) for row, where in rows)
    for item, where, origin in entries:
        cid = item.get("id")
        if not isinstance(cid, str) or not cid.strip():
            problems.append(
                Problem(
                    origin,
                    where(None),
                    "has no id" if cid is None else f"id {cid!r} is not text",
                    'give every commitment an id = "..."',
                )
            )
            continue
        if cid in local_ids:
            problems.append(
                Problem(
                    origin,
                    where("id"),
                    f"the id {cid!r} is used twice",
                    "every commitment needs its own id",
                )
            )
            continue
        local_ids.add(cid)
        _patch(merged.commitments, cid, item, origin, where)

    remove = head.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
        problems.append(
            Problem(
                shown,
                "[scenario] field 'remove'",
                "must be a list of commitment ids",
                'write remove = ["mki"]',
            )
        )
        remove = []
    for cid in remove:
        if cid not in merged.commitments or cid in local_ids:
            problems.append(
                Problem(
                    shown,
                    "[scenario] field 'remove'",
                    f"no inherited commitment has the id {cid!r}",
                    "inherited ids: "
                    + (", ".join(k for k in merged.commitments if k not in local_ids) or "none"),
                )
            )
            continue
        del merged.commitments[cid]


def _merge_indicators(merged: Merged, items: Any, shown: str) -> None:
    """[[indicators]] merge by id, patched field by field like commitments."""
    if not isinstance(items, list):
        merged.problems.append(
            Problem(shown, "[[indicators]]", "must be a list of tables", "write [[indicators]]")
        )
        return
    local: set[str] = set()
    for i, item in enumerate(items, 1):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str) or not key.strip():
            merged.problems.append(
                Problem(shown, f"indicator {i}", "needs an id", 'give it an id = "..."')
            )
            continue
        if key in local:
            merged.problems.append(
                Problem(shown, where_entry("indicator", key), "the id is used twice")
            )
            continue
        local.add(key)
        _patch(merged.indicators, key, item, shown, _entry_where("indicator", key))


def _toml_where(cid: object, index: int) -> Callable[[str | None], str]:
    label = cid if isinstance(cid, str) and cid.strip() else f"#{index}"

    def where(name: str | None) -> str:
        return where_commitment(str(label), name)

    return where


def _entry_where(noun: str, key: str) -> Callable[[str | None], str]:
    def where(name: str | None) -> str:
        return where_entry(noun, key, name)

    return where


def _patch(
    target: dict[Any, Entry],
    key: Any,
    raw: dict[str, Any],
    shown: str,
    where: Callable[[str | None], str],
) -> None:
    """Add a new entry, or patch an existing one field by field (keeping its place)."""
    if key in target:
        entry = target[key]
        for name, value in raw.items():
            entry.raw[name] = value
            entry.origins[name] = shown
        # A patched field is named the way its own file names it (a register's row and
        # column); the others keep their names.
        entry.where = _patched_where(entry.where, where, frozenset(raw))
        return
    target[key] = Entry(dict(raw), {name: shown for name in raw}, shown, where)


def _patched_where(
    before: Callable[[str | None], str],
    patch: Callable[[str | None], str],
    fields: frozenset[str],
) -> Callable[[str | None], str]:
    def where(name: str | None) -> str:
        return patch(name) if name in fields else before(name)

    return where
