"""From merged raw tables to a validated Scenario, collecting every problem."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from budget.errors import Problem, where_entry
from budget.fields import FieldReader
from budget.kinds import COMMON_FIELDS, KINDS
from budget.model import BASES, Commitment, Funder, Limit, Recipient, Scenario
from budget.periods import FiscalCalendar
from budget.scenario.columns import ColumnReader, read_columns
from budget.scenario.inherit import Entry, Merged, RowEntry

SCENARIO_FIELDS = {
    "name": "the scenario's name, shown in every output",
    "description": "what the scenario asks",
    "source": "where its figures come from",
    "fiscal_year_start": 'the first day of every fiscal year, "MM-DD" (default "01-01")',
    "first_year": "the first fiscal year that overviews show",
    "last_year": "the last fiscal year that overviews show",
    "extends": "a scenario file this one builds on",
    "remove": "ids of inherited commitments to drop",
    "register": "a CSV or XLSX file of further commitments",
}
FUNDER_FIELDS = {"name": "the full name", "source": "where the funder's role is stated"}
RECIPIENT_FIELDS = {
    "name": "the full name",
    "costs": "yearly costs (an amount or a table by year)",
    "income": "yearly income from elsewhere (an amount or a table by year)",
    "source": "where the figures come from",
    "assumptions": "the fields whose values are assumptions, not facts",
}
LIMIT_FIELDS = {
    "funder": "the funder the ceiling applies to",
    "basis": '"cash" or "commitment"',
    "max": "the ceiling per year (an amount or a table by year)",
    "first_year": "the first fiscal year it covers (default: the horizon's)",
    "last_year": "the last fiscal year it covers (default: the horizon's)",
    "source": "where the ceiling is set",
}


def build_scenario(merged: Merged, path: str) -> tuple[Scenario | None, list[Problem]]:
    """Validate the merged tables; a Scenario only when there are no problems."""
    problems = list(merged.problems)
    main = merged.files[-1] if merged.files else path
    head = FieldReader(
        merged.scenario,
        lambda f: merged.scenario_origins.get(f, main),
        lambda f: f"[scenario] field {f!r}",
        problems,
    )
    _unknown(head, SCENARIO_FIELDS, "[scenario]")
    name = head.text("name") or _stem(main)
    calendar = FiscalCalendar()
    if head.has("fiscal_year_start"):
        try:
            calendar = FiscalCalendar.parse(merged.scenario["fiscal_year_start"])
        except ValueError as exc:
            head.error("fiscal_year_start", str(exc), 'e.g. "04-01" (UK) or "10-01" (US)')
    first_year = head.year("first_year")
    last_year = head.year("last_year")

    funders: dict[str, Funder] = {}
    for key, funder_entry in merged.funders.items():
        reader = _reader(funder_entry, problems)
        _unknown(reader, FUNDER_FIELDS, where_entry("funder", key))
        funders[key] = Funder(key, reader.text("name") or key, reader.text("source") or "")
    recipients: dict[str, Recipient] = {}
    for key, entry in merged.recipients.items():
        reader = _reader(entry, problems)
        _unknown(reader, RECIPIENT_FIELDS, where_entry("recipient", key))
        recipients[key] = Recipient(
            key,
            reader.text("name") or key,
            reader.by_year("costs", uncertain=True),
            reader.by_year("income", uncertain=True),
            reader.text("source") or "",
            _assumptions(reader, RECIPIENT_FIELDS),
            entry.file,
        )

    commitments: list[Commitment] = []
    read = _Readers(problems)
    for order, (cid, item) in enumerate(merged.commitments.items()):
        commitment = _commitment(cid, order, item, read, funders, recipients, calendar)
        if commitment is not None:
            commitments.append(commitment)
    if not merged.commitments and not problems:
        problems.append(
            Problem(main, "", "has no commitments", "add [[commitments]] entries, or a register")
        )

    spans = [
        kind.spans(specs, calendar)
        for name, kind in KINDS.items()
        if (specs := [c.spec for c in commitments if c.kind == name])
    ]
    if first_year is None and not head.has("first_year"):
        first_year = min((int(s[:, 0].min()) for s in spans), default=None)
    if last_year is None and not head.has("last_year"):
        last_year = max((int(s[:, 1].max()) for s in spans), default=None)
    if first_year is not None and last_year is not None and first_year > last_year:
        head.error("last_year", f"{last_year} is before first_year {first_year}")

    limits = [
        limit
        for key, entry in merged.limits.items()
        if (limit := _limit(key, entry, funders, first_year, last_year, problems)) is not None
    ]
    _check_waterfall(commitments, recipients, merged, problems)
    _check_magnitude(commitments, recipients, main, problems)

    if problems or first_year is None or last_year is None:
        return None, problems
    scenario = Scenario(
        name=name,
        path=path,
        calendar=calendar,
        first_year=first_year,
        last_year=last_year,
        funders=funders,
        recipients=recipients,
        commitments=tuple(commitments),
        limits=tuple(limits),
        description=head.text("description") or "",
        source=head.text("source") or "",
        files=tuple(merged.files),
    )
    return scenario, []


def _reader(entry: Entry, problems: list[Problem]) -> FieldReader:
    return FieldReader(entry.raw, entry.file_of, entry.where, problems)


_NO_RAW: dict[str, Any] = {}


class _Readers:
    """Readers for commitments: a register's rows are read through its columns, which are
    checked once per register (see columns.py); TOML tables field by field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.columns: dict[int, tuple[ColumnReader, dict[str, str]]] = {}
        self.splits: dict[Any, tuple[tuple[str, Fraction], ...]] = {}

    def reader(self, entry: Entry | RowEntry) -> tuple[FieldReader, bool]:
        """A reader for the entry, and whether its fields need checking against its kind."""
        if type(entry) is not RowEntry:
            assert isinstance(entry, Entry)
            return _reader(entry, self.problems), True
        found = self.columns.get(id(entry.table))
        if found is None:
            origins = {name: entry.table.shown for name in entry.table.columns}
            reader = ColumnReader(read_columns(entry.table), 0, self.problems)
            found = self.columns[id(entry.table)] = (reader, origins)
        reader = found[0].at(entry.index)
        return reader, reader.columns.unknown[entry.index]

    def origins(self, entry: Entry | RowEntry) -> tuple[dict[str, str], dict[str, Any]]:
        """The file of each field and the raw table a commitment keeps."""
        if isinstance(entry, RowEntry):
            # Shared by every row of the register: a million rows keep no table each.
            return self.columns[id(entry.table)][1], _NO_RAW
        return dict(entry.origins), dict(entry.raw)


def _stem(path: str) -> str:
    from pathlib import Path

    return Path(path).stem


def _unknown(reader: FieldReader, allowed: dict[str, str], what: str) -> None:
    for key in reader.raw:
        if key not in allowed:
            reader.error(key, "is not a field here", f"{what} takes " + ", ".join(allowed))


def _assumptions(reader: FieldReader, allowed: dict[str, str]) -> tuple[str, ...]:
    if not reader.has("assumptions"):
        return ()
    raw = reader.raw["assumptions"]
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(";") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        reader.error("assumptions", "must be a list of field names", 'e.g. ["amount"]')
        return ()
    for name in raw:
        if name not in allowed or name in ("assumptions", "id", "kind"):
            reader.error(
                "assumptions",
                f"{name!r} is not a field that can be assumed",
                "name fields such as "
                + ", ".join(k for k in allowed if k not in ("assumptions", "id", "kind")),
            )
    return tuple(raw)


def _commitment(
    cid: str,
    order: int,
    entry: Entry | RowEntry,
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
                f"{kind_name!r} is not a kind of commitment",
                "use one of " + ", ".join(KINDS),
            )
        return None
    allowed = _ALLOWED.get(kind.name) or _ALLOWED.setdefault(
        kind.name, {**COMMON_FIELDS, **kind.fields}
    )
    if check_fields:
        _unknown(reader, allowed, f"a {kind.name} commitment")
    recipient = reader.text("recipient", required=True)
    if recipient is not None and recipient not in recipients:
        reader.error(
            "recipient",
            f"{recipient!r} is not a recipient",
            "recipients are " + (", ".join(recipients) or "none: add [recipients.KEY]"),
        )
    shares = _shares(reader, funders, read)
    priority = reader.integer("priority", lo=-(10**6), hi=10**6)
    spec = kind.parse(reader)
    if spec is not None and hasattr(kind, "check"):
        for name, message, hint in kind.check(spec, calendar):
            reader.error(name, message, hint)
    assumptions = _assumptions(reader, allowed)
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
        assumptions=assumptions,
        origin=entry.file,
        field_origins=field_origins,
        raw=raw,
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
            reader.error(
                "funders",
                f"{key!r} is not a funder",
                "funders are " + (", ".join(funders) or "none: add [funders.KEY]"),
            )
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
    from budget.money import MoneyError, share_weights

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
    from budget.money import MoneyError, parse_share

    try:
        return parse_share(value)
    except MoneyError as exc:
        reader.error("funders", f"share of {key!r}: {exc.message}", exc.hint)
        return None


def _limit(
    key: tuple[str, str],
    entry: Entry,
    funders: dict[str, Funder],
    first: int | None,
    last: int | None,
    problems: list[Problem],
) -> Limit | None:
    reader = _reader(entry, problems)
    before = len(problems)
    _unknown(reader, LIMIT_FIELDS, "a limit")
    funder = reader.text("funder", required=True)
    if funder is not None and funder not in funders:
        reader.error("funder", f"{funder!r} is not a funder", "funders are " + ", ".join(funders))
    basis = reader.choice("basis", BASES, "cash")
    lo = reader.year("first_year")
    hi = reader.year("last_year")
    maximum = reader.by_year("max", required=True)
    if maximum is not None and maximum.every is None:
        years = maximum.years()
        lo = lo if reader.has("first_year") else min(years)
        hi = hi if reader.has("last_year") else max(years)
    lo = first if lo is None else lo
    hi = last if hi is None else hi
    if len(problems) > before or None in (funder, basis, maximum, lo, hi):
        return None
    assert funder is not None and basis is not None and maximum is not None
    assert lo is not None and hi is not None
    if lo > hi:
        reader.error("last_year", f"{hi} is before first_year {lo}")
        return None
    if maximum.every is None:
        missing = [y for y in range(lo, hi + 1) if maximum.at(y) is None]
        if missing:
            reader.error(
                "max",
                "the table has no ceiling for " + ", ".join(map(str, missing)),
                f"give a ceiling for every year from {lo} to {hi}",
            )
            return None
    return Limit(funder, basis, maximum, lo, hi, reader.text("source") or "", entry.file)


def _check_waterfall(
    commitments: list[Commitment],
    recipients: dict[str, Recipient],
    merged: Merged,
    problems: list[Problem],
) -> None:
    """A derived top-up needs the recipient's costs (and income, if any) in each year."""
    for c in commitments:
        kind = KINDS[c.kind]
        if not kind.derives_shortfall(c.spec):
            continue
        recipient = recipients[c.recipient]
        first, last = c.spec.first_year, c.spec.last_year
        entry = merged.commitments[c.id]
        for label, values in (("costs", recipient.costs), ("income", recipient.income)):
            if values is None and label == "income":
                continue
            missing = [y for y in range(first, last + 1) if values is None or values.at(y) is None]
            if missing:
                problems.append(
                    Problem(
                        entry.file_of("shortfall"),
                        entry.where("shortfall"),
                        f"is not given, and recipient {c.recipient!r} has no {label} for "
                        + ", ".join(map(str, missing)),
                        f"give shortfall, or {label} for every year from {first} to {last} "
                        f"on [recipients.{c.recipient}]",
                    )
                )


# Sums of amounts are int64 cents; keep every sum the engine forms well inside that range.
MOST_CENTS = 2**62


def _check_magnitude(
    commitments: list[Commitment],
    recipients: dict[str, Recipient],
    main: str,
    problems: list[Problem],
) -> None:
    from budget.kinds.base import largest
    from budget.money import format_euros_grouped

    total = sum(KINDS[c.kind].most(c.spec) for c in commitments)
    total += sum(largest(r.costs) + largest(r.income) for r in recipients.values())
    if total > MOST_CENTS:
        problems.append(
            Problem(
                main,
                "",
                f"its amounts could add up to {format_euros_grouped(total)}, more than can be "
                f"added up exactly (at most {format_euros_grouped(MOST_CENTS)})",
                "check the amounts for a typing error; amounts are in euros",
            )
        )
