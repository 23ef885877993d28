"""Reading commitments: each merged entry through its kind, into a Commitment.

A register's rows are read through its columns, checked once per register
(`columns.py`); TOML tables field by field. Both go through the same code below, so a
problem is worded the same wherever a commitment was written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import repeat
from operator import attrgetter, is_
from typing import Any

import numpy as np

from budget.core.errors import Problem, excerpt, listing
from budget.core.fields import FieldReader
from budget.core.model import UNPAID, Commitment, CommitmentRows, Commitments, Funder, Recipient
from budget.core.money import MoneyError, parse_share, share_weights
from budget.core.periods import FiscalCalendar
from budget.core.records import by_columns
from budget.kinds import COMMON_FIELDS, EXPORT_FIELDS, KINDS, Kind
from budget.kinds.base import object_codes
from budget.kinds.spec_columns import SpecList
from budget.load.columns import ColumnReader, read_columns
from budget.load.common import assumptions, reader_of, unknown_fields
from budget.load.conditions import check_condition_cell
from budget.load.entry_columns import entry_table
from budget.load.inherit import AnyEntry, Entry, RowEntry, TableEntry, Tables
from budget.load.kind_columns import column_specs
from budget.load.pending import PENDING_FIELDS, read_pending
from budget.load.register import RegisterTable, filled_cells


def read_commitments(
    entries: dict[str, AnyEntry],
    funders: dict[str, Funder],
    recipients: dict[str, Recipient],
    calendar: FiscalCalendar,
    problems: list[Problem],
    only: Callable[[str, object], bool] | None = None,
) -> list[Commitment] | Commitments:
    """The commitments that have no problem, in order; problems added to `problems`.
    `only`: read only the entries it accepts, given the id and the recipient as written
    (the others are neither checked nor built; each keeps its place in `order`)."""
    read = _Readers(problems)
    commitments: list[Commitment] = []
    table: RegisterTable | None = None
    # Register rows whose spec the columns gave (kind_columns.py): made in one pass per
    # register once all are known, each at its place in `commitments` (None until then).
    whole: dict[int, _Whole] = {}
    # TOML tables read as columns too (entry_columns.py): order -> row of their table.
    plain, tables = (
        _entry_rows(entries, read, funders, recipients) if only is None else (_NO_PLACES, None)
    )
    if only is None:
        alone = _one_table(entries, read, funders, recipients, plain, tables)
        if alone is not None:
            return alone
    for order, (cid, entry) in enumerate(entries.items()):
        if only is not None:
            if not only(cid, _recipient_of(entry)):
                continue
            if type(entry) is RowEntry:
                # A few rows of a register: read field by field (the same values and
                # problems, tests/load/test_register_columns.py), not its columns whole.
                entry = Entry(entry.raw, entry.origins, entry.file, entry.where)
        if type(entry) is RowEntry:
            if entry.table is not table:
                table = entry.table
                rows = read.rows(table, funders, recipients)
                given = rows.specs.given
                add = whole.setdefault(id(rows), _Whole(rows)).found.append
            if given[entry.index]:
                add((len(commitments), entry.index, order, cid))
                commitments.append(None)  # type: ignore[arg-type]  # made below
                continue
            if rows.kinds[entry.index] is not None:
                commitment = _row_commitment(cid, order, entry.index, rows, calendar, problems)
                if commitment is not None:
                    commitments.append(commitment)
                continue
        elif plain and tables is not None:
            row = plain.get(order)
            if row is not None:
                tables.found.append((len(commitments), row, order, cid))
                tables.entries.append(entry)  # type: ignore[arg-type]  # a TOML table's entry
                commitments.append(None)  # type: ignore[arg-type]  # made below
                continue
        commitment = _commitment(cid, order, entry, read, funders, recipients, calendar)
        if commitment is not None:
            commitments.append(commitment)
    for made in whole.values():
        made.into(commitments)
    if tables is not None:
        tables.into(commitments)
    return commitments


def _one_table(
    entries: dict[str, AnyEntry],
    read: _Readers,
    funders: dict[str, Funder],
    recipients: dict[str, Recipient],
    plain: _Places,
    tables: _Entries | None,
) -> Commitments | None:
    """The commitments, when every entry is a row of one table whose columns gave its
    spec (a register alone, or a TOML file of plain tables): what the loop of
    read_commitments would make, without a pass per entry. None otherwise."""
    count = len(entries)
    if not count:
        return None
    ids = list(entries)
    values = list(entries.values())
    if tables is not None and len(plain) == count:  # every entry a plain TOML table
        order = list(range(count))
        tables.columns = (order, plain.rows(order), order, ids)
        tables.entries = values  # type: ignore[assignment]  # every one a TOML table's
        return tables.commitments()
    first = values[0]
    if type(first) is not RowEntry or plain:
        return None
    table = first.table
    if set(map(type, values)) != {RowEntry} or not all(
        map(is_, map(attrgetter("table"), values), repeat(table))
    ):
        return None
    rows = read.rows(table, funders, recipients)
    ends = (values[0].index, values[-1].index)  # type: ignore[union-attr]  # RowEntry
    if count == len(table) and ends == (0, count - 1):
        # Every row of the table, each once (ids are distinct), in the order added: the
        # rows in order, as a register alone gives them.
        indices: list[int] = list(range(count))
        if not rows.specs.given.all():
            return None
    else:
        indices = list(map(attrgetter("index"), values))
        if not rows.specs.given[indices].all():
            return None  # a row read by its kind's parser: the loop reads it
    whole = _Whole(rows)
    order = list(range(count))
    whole.columns = (order, indices, order, ids)
    return whole.commitments()


ENTRY_COLUMNS = 64  # TOML tables read as columns from this many on (fewer: one by one)


def _entry_rows(
    entries: dict[str, AnyEntry],
    read: _Readers,
    funders: dict[str, Funder],
    recipients: dict[str, Recipient],
) -> tuple[_Places, _Entries | None]:
    """The TOML tables whose commitments their columns give (see entry_columns.py): the
    order of each -> its row, and the maker of their Commitments."""
    values = list(entries.values())
    types = set(map(type, values))  # (in C)
    if types.isdisjoint(_TOML) or len(values) < ENTRY_COLUMNS:
        return _NO_PLACES, None
    if types <= _TOML:  # TOML tables only: each its own order
        orders: list[int] | range = range(len(values))
        plain: list[Entry | TableEntry] = values  # type: ignore[assignment]  # all TOML's
    else:
        orders = [order for order, e in enumerate(values) if type(e) in _TOML]
        plain = list(map(values.__getitem__, orders))  # type: ignore[arg-type]  # TOML's
    if len(plain) < ENTRY_COLUMNS:
        return _NO_PLACES, None
    block = whole_tables(plain)
    if block is not None:  # laid out with the sets of fields the merge found
        table, places = entry_table(block.raws, block.shown, (block.shapes, block.codes))
    else:
        table, places = entry_table(list(map(attrgetter("raw"), plain)), plain[-1].file)
    rows = read.rows(table, funders, recipients)
    given = rows.specs.given
    if len(places) == len(values) and given.all():  # every one: places are the orders
        return _Places(None, len(values)), _Entries(rows, read, block)
    found = {orders[place]: row for row, place in enumerate(places) if given[row]}
    return _Places(found, 0), _Entries(rows, read, block)


_TOML = frozenset({Entry, TableEntry})  # the entries of TOML tables


def whole_tables(entries: Sequence[object]) -> Tables | None:
    """The file's tables when the entries are every one of them, in order (a file of
    tables that no other file patched or removed from), else None."""
    first = entries[0] if entries else None
    if type(first) is not TableEntry:
        return None
    block = first.tables
    if len(entries) != len(block.raws) or set(map(type, entries)) != {TableEntry}:
        return None
    if not all(map(is_, map(attrgetter("tables"), entries), repeat(block))):
        return None
    return block  # each table's entry once (the ids are distinct), in the order added


class _Places:
    """Order -> row of the TOML tables read as columns: from `by_order`, or (None) every
    entry a row of the table, each its own order (no dict of a hundred thousand)."""

    __slots__ = ("by_order", "count")

    def __init__(self, by_order: dict[int, int] | None, count: int) -> None:
        self.by_order = by_order
        self.count = len(by_order) if by_order is not None else count

    def get(self, order: int) -> int | None:
        if self.by_order is not None:
            return self.by_order.get(order)
        return order if 0 <= order < self.count else None

    def rows(self, orders: list[int]) -> list[int]:
        """The rows of the orders given (each one's place must be known)."""
        if self.by_order is None:
            return orders
        return list(map(self.by_order.__getitem__, orders))

    def __len__(self) -> int:
        return self.count


_NO_PLACES = _Places({}, 0)


class _Whole:
    """The register rows whose specs its columns gave (`_Rows.specs`): where each goes in
    the commitments, its row, its order and its id; their Commitments made in one pass."""

    __slots__ = ("columns", "found", "rows")

    def __init__(self, rows: _Rows) -> None:
        self.rows = rows
        # (place in the commitments, row, order, id) of each row
        self.found: list[tuple[int, int, int, str]] = []
        # or the same as four columns, when they are known whole (`_one_table`)
        self.columns: tuple[list[int], list[int], list[int], list[str]] | None = None

    def files(self, indices: list[int]) -> tuple[Any, Any, Any]:
        """The origin, field origins and raw table of each row, as columns."""
        rows = self.rows
        table = rows.reader.columns.table
        if any(name in table.columns for name in _RAW_FIELDS):
            raws: Any = [_export_raw(table, i) for i in indices]
        else:
            raws = repeat(_NO_RAW)
        return repeat(rows.origin), repeat(rows.origins), raws

    def _fields(self) -> tuple[list[int], list[int], list[Any]]:
        """The places and rows of the rows found, and a column per field of Commitment up
        to `source`, in their order (see _row_commitment)."""
        rows = self.rows
        if self.columns is not None:
            places, indices, orders, ids = self.columns
        else:
            places, indices, orders, ids = (list(c) for c in zip(*self.found, strict=True))
        every = len(indices) == len(rows.kinds) and indices == list(range(len(indices)))

        def pick(values: Sequence[Any]) -> Any:
            if every:  # every row, in order (a register alone): the column itself
                return values
            return list(map(values.__getitem__, indices))

        return (
            places,
            indices,
            [
                ids,  # id
                list(map(attrgetter("name"), pick(rows.kinds))),  # kind
                pick(rows.recipients),  # recipient
                pick(rows.shares),  # funders
                pick(rows.specs),  # spec
                _or(pick(rows.priorities), 0),  # priority
                orders,  # order
                _or(pick(rows.names), ""),  # name
                _or(pick(rows.sources), ""),  # source
            ],
        )

    def into(self, commitments: list[Commitment]) -> None:
        """The rows' Commitments, each put at its place in `commitments`."""
        if not self.found:
            return
        places, indices, fields = self._fields()
        count = len(places)
        made = _made(count, fields, self.files(indices))
        first = places[0]
        if places[-1] - first == count - 1:  # one run of places (a register alone)
            commitments[first : first + count] = made
            return
        for at, commitment in zip(places, made, strict=True):
            commitments[at] = commitment

    def commitments(self) -> Commitments:
        """All the commitments, when they are the rows found (in order): their fields kept
        as columns, the Commitment objects made when one is first read (issue 21)."""
        _, indices, fields = self._fields()
        count = len(indices)
        ids, kinds, recipients, funders, specs, priorities, _, _, sources = fields
        rows = CommitmentRows(
            ids,
            kinds,
            recipients,
            funders,
            specs,
            priorities,
            sources,
            [()] * count,  # assumptions: none (a row with any is read field by field)
            [None] * count,  # pending: none (likewise)
            [""] * count,  # unpaid: the kind's default (likewise)
        )
        # The files and raw tables now, so that the sequence keeps only its columns, not
        # the register's cells or the merged entries (issue 21: memory per commitment).
        files = self.files(indices)
        return Commitments(rows, lambda: _made(count, fields, files))


def _or(values: list[Any], default: Any) -> list[Any]:
    """The values, `default` for each None: in C when none is None or all are (a column
    the register does not have)."""
    empty = values.count(None)
    if empty == len(values):
        return [default] * len(values)
    if not empty:
        return values
    return [default if v is None else v for v in values]


def _made(count: int, fields: list[Any], files: tuple[Any, Any, Any]) -> list[Commitment]:
    """`count` Commitments: a column per field up to `source` (`_Whole._fields`), then the
    origin, field origins and raw table of each (`_Whole.files`)."""
    origin, field_origins, raws = files
    return by_columns(
        Commitment,
        count,
        (
            *fields,
            repeat(()),  # assumptions
            origin,  # origin
            field_origins,  # field_origins
            raws,  # raw
            repeat(""),  # unpaid
            repeat(None),  # pending
        ),
    )


class _Entries(_Whole):
    """TOML tables whose commitments their columns give: each keeps its own entry's files
    and raw table, as one read field by field does (`_Readers.origins`)."""

    __slots__ = ("block", "entries", "read")

    def __init__(self, rows: _Rows, read: _Readers, block: Tables | None = None) -> None:
        super().__init__(rows)
        self.read = read
        # The file's tables when the entries read as columns were every one of them.
        self.block = block
        self.entries: list[Entry | TableEntry] = []  # the entry of each of `found`

    def files(self, indices: list[int]) -> tuple[Any, Any, Any]:
        # One field origins table per distinct set of files (as _Readers.origins), and the
        # merged raw table itself: the merge made it for this entry alone, and nothing
        # changes it after (the row-by-row path keeps a copy, equal to it).
        # The merge shares an origins table among entries alike: each distinct object is
        # looked up once.
        seen = self.read.origins_seen
        block = self.block
        # A file's tables whole: worked out per set of fields, not per entry.
        if block is not None and len(self.entries) == len(block.raws):
            by_first = {first: _seen(seen, table) for first, table in block.origins.items()}
            return (
                repeat(block.shown),
                list(map(by_first.__getitem__, block.codes.tolist())),
                block.raws,
            )
        origins = list(map(attrgetter("origins"), self.entries))
        distinct = dict(zip(map(id, origins), origins, strict=True))
        for key, table in distinct.items():
            distinct[key] = _seen(seen, table)
        return (
            list(map(attrgetter("file"), self.entries)),
            list(map(distinct.__getitem__, map(id, origins))),
            list(map(attrgetter("raw"), self.entries)),
        )


def _seen(
    seen: dict[tuple[tuple[str, str], ...], dict[str, str]], origins: dict[str, str]
) -> dict[str, str]:
    """One field origins table per distinct set of files: the one seen before, or a copy."""
    items = tuple(origins.items())
    found = seen.get(items)
    if found is None:
        found = seen[items] = dict(origins)
    return found


def _recipient_of(entry: AnyEntry) -> object:
    """The recipient an entry names, as written (None when it names none)."""
    if type(entry) is RowEntry:
        cells = entry.table.columns.get("recipient")
        return None if cells is None else cells[entry.index]
    return entry.raw.get("recipient")


@dataclass(frozen=True, slots=True)
class _Rows:
    """A register's fields common to every kind, read column by column.

    For each row: its kind, or None when any common field of the row needs reading field
    by field (a bad kind, recipient, funders, priority, name or source, an assumptions
    cell, or a column its kind does not have); then the recipient, shares, priority, name
    and source to use when the kind is given.
    """

    reader: ColumnReader
    origin: str
    origins: dict[str, str]
    kinds: list[Kind | None]
    recipients: list[str | None]
    shares: list[tuple[tuple[str, Fraction], ...] | None]
    priorities: list[int | None]
    names: list[str | None]
    sources: list[str | None]
    # The spec of each row whose kind's fields the columns gave (kind_columns.py, kept as
    # columns), else None: the kind's parser reads the row (`_row_commitment`).
    specs: SpecList


def _rows(
    reader: ColumnReader, funders: dict[str, Funder], recipients: dict[str, Recipient]
) -> _Rows:
    columns = reader.columns
    table = columns.table
    count = len(table)
    empty: list[Any] = [None] * count
    texts = columns.texts
    kinds: list[Kind | None] = list(map(KINDS.get, texts.get("kind", empty)))
    to = texts.get("recipient", empty)
    if not set(to) - {None} <= recipients.keys():
        to = [r if r in recipients else None for r in to]
    shares = _splits(table.columns.get("funders", empty), funders)
    priorities = columns.numbers.get("priority", empty)
    cells = table.columns
    clean = _given(kinds) & _given(to) & _given(shares) & ~columns.unknown
    for name, read in (
        ("priority", priorities),
        ("name", texts.get("name")),
        ("source", texts.get("source")),
    ):
        given = cells.get(name)
        if given is None or read is None or given is read:
            continue  # the column itself: every cell given was read
        for i, (cell, value) in enumerate(zip(given, read, strict=True)):
            if cell is not None and (
                value is None or (name == "priority" and not PRIORITY[0] <= value <= PRIORITY[1])
            ):
                clean[i] = False
    if "assumptions" in cells:
        clean &= ~filled_cells(cells["assumptions"])
    if "unpaid" in cells:  # read row by row, where its two values are checked
        clean &= ~filled_cells(cells["unpaid"])
    for name in (*PENDING_FIELDS, "condition"):  # undecided money (issue 23): row by row
        if name in cells:
            clean &= ~filled_cells(cells[name])
    origins = {name: table.shown for name in table.columns}
    if not clean.all():
        kinds = [k if ok else None for k, ok in zip(kinds, clean.tolist(), strict=True)]
    return _Rows(
        reader,
        table.shown,
        origins,
        kinds,
        to,
        shares,
        priorities,
        texts.get("name", empty),
        texts.get("source", empty),
        column_specs(columns, kinds),
    )


def _given(values: list[Any]) -> Any:
    """bool array: which values are not None."""
    return filled_cells(values)


def _splits(cells: list[Any], funders: dict[str, Funder]) -> list[Any]:
    """Each row's funders split, or None when its cell needs reading field by field: each
    distinct cell object read once (equal cells of a register are one object)."""
    if not cells:
        return []
    codes, firsts = object_codes(cells)  # the distinct objects
    found = np.empty(len(firsts), dtype=object)
    for code, row in enumerate(firsts.tolist()):
        scratch: list[Problem] = []
        split = _funders(FieldReader({"funders": cells[row]}, str, str, scratch), funders)
        found[code] = None if scratch else split
    splits: list[Any] = found[codes].tolist()
    return splits


PRIORITY = (-(10**6), 10**6)


def _row_commitment(
    cid: str,
    order: int,
    index: int,
    rows: _Rows,
    calendar: FiscalCalendar,
    problems: list[Problem],
) -> Commitment | None:
    """A register row whose common fields were all read column by column: only the kind's
    own fields are left to read (the same code and the same problems as _commitment)."""
    kind = rows.kinds[index]
    assert kind is not None
    reader = rows.reader.at(index)
    before = len(problems)
    check_condition_cell(reader)
    spec = kind.parse(reader)
    if spec is None:
        return None
    if hasattr(kind, "check"):
        for name, message, hint in kind.check(spec, calendar):
            reader.error(name, message, hint)
    if len(problems) > before:
        return None
    # Positional, in the order of Commitment's fields (a third faster than by keyword
    # for a register's hundred thousand rows); test_register_columns compares the
    # fields with those the row-by-row path builds.
    return Commitment(
        cid,  # id
        kind.name,  # kind
        rows.recipients[index],  # type: ignore[arg-type]  # recipient
        rows.shares[index],  # type: ignore[arg-type]  # funders
        spec,
        rows.priorities[index] or 0,  # priority
        order,
        rows.names[index] or "",  # name
        rows.sources[index] or "",  # source
        (),  # assumptions
        rows.origin,  # origin
        rows.origins,  # field_origins
        _export_raw(rows.reader.columns.table, index),  # raw
    )


_NO_RAW: dict[str, Any] = {}
_RAW_FIELDS = (*EXPORT_FIELDS, "condition")


def _export_raw(table: RegisterTable, index: int) -> dict[str, Any]:
    """A register row's cells of the fields only exports read (EXPORT_FIELDS) and of its
    condition (read after the commitments, budget.load.conditions), as its raw table; the
    shared empty table when it has none."""
    found = {
        name: table.columns[name][index]
        for name in _RAW_FIELDS
        if name in table.columns and table.columns[name][index] is not None
    }
    return found or _NO_RAW


class _Readers:
    """Readers for commitments: a register's rows are read through its columns, which are
    checked once per register (see columns.py); TOML tables field by field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.columns: dict[int, tuple[ColumnReader, dict[str, str]]] = {}
        self.splits: dict[Any, tuple[tuple[str, Fraction], ...]] = {}
        self.tables: dict[int, _Rows] = {}
        self.origins_seen: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}

    def rows(
        self, table: RegisterTable, funders: dict[str, Funder], recipients: dict[str, Recipient]
    ) -> _Rows:
        """The register's common fields, read once per register."""
        found = self.tables.get(id(table))
        if found is None:
            reader, _ = self._columns(table)
            found = self.tables[id(table)] = _rows(reader, funders, recipients)
        return found

    def _columns(self, table: RegisterTable) -> tuple[ColumnReader, dict[str, str]]:
        found = self.columns.get(id(table))
        if found is None:
            origins = {name: table.shown for name in table.columns}
            reader = ColumnReader(read_columns(table), 0, self.problems)
            found = self.columns[id(table)] = (reader, origins)
        return found

    def reader(self, entry: AnyEntry) -> tuple[FieldReader, bool]:
        """A reader for the entry, and whether its fields need checking against its kind."""
        if type(entry) is not RowEntry:
            assert isinstance(entry, Entry | TableEntry)
            return reader_of(entry, self.problems), True
        reader = self._columns(entry.table)[0].at(entry.index)
        return reader, bool(reader.columns.unknown[entry.index])

    def origins(self, entry: AnyEntry) -> tuple[dict[str, str], dict[str, Any]]:
        """The file of each field and the raw table a commitment keeps."""
        if isinstance(entry, RowEntry):
            # Shared by every row of the register: a million rows keep no table each.
            return self.columns[id(entry.table)][1], _export_raw(entry.table, entry.index)
        # One table for the commitments whose fields come from the same files (a large
        # scenario's commitments share a few): 100,000 commitments keep a few, not 100,000.
        return _seen(self.origins_seen, entry.origins), dict(entry.raw)


def _commitment(
    cid: str,
    order: int,
    entry: AnyEntry,
    read: _Readers,
    funders: dict[str, Funder],
    recipients: dict[str, Recipient],
    calendar: FiscalCalendar,
) -> Commitment | None:
    problems = read.problems
    reader, check_fields = read.reader(entry)
    before = len(problems)
    kind_name = reader.raw.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        if kind_name is None:
            reader.error("kind", "is missing", "use one of " + ", ".join(KINDS))
        else:
            reader.error(
                "kind",
                f"{excerpt(kind_name)} is not a kind of commitment",
                "use one of " + ", ".join(KINDS),
            )
        return None
    allowed = _ALLOWED.get(kind.name) or _ALLOWED.setdefault(
        kind.name, {**COMMON_FIELDS, **kind.fields}
    )
    if check_fields:
        unknown_fields(reader, allowed, f"a {kind.name} commitment")
    recipient = reader.text("recipient", required=True)
    if recipient is not None and recipient not in recipients:
        reader.error(
            "recipient",
            f"{excerpt(recipient)} is not a recipient",
            "recipients are " + (listing(recipients) or "none: add [recipients.KEY]"),
        )
    shares = _shares(reader, funders, read)
    priority = reader.integer("priority", lo=PRIORITY[0], hi=PRIORITY[1])
    unpaid = reader.choice("unpaid", UNPAID, "")
    pending = read_pending(reader)  # status, p, decision (issue 23)
    check_condition_cell(reader)  # a condition written as text (issue 23)
    spec = kind.parse(reader)
    if spec is not None and hasattr(kind, "check"):
        for name, message, hint in kind.check(spec, calendar):
            reader.error(name, message, hint)
    assumed = assumptions(reader, allowed)
    if len(problems) > before or spec is None or recipient is None or shares is None:
        return None
    field_origins, raw = read.origins(entry)
    return Commitment(
        id=cid,
        kind=kind.name,
        recipient=recipient,
        funders=shares,
        spec=spec,
        priority=priority or 0,
        order=order,
        name=reader.text("name") or "",
        source=reader.text("source") or "",
        assumptions=assumed,
        origin=entry.file,
        field_origins=field_origins,
        raw=raw,
        unpaid=unpaid or "",
        pending=pending,
    )


_ALLOWED: dict[str, dict[str, str]] = {}


def _shares(
    reader: FieldReader, funders: dict[str, Funder], read: _Readers
) -> tuple[tuple[str, Fraction], ...] | None:
    """The funders' shares; each written split is checked once (registers and large
    scenarios repeat a few splits many times)."""
    cell = reader.raw.get("funders")
    if isinstance(cell, str):
        key: Any = cell
    elif isinstance(cell, dict) and all(isinstance(v, str) for v in cell.values()):
        key = tuple(cell.items())
    else:
        return _funders(reader, funders)
    found = read.splits.get(key)
    if found is None:
        before = len(reader.problems)
        shares = _funders(reader, funders)
        if shares is not None and len(reader.problems) == before:
            read.splits[key] = shares
        return shares
    return found


def _funders(
    reader: FieldReader, funders: dict[str, Funder]
) -> tuple[tuple[str, Fraction], ...] | None:
    if not reader.has("funders"):
        reader.error("funders", "is missing", 'e.g. funders = { VenJ = "1/2", VWS = "1/2" }')
        return None
    raw = reader.raw["funders"]
    if isinstance(raw, str):
        raw = {raw: "1"}
    if not isinstance(raw, dict) or not raw:
        reader.error(
            "funders",
            "must be a table of funder keys and shares",
            'e.g. funders = { VenJ = "1/2", VWS = "1/2" }',
        )
        return None
    shares: list[tuple[str, Fraction]] = []
    for key, value in raw.items():
        if key not in funders:
            hint = "funders are " + (listing(funders) or "none: add [funders.KEY]")
            if key != key.strip() and key.strip() in funders:
                hint = f"remove the white space around {excerpt(key.strip())}"
            reader.error("funders", f"{excerpt(key)} is not a funder", hint)
            continue
        share = _share(reader, key, value)
        if share is not None:
            shares.append((key, share))
    if len(shares) != len(raw):
        return None
    total = sum(s for _, s in shares)
    if total != 1:
        reader.error(
            "funders",
            f"the shares add up to {total}, not 1",
            "shares are exact fractions such as 1/2 and 1/3 that add up to 1",
        )
        return None

    try:
        share_weights([s for _, s in shares])
    except MoneyError as exc:
        reader.error("funders", exc.message, exc.hint)
        return None
    return _interned(tuple(raw.items()), tuple(shares))


_SPLITS: dict[tuple[tuple[str, Any], ...], tuple[tuple[str, Fraction], ...]] = {}


def _interned(
    text: tuple[tuple[str, Any], ...], split: tuple[tuple[str, Fraction], ...]
) -> tuple[tuple[str, Fraction], ...]:
    """The same object for the same written split, so that the engine can group
    commitments by identity instead of hashing fractions."""
    if not all(isinstance(v, str | int) for _, v in text):
        return split
    if len(_SPLITS) > 10_000:
        _SPLITS.clear()
    return _SPLITS.setdefault(text, split)


def _share(reader: FieldReader, key: str, value: Any) -> Fraction | None:
    try:
        return parse_share(value)
    except MoneyError as exc:
        reader.error("funders", f"share of {excerpt(key)}: {exc.message}", exc.hint)
        return None
