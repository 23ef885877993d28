"""The Assumptions sheet: every input echoed in readable form, assumptions highlighted.

One table, read top to bottom: the scenario (name, description, source, files, fiscal
year, horizon, the tool's version), the funders, the recipients (costs, income), each
commitment (name, kind, recipient, funders and shares, priority, every field of its kind,
source) and the limits. Columns: item, field, value, what the field means, the file that
set it. A value that the scenario lists under `assumptions` is highlighted.

At register scale (more than MAX_LISTED commitments) the commitments' lines do not go on
the sheet: they go, with the same columns and one more ("assumed": yes or empty), to a CSV
file beside the workbook (NAME.assumptions.csv, `assumptions_csv_path`), written
atomically and streamed, and the sheet says so in a line; everything else stays on the
sheet. A file name, a kind's meanings and its fields are worked out once per distinct
value, not once per line.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import budget
from budget.core.model import ByYear, Commitment, Scenario
from budget.kinds import KINDS
from budget.render.workbook import styles
from budget.render.workbook.save import write_text_atomically
from budget.render.workbook.sheet import Book, Cell, finish_sheet, header_row
from budget.render.workbook.styles import Look
from budget.reports.provenance import funders_text, value_text

SHEET = "Assumptions"
HEADERS = ("Item", "Field", "Value", "What it means", "Set in file")
WIDTHS = (22, 16, 50, 50, 28)
UNCERTAIN_NOTE = "uncertain: the projection uses its central value"
# Commitments whose lines go on the sheet; above, they go to NAME.assumptions.csv (about ten
# lines each: 10,000 commitments make a sheet of some 100,000 rows).
MAX_LISTED = 10_000
CSV_HEADERS = (*HEADERS, "Assumed")


@dataclass(frozen=True, slots=True)
class Echo:
    """One line of the sheet: a section heading (field empty) or an input's value."""

    item: str
    field: str = ""
    value: str = ""
    meaning: str = ""
    file: str = ""
    assumed: bool = False
    heading: bool = False


def file_name(path: str | os.PathLike[str], scenario: Scenario) -> str:
    """A file as the workbook names it: relative to the scenario's folder ("base.toml",
    "../shared/register.csv"), so that no absolute path of the user's machine is shown and
    the bytes do not depend on the folder the program ran in."""
    folder = Path(scenario.path).absolute().parent
    try:
        name = os.path.relpath(Path(path).absolute(), folder)
    except ValueError:  # another drive (Windows): the file's own name
        name = Path(path).name
    return Path(name).as_posix()


def file_namer(scenario: Scenario) -> Callable[[str | os.PathLike[str]], str]:
    """`file_name` for one scenario, worked out once per distinct file (a register's
    100,000 commitments share one)."""
    names: dict[str | os.PathLike[str], str] = {}

    def name(path: str | os.PathLike[str]) -> str:
        found = names.get(path)
        if found is None:
            found = names[path] = file_name(path, scenario)
        return found

    return name


def assumptions_csv_path(path: str | Path) -> Path:
    """Where the commitments' lines go at register scale: NAME.assumptions.csv."""
    target = Path(path)
    return target.with_name(f"{target.stem}.assumptions.csv")


def scenario_echo(scenario: Scenario) -> Iterator[Echo]:
    yield Echo("Scenario", heading=True)
    yield Echo("scenario", "name", scenario.name)
    if scenario.description:
        yield Echo("scenario", "description", scenario.description)
    if scenario.source:
        yield Echo("scenario", "source", scenario.source)
    for number, path in enumerate(scenario.files or (scenario.path,), 1):
        role = "the scenario" if path == scenario.path else "extended or registered"
        yield Echo("scenario", f"file {number}", file_name(path, scenario), role)
    calendar = scenario.calendar
    yield Echo(
        "scenario",
        "fiscal year",
        f"starts {calendar.month:02d}-{calendar.day:02d}; named "
        f"{scenario.label(scenario.first_year)} (year_label {scenario.year_label}); "
        f"amounts in {scenario.currency}",
        "a fiscal year is named after the calendar year in which it ends",
    )
    yield Echo(
        "scenario",
        "horizon",
        f"{scenario.label(scenario.first_year)} to {scenario.label(scenario.last_year)}",
        "the years the overviews show; other years show as 'earlier'/'later'",
    )
    yield Echo(
        "scenario",
        "written by",
        f"budget {budget.__version__}",
        "the tool that computed this workbook",
    )


def not_applicable(c: Commitment) -> frozenset[str]:
    """The fields of a commitment that do nothing for it, left off the sheet: a grant's
    advance and settlement lag without an advance; its allocation with an advance (the
    cash is the advance and the settlement, the commitment the whole grant)."""
    if c.kind != "grant":
        return frozenset()
    if getattr(c.spec, "advance", None) is None:
        return frozenset({"advance", "settlement_lag"})
    return frozenset({"allocation"})


_KIND_FACTS: dict[str, tuple[object, dict[str, str]]] = {}
_SPEC_FIELDS: dict[type, tuple[str, ...]] = {}


def _kind_facts(name: str) -> tuple[object, dict[str, str]]:
    """A kind and its fields' meanings, looked up once per kind."""
    found = _KIND_FACTS.get(name)
    if found is None:
        kind = KINDS.get(name)
        found = _KIND_FACTS[name] = (kind, dict(getattr(kind, "fields", {})))
    return found


def _spec_fields(spec: object) -> tuple[str, ...]:
    """The field names of a kind's spec (a dataclass), looked up once per type."""
    found = _SPEC_FIELDS.get(type(spec))
    if found is None:
        names = (
            tuple(f.name for f in dataclasses.fields(spec))
            if dataclasses.is_dataclass(spec)
            else ()
        )
        found = _SPEC_FIELDS[type(spec)] = names
    return found


def commitment_echo(c: Commitment) -> Iterator[Echo]:
    kind, meanings = _kind_facts(c.kind)

    def echo(field: str, value: str, meaning: str = "") -> Echo:
        return Echo(
            c.id,
            field,
            value,
            meaning,
            c.field_origins.get(field, c.origin),
            assumed=field in c.assumptions,
        )

    yield Echo(f"Commitment {c.id}", heading=True)
    yield echo("name", c.title)
    yield echo("kind", c.kind, getattr(kind, "summary", ""))
    yield echo("recipient", c.recipient)
    yield echo("funders", funders_text(c.funders), "funders and their shares of each year's amount")
    yield echo("priority", str(c.priority), "lower pays first to the same recipient")
    left_off = not_applicable(c)
    for name in _spec_fields(c.spec):
        if name in left_off:
            continue
        value = getattr(c.spec, name)
        meaning = meanings.get(name, "")
        if isinstance(value, ByYear) and value.is_uncertain:
            meaning = f"{meaning}; {UNCERTAIN_NOTE}" if meaning else UNCERTAIN_NOTE
        yield echo(name, value_text(value, name), meaning)
    if c.source:
        yield echo("source", c.source)


def scenario_inputs(scenario: Scenario, commitments: bool = True) -> Iterator[Echo]:
    """Every line of the sheet, in order (without the commitments' lines when
    `commitments` is false: they then go to a CSV file, see `commitment_csv_chunks`)."""
    yield from scenario_echo(scenario)
    yield Echo("Funders", heading=True)
    for f in scenario.funders.values():
        yield Echo(f.key, "name", f.name)
        if f.source:
            yield Echo(f.key, "source", f.source)
    yield Echo("Recipients", heading=True)
    for r in scenario.recipients.values():
        yield Echo(r.key, "name", r.name, file=r.origin, assumed="name" in r.assumptions)
        for name, meaning in (
            ("costs", "yearly costs, from which a top-up's shortfall is derived"),
            ("income", "yearly other income, which lowers a derived shortfall"),
        ):
            value = getattr(r, name)
            if value is not None:
                if value.is_uncertain:
                    meaning = f"{meaning}; {UNCERTAIN_NOTE}"
                yield Echo(
                    r.key,
                    name,
                    value_text(value, name),
                    meaning,
                    r.origin,
                    assumed=name in r.assumptions,
                )
        if r.source:
            yield Echo(r.key, "source", r.source, file=r.origin)
    if commitments:
        for c in scenario.commitments:
            yield from commitment_echo(c)
    if scenario.limits:
        yield Echo("Limits (budget ceilings)", heading=True)
        for limit in scenario.limits:
            item = f"{limit.funder} ({limit.basis})"
            yield Echo(
                item,
                "maximum",
                value_text(limit.maximum, "maximum"),
                "the ceiling per year; above it is a breach",
                limit.origin,
            )
            yield Echo(item, "years", f"{limit.first_year}-{limit.last_year}", file=limit.origin)
            if limit.source:
                yield Echo(item, "source", limit.source, file=limit.origin)


def _looks() -> dict[tuple[str, bool], Look]:
    """The look of a cell of the sheet by its role, and whether its value is assumed."""
    out: dict[tuple[str, bool], Look] = {}
    for assumed in (False, True):
        fill = styles.ASSUMPTION_FILL if assumed else None
        out[("item", assumed)] = Look(alignment=styles.LEFT, fill=fill)
        out[("field", assumed)] = Look(alignment=styles.LEFT, fill=fill)
        out[("value", assumed)] = Look(alignment=styles.WRAP, fill=fill)
        out[("meaning", assumed)] = Look(styles.NOTE, alignment=styles.WRAP)
        out[("file", assumed)] = Look(styles.NOTE, alignment=styles.LEFT)
    return out


def commitment_csv_chunks(scenario: Scenario, chunk: int = 20_000) -> Iterator[str]:
    """The commitments' lines as CSV text (CSV_HEADERS), header first, `chunk` commitments
    at a time: what `commitment_echo` gives without its headings, with the file as the
    sheet shows it ("" for the scenario file) and "yes" for an assumed value.

    Made for registers: a line after its commitment's id (the field, its value's text, the
    meaning, the file and whether assumed) is written once per distinct value by the csv
    writer itself and reused, so that the bytes are the csv writer's (QUOTE_MINIMAL, "\n"
    line ends); tests/render/workbook/test_assumptions_csv.py keeps the record-by-record
    writer as the reference. The work goes field by field over the commitments of one
    shape (kind, fields, where their values were set), each column's values looked up at
    once, and every commitment's lines joined in one step."""
    writer = _FieldWriter()
    yield writer.record(CSV_HEADERS)
    lines = _CommitmentLines(scenario, writer)
    commitments = scenario.commitments
    for begin in range(0, len(commitments), chunk):
        yield lines.chunk(commitments[begin : begin + chunk])


class _FieldWriter:
    """The csv writer's text of one record, and of one field as it writes it among others."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")

    def record(self, record: Sequence[str]) -> str:
        self.writer.writerow(record)
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text

    def field(self, text: str) -> str:
        return text if _plain(text) else self.record((text, "x"))[:-3]

    def fields(self, texts: list[str]) -> list[str]:
        """Each text as a field: as it is, unless it needs quoting (checked at once)."""
        if _plain("".join(texts)):
            return texts
        return [self.field(t) for t in texts]


# What a line's tail depends on beyond its value, the same for the commitments of a
# register: the kind, the type of its spec, the fields left off, where each field was set
# (the field origins, by identity: one dict for a register's commitments) and the
# assumptions.
_Shape = tuple[str, type, frozenset[str], int, str, tuple[str, ...]]


class _CommitmentLines:
    """The commitments' lines, chunk by chunk, with the tails of distinct values kept
    from one chunk to the next (at most about MAX_TAILS of them: then forgotten)."""

    MAX_TAILS = 200_000

    def __init__(self, scenario: Scenario, writer: _FieldWriter) -> None:
        self.writer = writer
        self.shown_file = file_namer(scenario)
        self.own = scenario.path
        self.files: dict[str, str] = {}
        # tails by value, and by the id of a value's object (kept alive in `alive`)
        self.tails: dict[tuple[_Shape, str], dict[object, str]] = {}
        self.by_id: dict[tuple[_Shape, str], dict[int, str]] = {}
        self.alive: list[object] = []
        self.kept = 0

    def file_of(self, path: str) -> str:
        found = self.files.get(path)
        if found is None:
            shown = self.shown_file(path) if path and path != self.own else ""
            found = self.files[path] = shown
        return found

    def tail(self, field: str, value: str, meaning: str, path: str, assumed: bool) -> str:
        """A line after its id: the csv writer on ("", field, ...) (the id's field empty,
        its comma kept)."""
        record = ("", field, value, meaning, self.file_of(path), "yes" if assumed else "")
        if _plain(value) and _plain(meaning) and _plain(field) and _plain(record[4]):
            return ",".join(record) + "\n"  # nothing to quote: what the writer writes
        return self.writer.record(record)

    def chunk(self, commitments: Sequence[Commitment]) -> str:
        shapes: dict[_Shape, list[int]] = {}
        for i, c in enumerate(commitments):
            shape = (
                c.kind,
                type(c.spec),
                not_applicable(c),
                id(c.field_origins),
                c.origin,
                tuple(c.assumptions),
            )
            shapes.setdefault(shape, []).append(i)
        blocks: list[str] = [""] * len(commitments)
        for shape, places in shapes.items():
            mine = [commitments[i] for i in places]
            for i, block in zip(places, self.blocks(shape, mine), strict=True):
                blocks[i] = block
        if self.kept > self.MAX_TAILS:  # bounded memory: begin again
            self.tails.clear()
            self.by_id.clear()
            self.alive.clear()
            self.kept = 0
        return "".join(blocks)

    def blocks(self, shape: _Shape, commitments: list[Commitment]) -> list[str]:
        """Each commitment's lines (of one shape), joined."""
        kind_name, _, left_off, _, origin, assumed = shape
        first = commitments[0]
        get = first.field_origins.get
        kind, meanings = _kind_facts(kind_name)
        heads = self.writer.fields([c.id for c in commitments])
        pieces: list[list[str]] = []  # heads, tails, heads, tails, ...: joined per row

        def unique_lines(field: str, texts: list[str], meaning: str = "") -> list[str]:
            # a value of its own per commitment (a name, a source): no tails kept
            prefix = f",{field},"
            path, flag = get(field, origin), field in assumed
            suffix = self.tail(field, "", meaning, path, flag)[len(prefix) :]
            if not (_plain(field) and _plain(meaning)):  # the whole line by the writer
                return [self.tail(field, t, meaning, path, flag) for t in texts]
            return [prefix + t + suffix for t in self.writer.fields(texts)]

        def looked_up(field: str, values: list[object], make: Callable[[object], str]) -> None:
            pieces.extend((heads, self.looked_up((shape, field), values, make)))

        def fixed(field: str, meaning: str) -> Callable[[object], str]:
            path, flag = get(field, origin), field in assumed
            return lambda value: self.tail(field, str(value), meaning, path, flag)

        pieces.extend((heads, unique_lines("name", [c.title for c in commitments])))
        summary = getattr(kind, "summary", "")
        looked_up("kind", [kind_name] * len(commitments), fixed("kind", summary))
        looked_up("recipient", [c.recipient for c in commitments], fixed("recipient", ""))
        funders = fixed("funders", _FIXED_MEANINGS["funders"])
        looked_up(
            "funders",
            [c.funders for c in commitments],
            lambda shares: funders(funders_text(shares)),  # type: ignore[arg-type]
        )
        priority = fixed("priority", _FIXED_MEANINGS["priority"])
        looked_up("priority", [c.priority for c in commitments], priority)
        specs = [c.spec for c in commitments]
        for name in _spec_fields(first.spec):
            if name in left_off:
                continue
            path, flag = get(name, origin), name in assumed

            def make(value: object, name: str = name, path: str = path, flag: bool = flag) -> str:
                meaning = meanings.get(name, "")
                if isinstance(value, ByYear) and value.is_uncertain:
                    meaning = f"{meaning}; {UNCERTAIN_NOTE}" if meaning else UNCERTAIN_NOTE
                return self.tail(name, value_text(value, name), meaning, path, flag)

            looked_up(name, [getattr(spec, name) for spec in specs], make)
        sources = [c.source or "" for c in commitments]
        if any(sources):
            lines = unique_lines("source", sources)
            if all(sources):
                pieces.extend((heads, lines))
            else:  # no line where there is no source
                pieces.append([h if t else "" for h, t in zip(heads, sources, strict=True)])
                pieces.append([line if t else "" for line, t in zip(lines, sources, strict=True)])
        return list(map("".join, zip(*pieces, strict=True)))

    def looked_up(
        self, where: tuple[_Shape, str], values: list[object], make: Callable[[object], str]
    ) -> list[str]:
        """The tails of a column's values: by the values' identity first (a register's
        commitments share their values' objects: a dict lookup of an int each), then by
        value (and type: 1, 1.0 and True are equal keys); `make` for a new value."""
        by_id = self.by_id.setdefault(where, {})
        ids = list(map(id, values))
        tails = list(map(by_id.get, ids))
        if None not in tails:
            return tails  # type: ignore[return-value]
        table = self.tails.setdefault(where, {})
        for i in [i for i, t in enumerate(tails) if t is None]:
            value = values[i]
            found = by_id.get(ids[i])
            if found is None:
                key = _key(value)
                try:
                    found = table.get(key)
                except TypeError:  # a value that cannot be a key: by its identity only
                    found = None
                    key = None
                if found is None:
                    found = make(value)
                    if key is not None:
                        table[key] = found
                by_id[ids[i]] = found
                self.alive.append(value)  # so that its id names no other object
                self.kept += 1
            tails[i] = found
        return tails  # type: ignore[return-value]


def _key(value: object) -> object:
    """A dictionary key for a value that tells equal values of other types apart (1, 1.0
    and True) and hashes a Fraction by its two integers (its own hash is slow)."""
    if type(value) is Fraction:
        return (Fraction, value.numerator, value.denominator)
    return (type(value), value)


_FIXED_MEANINGS = {
    "kind": "",
    "recipient": "",
    "funders": "funders and their shares of each year's amount",
    "priority": "lower pays first to the same recipient",
}


def _plain(text: str) -> bool:
    """Whether the csv writer writes `text`, as one of several fields, as it is."""
    return not ("," in text or '"' in text or "\n" in text or "\r" in text)


def add_assumptions_sheet(
    book: Book,
    scenario: Scenario,
    *,
    overflow_path: Path | None = None,
    inputs: Sequence[str | Path] = (),
    limit: int | None = None,
) -> Path | None:
    """Add the Assumptions sheet (see the module docstring); return the CSV file of the
    commitments' lines when there are more than `limit` commitments (by default
    MAX_LISTED), else None."""
    limit = MAX_LISTED if limit is None else limit
    listed = len(scenario.commitments) <= limit
    if not listed and overflow_path is None:
        raise ValueError("the commitments are not listed and no CSV path was given")
    sheet = book.add_sheet(SHEET)
    sheet.text(1, 1, f"{scenario.name}: inputs and assumptions", styles.TITLE_LOOK)
    sheet.text(2, 1, "Highlighted", Look(styles.NOTE, styles.ASSUMPTION_FILL))
    sheet.text(
        2,
        2,
        "values that the scenario marks as assumptions, not facts (its `assumptions` lists). "
        "'Set in file' names the base file or register that set a value; blank: the scenario "
        "file itself.",
        styles.NOTE_LOOK,
    )
    header_row(sheet, 4, HEADERS)
    looks = _looks()
    row = 5
    name = file_namer(scenario)
    echoed: Iterable[Echo] = scenario_inputs(scenario, commitments=listed)
    for line in echoed:
        cells: dict[int, Cell] = sheet.row(row)
        if line.heading:
            cells[1] = (str(line.item), styles.BLOCK_TITLE)
            for column in range(2, len(HEADERS) + 1):
                cells[column] = (None, styles.BLOCK)
        else:
            cells[1] = (str(line.item), looks[("item", False)])
            cells[2] = (str(line.field), looks[("field", line.assumed)])
            cells[3] = (str(line.value), looks[("value", line.assumed)])
            cells[4] = (str(line.meaning), looks[("meaning", False)])
            if line.file and line.file != scenario.path:  # a base file, or a register
                cells[5] = (name(line.file), looks[("file", False)])
            # LibreOffice does not grow rows for wrapped text on load: size them here.
            lines = max(
                math.ceil(len(line.value) / ((WIDTHS[2] - 2) * 1.15)),
                math.ceil(len(line.meaning) / ((WIDTHS[3] - 2) * 1.4)),
                1,
            )
            if lines > 1:
                sheet.heights[row] = 15 * lines
        row += 1
    written = None
    if not listed:
        assert overflow_path is not None
        write_text_atomically(overflow_path, inputs, commitment_csv_chunks(scenario))
        written = overflow_path
        sheet.text(row, 1, "Commitments", styles.BLOCK_TITLE)
        for column in range(2, len(HEADERS) + 1):
            sheet.put(row, column, None, styles.BLOCK)
        sheet.text(
            row + 1,
            1,
            f"The {len(scenario.commitments):,} commitments' inputs (more than the "
            f"{limit:,} listed on this sheet) are in the CSV file {overflow_path.name!r} "
            "beside this workbook: the same columns, and 'Assumed' says yes for a value "
            "the scenario marks as an assumption.",
            styles.WRAPPED,
        )
    for index, width in enumerate(WIDTHS, 1):
        sheet.widths[index] = width
    finish_sheet(sheet, freeze="A5", title_rows="4:4")
    return written
