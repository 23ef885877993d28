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
    writer itself and reused, so that the bytes are the csv writer's (QUOTE_MINIMAL, "\\n"
    line ends); tests/render/workbook/test_assumptions_csv.py keeps the record-by-record
    writer as the reference."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def written(record: Sequence[str]) -> str:
        writer.writerow(record)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield written(CSV_HEADERS)
    shown_file = file_namer(scenario)
    own = scenario.path
    files: dict[str, str] = {}
    funders: dict[object, str] = {}

    def file_of(path: str) -> str:
        found = files.get(path)
        if found is None:
            found = files[path] = shown_file(path) if path and path != own else ""
        return found

    def tail(field: str, value: str, meaning: str, path: str, assumed: bool) -> str:
        # the csv writer on ("", field, ...): the id's field is empty, its comma stays
        record = ("", field, value, meaning, file_of(path), "yes" if assumed else "")
        if _plain(value) and _plain(meaning) and _plain(field) and _plain(record[4]):
            return ",".join(record) + "\n"  # nothing to quote: what the writer writes
        return written(record)

    # Per context (a commitment's field origins, origin and assumptions: one for all the
    # commitments of a register): a line's tail by (kind, field, value).
    contexts: dict[tuple[int, str, tuple[str, ...]], dict[object, str]] = {}
    commitments = scenario.commitments
    for begin in range(0, len(commitments), chunk):
        parts: list[str] = []
        append = parts.append
        for c in commitments[begin : begin + chunk]:
            kind_name = c.kind
            kind, meanings = _kind_facts(kind_name)
            cid = c.id
            head = cid if _plain(cid) else written((cid,))[:-1]
            origins, origin, assumed = c.field_origins, c.origin, c.assumptions
            context = (id(origins), origin, assumed)
            found_tails = contexts.get(context)
            if found_tails is None or len(found_tails) > 200_000:  # bounded memory: again
                found_tails = contexts[context] = {}
            tails = found_tails
            get = origins.get
            append(head)
            append(tail("name", c.title, "", get("name", origin), "name" in assumed))
            shares = funders.get(c.funders)
            if shares is None:
                shares = funders[c.funders] = funders_text(c.funders)
            key: object
            for field, value in (
                ("kind", kind_name),
                ("recipient", c.recipient),
                ("funders", shares),
                ("priority", c.priority),
            ):
                key = (kind_name, field, value)
                found = tails.get(key)
                if found is None:
                    meaning = _FIXED_MEANINGS[field]
                    if field == "kind":
                        meaning = getattr(kind, "summary", "")
                    path, flag = get(field, origin), field in assumed
                    found = tails[key] = tail(field, str(value), meaning, path, flag)
                append(head)
                append(found)
            left_off = not_applicable(c)
            spec = c.spec
            for name in _spec_fields(spec):
                if name in left_off:
                    continue
                value = getattr(spec, name)
                try:
                    # a Fraction's own hash is slow: its numerator and denominator
                    same = value
                    if type(value) is Fraction:
                        same = (value.numerator, value.denominator)
                    key = (kind_name, name, type(value), same)
                    found = tails.get(key)
                except TypeError:  # a value that cannot be a key
                    key, found = None, None
                if found is None:
                    meaning = meanings.get(name, "")
                    if isinstance(value, ByYear) and value.is_uncertain:
                        meaning = f"{meaning}; {UNCERTAIN_NOTE}" if meaning else UNCERTAIN_NOTE
                    path, flag = get(name, origin), name in assumed
                    found = tail(name, value_text(value, name), meaning, path, flag)
                    if key is not None:
                        tails[key] = found
                append(head)
                append(found)
            if c.source:
                append(head)
                append(tail("source", c.source, "", get("source", origin), "source" in assumed))
        yield "".join(parts)


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
