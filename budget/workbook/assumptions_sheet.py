"""The Assumptions sheet: every input echoed in readable form, assumptions highlighted.

One table, read top to bottom: the scenario (name, description, source, files, fiscal
year, horizon, the tool's version), the funders, the recipients (costs, income), each
commitment (name, kind, recipient, funders and shares, priority, every field of its kind,
source) and the limits. Columns: item, field, value, what the field means, the file that
set it. A value that the scenario lists under `assumptions` is highlighted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl.workbook.workbook import Workbook

import budget
from budget.kinds import KINDS
from budget.model import ByYear, Commitment, Scenario
from budget.provenance import funders_text, value_text
from budget.workbook import styles
from budget.workbook.cells import finish_sheet, header_row, write_text
from budget.workbook.quickcells import Entry, QuickCells, text_entry

SHEET = "Assumptions"
HEADERS = ("Item", "Field", "Value", "What it means", "Set in file")
WIDTHS = (22, 16, 50, 50, 28)
UNCERTAIN_NOTE = "uncertain: the projection uses its central value"


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


def scenario_echo(scenario: Scenario) -> Iterator[Echo]:
    yield Echo("Scenario", heading=True)
    yield Echo("scenario", "name", scenario.name)
    if scenario.description:
        yield Echo("scenario", "description", scenario.description)
    if scenario.source:
        yield Echo("scenario", "source", scenario.source)
    for number, path in enumerate(scenario.files or (scenario.path,), 1):
        role = "the scenario" if path == scenario.path else "extended or registered"
        yield Echo("scenario", f"file {number}", path, role)
    calendar = scenario.calendar
    yield Echo(
        "scenario",
        "fiscal year",
        f"starts {calendar.month:02d}-{calendar.day:02d}",
        "a fiscal year is named after the calendar year in which it ends",
    )
    yield Echo(
        "scenario",
        "horizon",
        f"{scenario.first_year}-{scenario.last_year}",
        "the years the overviews show; other years show as 'earlier'/'later'",
    )
    yield Echo(
        "scenario",
        "written by",
        f"budget {budget.__version__}",
        "the tool that computed this workbook",
    )


def commitment_echo(c: Commitment) -> Iterator[Echo]:
    kind = KINDS.get(c.kind)
    meanings: dict[str, str] = dict(getattr(kind, "fields", {}))

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
    if dataclasses.is_dataclass(c.spec):
        for spec_field in dataclasses.fields(c.spec):
            value = getattr(c.spec, spec_field.name)
            meaning = meanings.get(spec_field.name, "")
            if isinstance(value, ByYear) and value.is_uncertain:
                meaning = f"{meaning}; {UNCERTAIN_NOTE}" if meaning else UNCERTAIN_NOTE
            yield echo(spec_field.name, value_text(value, spec_field.name), meaning)
    if c.source:
        yield echo("source", c.source)


def scenario_inputs(scenario: Scenario) -> Iterator[Echo]:
    """Every line of the sheet, in order."""
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


def _look(quick: QuickCells, role: str, assumed: bool) -> Any:
    """The style of a cell of the sheet by its role (a text style, or a blank's token)."""
    fill = styles.ASSUMPTION_FILL if assumed else None
    if role == "block":  # the blank cells of a section heading's row
        return quick.fill_style(styles.BLOCK_FILL)
    if role == "heading":
        return quick.text_style(font=styles.BOLD, fill=styles.BLOCK_FILL)
    if role in ("item", "field"):
        return quick.text_style(alignment=styles.LEFT, fill=fill)
    if role == "value":
        return quick.text_style(alignment=styles.WRAP, fill=fill)
    if role == "meaning":
        return quick.text_style(alignment=styles.WRAP, font=styles.NOTE)
    return quick.text_style(alignment=styles.LEFT, font=styles.NOTE)  # file


def add_assumptions_sheet(workbook: Workbook, scenario: Scenario) -> None:
    """Add the Assumptions sheet (see the module docstring)."""
    ws = workbook.create_sheet(SHEET)
    write_text(ws, 1, 1, f"{scenario.name}: inputs and assumptions", font=styles.TITLE)
    write_text(ws, 2, 1, "Highlighted", fill=styles.ASSUMPTION_FILL, font=styles.NOTE)
    write_text(
        ws,
        2,
        2,
        "values that the scenario marks as assumptions, not facts (its `assumptions` lists). "
        "'Set in file' names the base file or register that set a value; blank: the scenario "
        "file itself.",
        font=styles.NOTE,
    )
    header_row(ws, 4, HEADERS)
    quick = QuickCells.of(ws)
    looks: dict[tuple[str, bool], Any] = {}

    def look(role: str, assumed: bool = False) -> Any:
        """A style, made when first used (so the workbook registers them in sheet order)."""
        found = looks.get((role, assumed))
        if found is None:
            found = looks[(role, assumed)] = _look(quick, role, assumed)
        return found

    row = 5
    for line in scenario_inputs(scenario):
        entries: dict[int, Entry] = {}
        if line.heading:
            block = look("block")
            for column in range(2, len(HEADERS) + 1):
                entries[column] = ("n", None, block)
            entries[1] = text_entry(line.item, look("heading"))
        else:
            entries[1] = text_entry(line.item, look("item"))
            entries[2] = text_entry(line.field, look("field", line.assumed))
            entries[3] = text_entry(line.value, look("value", line.assumed))
            entries[4] = text_entry(line.meaning, look("meaning"))
            if line.file and line.file != scenario.path:  # a base file, or a register
                entries[5] = text_entry(line.file, look("file"))
            # LibreOffice does not grow rows for wrapped text on load: size them here.
            lines = max(
                math.ceil(len(line.value) / ((WIDTHS[2] - 2) * 1.15)),
                math.ceil(len(line.meaning) / ((WIDTHS[3] - 2) * 1.4)),
                1,
            )
            if lines > 1:
                ws.row_dimensions[row].height = 15 * lines
        quick.put_row(row, entries)
        row += 1
    for index, width in enumerate(WIDTHS):
        ws.column_dimensions["ABCDE"[index]].width = width
    finish_sheet(ws, freeze="A5", title_rows="4:4")
