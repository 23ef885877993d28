"""Scenarios that extend others: resolving the chain and merging the raw tables.

`[scenario]` keys are inherited key by key; funders, recipients and limits merge by key
(patched field by field); commitments with the same id are patched field by field, new ids
are added, and `remove` drops inherited ones. `extends`, `remove` and `register` apply only
to the file that states them. Every field remembers the file it came from, so that an error
names the file that caused it.

Merging is pure: the files come already read (`load.load_files`), and each section of a
file is merged by its own function in `MERGERS`, in order.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from budget.core.errors import (
    CONTROL_HINT,
    Problem,
    control_character,
    excerpt,
    listing,
    where_commitment,
    where_entry,
)
from budget.core.model import Basis
from budget.core.records import by_columns
from budget.load.files import Loaded, LoadedFile
from budget.load.register import RegisterTable

FILE_ONLY = ("extends", "remove", "register")


Where = Callable[[str | None], str]


@dataclass(slots=True)
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


@dataclass(frozen=True, slots=True, eq=False)
class RowEntry:
    """A commitment that is one row of a register, not patched by any other file.

    Its raw table is made from the register's columns when asked for, so that a register of
    a million rows is not copied into a million dictionaries.
    """

    table: RegisterTable
    index: int

    @classmethod
    def many(cls, table: RegisterTable, count: int) -> list[RowEntry]:
        """The entries of rows 0 .. count - 1 of `table`, made a column at a time."""
        return by_columns(cls, count, (itertools.repeat(table), range(count)))

    @property
    def file(self) -> str:
        return self.table.shown

    @property
    def raw(self) -> dict[str, Any]:
        return self.table.row_raw(self.index)

    @property
    def origins(self) -> dict[str, str]:
        return {name: self.table.shown for name in self.raw}

    @property
    def where(self) -> Where:
        return self.table.where(self.index)

    def file_of(self, name: str) -> str:
        return self.table.shown

    def entry(self) -> Entry:
        """The same commitment as an Entry, to be patched."""
        return Entry(self.raw, self.origins, self.file, self.where)


@dataclass(frozen=True, slots=True, eq=False)
class Tables:
    """A file's [[commitments]] tables added whole (`_merge_tables`): the tables as the
    file gives them, their ids, and their sets of fields (`shapes`: each set, in order,
    -> the first table that has it; `codes`: each table's set, as that first table), which
    the layout as columns reads again (budget.load.entry_columns)."""

    shown: str
    raws: list[dict[str, Any]]
    ids: list[str]
    shapes: dict[tuple[str, ...], int]
    codes: npt.NDArray[np.intp]
    origins: dict[int, dict[str, str]]  # first table of a set -> its origins table

    def origins_of(self, index: int) -> dict[str, str]:
        return self.origins[int(self.codes[index])]


@dataclass(frozen=True, slots=True, eq=False)
class TableEntry:
    """A commitment that is one table of `Tables`, not patched by any other file: its
    origins and how its fields are named are made when asked for, so that 100,000 tables
    make no Entry each (issue 21). A patch makes it an Entry (`entry`)."""

    tables: Tables
    index: int

    @classmethod
    def many(cls, tables: Tables) -> list[TableEntry]:
        """The entries of every table, made a column at a time."""
        count = len(tables.raws)
        return by_columns(cls, count, (itertools.repeat(tables), range(count)))

    @property
    def file(self) -> str:
        return self.tables.shown

    @property
    def raw(self) -> dict[str, Any]:
        return self.tables.raws[self.index]

    @property
    def origins(self) -> dict[str, str]:
        return self.tables.origins_of(self.index)

    @property
    def where(self) -> Where:
        return functools.partial(where_commitment, self.tables.ids[self.index])

    def file_of(self, name: str) -> str:
        return self.tables.shown

    def entry(self) -> Entry:
        """The same commitment as an Entry, to be patched."""
        return Entry(self.raw, self.origins, self.file, self.where)


AnyEntry = Entry | RowEntry | TableEntry


@dataclass
class Merged:
    """A scenario's raw tables after inheritance, in the order they appeared."""

    files: list[str] = field(default_factory=list)
    scenario: dict[str, Any] = field(default_factory=dict)
    scenario_origins: dict[str, str] = field(default_factory=dict)
    funders: dict[str, Entry] = field(default_factory=dict)
    recipients: dict[str, Entry] = field(default_factory=dict)
    commitments: dict[str, AnyEntry] = field(default_factory=dict)
    limits: dict[tuple[str, str], Entry] = field(default_factory=dict)
    indicators: dict[str, Entry] = field(default_factory=dict)
    indices: dict[str, Entry] = field(default_factory=dict)  # [indices.NAME] series
    problems: list[Problem] = field(default_factory=list)
    # The files as read, base first: the budget round reads each file's own
    # [[mutations]] and [[cash_shifts]] (budget.load.budget_round).
    loaded: list[LoadedFile] = field(default_factory=list)
    # The registers merged, in order: every RowEntry is a row of one of them.
    tables: list[RegisterTable] = field(default_factory=list)
    # Every field name of the [[commitments]] tables merged (added or patching): with the
    # registers' columns, every name a commitment's raw table can hold.
    fields: set[str] = field(default_factory=set)


def merge(loaded: Loaded) -> Merged:
    """The files of a scenario merged base first: pure, no file is read here."""
    merged = Merged(problems=list(loaded.problems))
    for file in loaded.files:
        merged.files.append(file.shown)
        merged.loaded.append(file)
        for key in file.raw:
            if key not in SECTIONS:
                merged.problems.append(
                    Problem(
                        file.shown,
                        f"[{key}]",
                        "is not a section of a scenario",
                        "sections are " + ", ".join(SECTIONS),
                    )
                )
        for _, merge_section in MERGERS:
            merge_section(merged, file)
    return merged


def _head(file: LoadedFile) -> dict[str, Any]:
    head = file.raw.get("scenario", {})
    return head if isinstance(head, dict) else {}


def _merge_scenario(merged: Merged, file: LoadedFile) -> None:
    if not isinstance(file.raw.get("scenario", {}), dict):
        merged.problems.append(
            Problem(file.shown, "[scenario]", "must be a table", "write [scenario]")
        )
    for key, value in _head(file).items():
        if key in FILE_ONLY:
            continue
        merged.scenario[key] = value
        merged.scenario_origins[key] = file.shown


def _merge_keyed(section: str) -> Callable[[Merged, LoadedFile], None]:
    """The merger of a table of entries by key ([funders.KEY], [recipients.KEY])."""
    noun = {"indices": "index"}.get(section, section[:-1])

    def merge_section(merged: Merged, file: LoadedFile) -> None:
        target: dict[Any, Entry] = getattr(merged, section)
        table = file.raw.get(section, {})
        if not isinstance(table, dict):
            merged.problems.append(
                Problem(
                    file.shown,
                    f"[{section}]",
                    "must be a table of entries",
                    f"write [{section}.KEY] with its fields",
                )
            )
            return
        for key, value in table.items():
            if isinstance(value, str) and section == "funders":
                value = {"name": value}
            if (control := control_character(key)) is not None:
                merged.problems.append(
                    Problem(
                        file.shown,
                        where_entry(noun, key),
                        f"has a control character ({control}) in its key",
                        CONTROL_HINT,
                    )
                )
                continue
            if key != key.strip() or not key:
                merged.problems.append(
                    Problem(
                        file.shown,
                        where_entry(noun, key),
                        "has white space around its key" if key else "has an empty key",
                        f"nothing could refer to it; write [{section}.{key.strip() or 'KEY'}]",
                    )
                )
                continue
            if not isinstance(value, dict):
                merged.problems.append(
                    Problem(
                        file.shown,
                        where_entry(noun, key),
                        "must be a table of fields",
                        f'write [{section}.{key}] with name = "..."',
                    )
                )
                continue
            _patch(target, key, value, file.shown, _entry_where(noun, key))

    return merge_section


def _merge_limits(merged: Merged, file: LoadedFile) -> None:
    shown, problems = file.shown, merged.problems
    limits = file.raw.get("limits", [])
    if not isinstance(limits, list):
        problems.append(
            Problem(
                shown, "[[limits]]", "must be a list of tables", "write each ceiling as [[limits]]"
            )
        )
        return
    local_limits: set[tuple[str, str]] = set()
    for i, item in enumerate(limits, 1):
        if not isinstance(item, dict):
            problems.append(Problem(shown, f"limit {i}", "must be a table of fields"))
            continue
        lkey = (str(item.get("funder", "")), str(item.get("basis", Basis.CASH)))
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
        _patch(merged.limits, lkey, item, shown, _entry_where("limit", f"{lkey[0]}/{lkey[1]}"))


def _merge_indicators(merged: Merged, file: LoadedFile) -> None:
    """[[indicators]] merge by id, patched field by field like commitments."""
    shown, items = file.shown, file.raw.get("indicators", [])
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
        if (control := control_character(key)) is not None:
            merged.problems.append(
                Problem(
                    shown,
                    where_entry("indicator", key, "id"),
                    f"the id has a control character ({control})",
                    CONTROL_HINT,
                )
            )
            continue
        local.add(key)
        _patch(merged.indicators, key, item, shown, _entry_where("indicator", key))


def _merge_commitments(merged: Merged, file: LoadedFile) -> None:
    """[[commitments]], then the register's rows, then `remove`."""
    shown, problems = file.shown, merged.problems
    head = _head(file)
    commitments = file.raw.get("commitments", [])
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
    tables: list[dict[str, Any]] = commitments
    numbers: Sequence[int] = range(1, len(commitments) + 1)  # of each table, for messages
    exact = set(map(type, commitments)) == {dict}  # tables as TOML gives them
    if not exact:
        numbers = [i for i, item in enumerate(commitments, 1) if isinstance(item, dict)]
        tables = [commitments[i - 1] for i in numbers]
        for i, item in enumerate(commitments, 1):
            if not isinstance(item, dict):
                problems.append(Problem(shown, f"commitment {i}", "must be a table of fields"))
    table: RegisterTable | None = None
    register = head.get("register")
    if register is not None:
        if not isinstance(register, str) or not register.strip():
            problems.append(
                Problem(
                    shown,
                    "[scenario] field 'register'",
                    f"{excerpt(register)} is not a file name",
                    'write register = "commitments.csv"',
                )
            )
        elif file.register is not None:
            problems.extend(file.register.problems)
            merged.files.append(file.register.shown)  # an input too: never written over
            table = file.register.table
    local_ids: set[str] = set()
    _merge_tables(
        merged.commitments, tables, numbers, exact, shown, local_ids, problems, merged.fields
    )
    if table is not None:
        _merge_rows(merged, table, local_ids)
    _remove(merged, shown, head, local_ids)


def _merge_tables(
    target: dict[str, AnyEntry],
    tables: list[dict[str, Any]],
    numbers: Sequence[int],
    exact: bool,
    shown: str,
    local_ids: set[str],
    problems: list[Problem],
    fields: set[str],
) -> None:
    """A file's [[commitments]] tables, in order: new ids are added, known ones patched;
    the names of their fields added to `fields`.

    A table whose id is new (clean text, given for the first time, inherited from no file)
    only becomes an Entry: it is added without the checks and the patching that the others
    go through one by one (`_commitment_id`, `_patch_commitment`), which would find nothing
    to say and nothing to patch. A file of such tables only (the usual one: no `extends`, no
    duplicate) is added in one pass, as one `Tables` block with a `TableEntry` per table
    (made a column at a time). tests/load/test_inherit_tables.py compares both ways.

    numbers: each table's place among the file's [[commitments]] (for messages); exact:
    whether every table is a dict itself (not a subclass). The tables are kept as they are,
    not copied: no merge changes a table in place (`_patch`). Tables with the same fields
    share one origins table, which nothing changes either.
    """
    # (dict.get as a function: a third of the time of a method looked up per table)
    ids: list[Any] = list(map(dict.get, tables, itertools.repeat("id")))
    distinct = set(ids) if set(map(type, ids)) == {str} else set()
    if (
        len(distinct) == len(ids)
        and "" not in distinct
        and distinct.isdisjoint(target)
        and distinct.isdisjoint(local_ids)
        and exact
        and control_character("".join(ids)) is None
        and not edge_spaced(ids)  # no id with white space around
    ):
        local_ids |= distinct
        shapes, codes = shapes_of(tables)
        origins = {first: dict.fromkeys(names, shown) for names, first in shapes.items()}
        block = Tables(shown, tables, ids, shapes, codes, origins)
        target.update(zip(ids, TableEntry.many(block), strict=True))
        fields.update(itertools.chain.from_iterable(shapes))
        return
    origins_of = _Origins(shown).of
    for number, item, cid in zip(numbers, tables, ids, strict=True):
        fields.update(item)
        if (
            type(cid) is str
            and type(item) is dict
            and cid
            and cid not in local_ids
            and cid not in target
            and cid == cid.strip()
            and control_character(cid) is None
        ):
            local_ids.add(cid)
            new = functools.partial(where_commitment, cid)
            target[cid] = Entry(item, origins_of(tuple(item)), shown, new)
            continue
        where = _toml_where(cid, number)
        found = _commitment_id(cid, where, shown, local_ids, problems)
        if found is not None:
            _patch_commitment(target, found, item, shown, where)


# Tables' sets of fields: each set (its names in order) -> the first table that has it,
# and each table's set, as that first table.
Shapes = tuple[dict[tuple[str, ...], int], npt.NDArray[np.intp]]


def shapes_of(tables: list[dict[str, Any]]) -> Shapes:
    """The tables' sets of fields (see `Shapes`), found in C."""
    count = len(tables)
    first: dict[tuple[str, ...], int] = {}
    codes = np.fromiter(map(first.setdefault, map(tuple, tables), range(count)), np.intp, count)
    return first, codes


def edge_spaced(texts: list[str]) -> bool:
    """Whether any of the texts (each a str) has white space at either end: what
    str.strip removes. In C: strip gives back the text itself when there is nothing to
    remove, and the lists compare by identity first (a search of the texts joined took
    25 times as long: issue 21)."""
    return list(map(str.strip, texts)) != texts


class _Origins:
    """One origins table (every field from `shown`) per set of fields, in their order."""

    __slots__ = ("made", "shown")

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.made: dict[tuple[str, ...], dict[str, str]] = {}

    def of(self, names: tuple[str, ...]) -> dict[str, str]:
        found = self.made.get(names)
        if found is None:
            found = self.made[names] = dict.fromkeys(names, self.shown)
        return found


def _merge_rows(merged: Merged, table: RegisterTable, local_ids: set[str]) -> None:
    """A register's rows: new ids stay rows of the register; known ids patch field by field."""
    merged.tables.append(table)
    ids = table.columns.get("id") or [None] * len(table)
    target = merged.commitments
    # One search over all ids: a row by row check only when some id has a control character.
    texts = ("id" in table.texts and None not in ids) or set(map(type, ids)) == {str}
    clean = control_character("".join(ids if texts else filter(_is_text, ids))) is None
    if clean and texts:
        distinct = set(ids)
        if (
            len(distinct) == len(ids)
            and distinct.isdisjoint(local_ids)
            and distinct.isdisjoint(target)
        ):
            # The usual register: every id new and given once, so every row is a commitment.
            local_ids |= distinct
            target.update(zip(ids, RowEntry.many(table, len(ids)), strict=True))
            return
    for index, cid in enumerate(ids):
        if (
            isinstance(cid, str)
            and cid not in local_ids
            and cid not in target
            and (clean or control_character(cid) is None)
        ):
            local_ids.add(cid)
            target[cid] = RowEntry(table, index)
            continue
        where = table.where(index)
        found = _commitment_id(cid, where, table.shown, local_ids, merged.problems)
        if found is not None:
            _patch_commitment(target, found, table.row_raw(index), table.shown, where)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _commitment_id(
    cid: object, where: Where, shown: str, local_ids: set[str], problems: list[Problem]
) -> str | None:
    """The commitment's id, once per file; None after recording a problem."""
    if not isinstance(cid, str) or not cid.strip():
        problems.append(
            Problem(
                shown,
                where(None),
                "has no id" if cid is None else f"id {excerpt(cid)} is not text",
                'give every commitment an id = "..."',
            )
        )
        return None
    if (control := control_character(cid)) is not None:
        problems.append(
            Problem(
                shown,
                where("id"),
                f"the id {excerpt(cid)} has a control character ({control})",
                CONTROL_HINT,
            )
        )
        return None
    if cid != cid.strip():
        problems.append(
            Problem(
                shown,
                where("id"),
                f"the id {excerpt(cid)} has white space around it",
                f'nothing could refer to it; write id = "{cid.strip()}"',
            )
        )
        return None
    if cid in local_ids:
        problems.append(
            Problem(
                shown,
                where("id"),
                f"the id {excerpt(cid)} is used twice",
                "every commitment needs its own id",
            )
        )
        return None
    local_ids.add(cid)
    return cid


def _remove(merged: Merged, shown: str, head: dict[str, Any], local_ids: set[str]) -> None:
    remove = head.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
        merged.problems.append(
            Problem(
                shown,
                "[scenario] field 'remove'",
                "must be a list of commitment ids",
                'write remove = ["mki"]',
            )
        )
        return
    for cid in remove:
        if cid not in merged.commitments or cid in local_ids:
            merged.problems.append(
                Problem(
                    shown,
                    "[scenario] field 'remove'",
                    f"no inherited commitment has the id {excerpt(cid)}",
                    "inherited ids: "
                    + (listing(k for k in merged.commitments if k not in local_ids) or "none"),
                )
            )
            continue
        del merged.commitments[cid]


# Each section of a file is merged by one function, in this order (problems come out in
# the same order). A new section is one entry here and one reader in parse.py.
MERGERS: tuple[tuple[str, Callable[[Merged, LoadedFile], None]], ...] = (
    ("scenario", _merge_scenario),
    ("funders", _merge_keyed("funders")),
    ("recipients", _merge_keyed("recipients")),
    ("limits", _merge_limits),
    ("indicators", _merge_indicators),
    ("commitments", _merge_commitments),
    ("indices", _merge_keyed("indices")),
)
SECTIONS: tuple[str, ...] = (
    "scenario",
    "funders",
    "recipients",
    "commitments",
    "limits",
    "indicators",
)
SECTIONS += ("indices",)  # [indices.NAME]: index series (budget.load.indices)
SECTIONS += ("mutations", "cash_shifts")  # read per file by budget.load.budget_round


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
    target: dict[Any, Entry] | dict[str, AnyEntry],
    key: Any,
    raw: dict[str, Any],
    shown: str,
    where: Callable[[str | None], str],
) -> None:
    """Add a new entry, or patch an existing one field by field (keeping its place)."""
    if key in target:
        entry = target[key]
        if isinstance(entry, RowEntry | TableEntry):
            entry = target[key] = entry.entry()
        # New tables, not the old ones changed: an entry's table may be a file's own
        # (`_merge_tables`), which other merges of the same files read (budget rounds).
        entry.raw = {**entry.raw, **raw}
        entry.origins = {**entry.origins, **dict.fromkeys(raw, shown)}
        # A patched field is named the way its own file names it (a register's row and
        # column); the others keep their names.
        entry.where = _patched_where(entry.where, where, frozenset(raw))
        return
    target[key] = Entry(dict(raw), {name: shown for name in raw}, shown, where)


# The fields that belong to a pending status (issue 23): a patch that decides an inherited
# pending commitment drops those it does not give itself, as no patch can unset a field.
PENDING_ONLY = ("p", "decision")


def _patch_commitment(
    target: dict[str, AnyEntry],
    cid: str,
    raw: dict[str, Any],
    shown: str,
    where: Callable[[str | None], str],
) -> None:
    """_patch for a commitment: `status = "decided"` also drops the inherited p and
    decision that only a pending commitment may have."""
    status = raw.get("status")
    if cid in target and isinstance(status, str) and status.strip() == "decided":
        entry = target[cid]
        if isinstance(entry, RowEntry | TableEntry):
            entry = target[cid] = entry.entry()
        dropped = {name for name in PENDING_ONLY if name not in raw and name in entry.raw}
        if dropped:  # new tables, as in _patch
            entry.raw = {k: v for k, v in entry.raw.items() if k not in dropped}
            entry.origins = {k: v for k, v in entry.origins.items() if k not in dropped}
    _patch(target, cid, raw, shown, where)


def _patched_where(
    before: Callable[[str | None], str],
    patch: Callable[[str | None], str],
    fields: frozenset[str],
) -> Callable[[str | None], str]:
    def where(name: str | None) -> str:
        return patch(name) if name in fields else before(name)

    return where
