"""The lines of the Calculation sheet: a writer that puts labelled lines of inputs and
formulas under one another, with fiscal years across, and remembers where they went.

Columns: A the line's label, B a value that holds for the whole span (an input such as a
total, or a funder's share), then one column per fiscal year, then where an input came
from (file and field) or the rule a formula follows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from fractions import Fraction

from budget.core.model import Scenario
from budget.core.money import round_half_away
from budget.render.workbook import styles
from budget.render.workbook.assumptions_sheet import file_name
from budget.render.workbook.sheet import (
    Formula,
    Sheet,
    Value,
    column_letter,
    euros,
    finish_sheet,
    header_row,
)
from budget.render.workbook.styles import Font, Look
from budget.reports.explain import Explanation, Input, Quantity, Step, Unit

HEADER_ROW = 5
VALUE_COLUMN = 2
FIRST_YEAR_COLUMN = 3
RATE = "0.0##%"

INPUT_FONT = Font(styles.FONT_NAME, colour="0000FF")
LABEL = Look(alignment=styles.INDENT)
GROUP = Look(styles.BOLD, alignment=styles.INDENT)
AMOUNT = Look(styles.BOLD, number_format=styles.EUROS)
ROUNDING = Look(Font(styles.FONT_NAME, italic=True, colour="C55A11"), number_format=styles.EUROS)
COUNT = Look(number_format="0.####")
SHARE = Look(number_format="0.000000")
CHECK = Look(Font(styles.FONT_NAME, bold=True, colour="C00000"))
TITLE = Look(styles.BOLD, styles.BLOCK_FILL, alignment=styles.LEFT)
ABOUT = Look(fill=styles.BLOCK_FILL, alignment=styles.Alignment("left", "top", wrap=True, indent=1))
SOURCE_HEADER = Look(
    styles.HEADER, styles.HEADER_FILL, alignment=styles.Alignment("left", indent=1)
)
NOTE = Look(styles.NOTE, alignment=styles.Alignment("left", "top", wrap=True, indent=1))
SOURCE_WIDTH = 60
_inputs: dict[tuple[str, bool, bool], Look] = {}


def input_look(number_format: str, assumed: bool, live: bool = True) -> Look:
    """Blue for an input that formulas use; on the assumption fill when it is assumed."""
    key = (number_format, assumed, live)
    if key not in _inputs:
        fill = styles.ASSUMPTION_FILL if assumed else None
        font = INPUT_FONT if live else styles.PLAIN
        alignment = None if live else styles.RIGHT
        _inputs[key] = Look(font, fill, alignment=alignment, number_format=number_format)
    return _inputs[key]


def cell(column: int, row: int, absolute: bool = False) -> str:
    """ "C9", or "$C$9" when absolute."""
    if absolute:
        return f"${column_letter(column)}${row}"
    return f"{column_letter(column)}{row}"


def rounded(exact: Fraction) -> int:
    """Exact cents rounded as ROUND(x, 2) does: half away from zero."""
    return round_half_away(exact.numerator, exact.denominator)


def cell_value(quantity: Quantity) -> tuple[Value, str]:
    """An input's value as a cell holds it, and its number format (a share shows as the
    fraction it is: 1/3)."""
    v = quantity.value
    if quantity.unit is Unit.MONEY:
        assert isinstance(v, int)
        return euros(v), styles.EUROS
    if quantity.unit in (Unit.SHARE, Unit.NUMBER):
        assert isinstance(v, int | Fraction)
        number = Fraction(v)
        if quantity.unit is Unit.NUMBER:
            return (int(number) if number.denominator == 1 else float(number)), "0.####"
        digits = "?" * len(str(number.denominator))
        return float(number), f"# {digits}/{digits}"
    if quantity.unit is Unit.FLAG:
        return ("yes" if v else "no"), styles.GENERAL
    if isinstance(v, dt.date):
        return v.isoformat(), styles.GENERAL
    return str(v), styles.GENERAL


def steps_by_year(e: Explanation) -> dict[int, dict[str, Step]]:
    """Each year's steps by name."""
    return {y.year: {s.name: s for s in y.steps} for y in e.years}


def step_cents(e: Explanation, name: str) -> dict[int, int]:
    """The cents of step `name` in each year that has it."""
    out = {}
    for year, steps in steps_by_year(e).items():
        if name in steps:
            value = steps[name].value.value
            assert isinstance(value, int)
            out[year] = value
    return out


class Lines:
    """Writes lines from the sheet's first free row down; see the module docstring.

    parts: (commitment, funder, basis, year) -> (row, column) of each funder's part;
    cash_rows: each commitment's line of cash per year; payments: cells that refer to
    another commitment's cash (row, column, commitment, year, cents), filled in at the end.
    """

    def __init__(self, scenario: Scenario, sheet: Sheet, years: Sequence[int]) -> None:
        self.scenario = scenario
        self.sheet = sheet
        self.years = list(years)
        self.column = {y: FIRST_YEAR_COLUMN + i for i, y in enumerate(self.years)}
        self.letter = {y: column_letter(c) for y, c in self.column.items()}
        self.source_column = FIRST_YEAR_COLUMN + len(self.years)
        self.row = HEADER_ROW + 1
        self.parts: dict[tuple[str, str, str, int], tuple[int, int]] = {}
        self.cash_rows: dict[str, int] = {}
        # (commitment, input name, year) -> (row, column) of a per-year input
        self.inputs: dict[tuple[str, str, int], tuple[int, int]] = {}
        self.payments: list[tuple[int, int, str, int, int]] = []
        # Pending commitments (issue 23): each one's line as decided, and the payments
        # (by index in `payments`) read by a pending commitment, which refer to those.
        self.decided_rows: dict[str, int] = {}
        self.decided_payments: set[int] = set()
        self.files: dict[str, str] = {}  # a file as shown, by its path
        # The commitment being written: conditions under which its check says to re-run
        # (an input changed that the formulas cannot follow), and more ranges that must
        # be zero (a whole less its parts). Reset for each commitment.
        self.reruns: list[str] = []
        self.differences: list[str] = []
        # A decided commitment's amounts as if every pending one were decided (issue 23),
        # for the pending commitments ranked after it: its explanation in that view, by
        # id (`calculation_pending.decided_view`); while its lines are written a second
        # time, `suffix` ends their labels and `written` hands back the input lines
        # already written (the same cells: one edit reaches both).
        self.decided_view: dict[str, Explanation] = {}
        self.suffix = ""
        self.written: dict[tuple[str, ...], dict[int, str]] = {}

    def header(self) -> None:
        labels = [
            "Commitment / line",
            "Value",
            *(self.scenario.label(y) for y in self.years),
            "From / rule",
        ]
        header_row(self.sheet, HEADER_ROW, labels, right_from=1)
        self.sheet.row(HEADER_ROW)[self.source_column] = (labels[-1], SOURCE_HEADER)

    def finish(self) -> None:
        widths = self.sheet.widths
        widths[1], widths[VALUE_COLUMN] = 46, 15
        for column in self.column.values():
            widths[column] = 15
        widths[self.source_column] = SOURCE_WIDTH
        frozen = f"{column_letter(FIRST_YEAR_COLUMN)}{HEADER_ROW + 1}"
        finish_sheet(self.sheet, freeze=frozen, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")

    # --- lines ----------------------------------------------------------------------------

    def title(self, text: str, about: str) -> None:
        """A commitment's title line, in the block colour across the sheet."""
        row = self.row
        self.sheet.put(row, 1, text, TITLE)
        for column in range(2, self.source_column):
            self.sheet.put(row, column, None, styles.BLOCK)
        self.sheet.put(row, self.source_column, about, ABOUT)
        self.fit_height(row, about, SOURCE_WIDTH * 1.2)
        self.row += 1

    def line(self, label: str, look: Look = LABEL, note: str = "") -> int:
        """A new line labelled `label`, with a note in the last column; returns its row."""
        row = self.row
        self.sheet.put(row, 1, label + self.suffix if label else label, look)
        if note:
            self.note(row, note)
        self.row += 1
        return row

    def note(self, row: int, text: str) -> None:
        """Text in the last column, wrapped within it (it never runs off the page)."""
        self.sheet.put(row, self.source_column, text, NOTE)
        self.fit_height(row, text, SOURCE_WIDTH * 1.4)

    def fit_height(self, row: int, text: str, per_line: float) -> None:
        # LibreOffice does not grow rows for wrapped text on load: size them here.
        lines = math.ceil(len(text) / per_line)
        if lines > 1:
            self.sheet.heights[row] = max(self.sheet.heights.get(row, 0), 12.5 * lines + 2)

    def put(self, row: int, year: int, value: Value, look: Look = styles.MONEY) -> None:
        self.sheet.put(row, self.column[year], value, look)

    def at(self, row: int, year: int) -> str:
        """The (relative) reference of a line's cell in a year."""
        return f"{self.letter[year]}{row}"

    def span(self, row: int, years: Sequence[int]) -> str:
        """A line's cells over `years` (consecutive): "C9:F9"."""
        return f"{self.at(row, years[0])}:{self.at(row, years[-1])}"

    def amounts(self, row: int, formulas: dict[int, tuple[str, int]], look: Look) -> None:
        """A line of amounts: per year a formula and the engine's cents."""
        for year, (expression, cents) in formulas.items():
            self.put(row, year, Formula.money(expression, cents), look)

    def rounding(self, label: str, cents: dict[int, int]) -> int:
        """A line of the cents that the largest remainder moves, if any moved (else 0)."""
        moved = {year: c for year, c in cents.items() if c}
        if not moved:
            return 0
        row = self.line(label, ROUNDING, note="a constant: the cent the largest remainder moves")
        for year, c in moved.items():
            self.put(row, year, euros(c), ROUNDING)
        return row

    def plus(self, row: int, year: int) -> str:
        """ "+C12" when line `row` (a rounding line) has a cell in `year`, else ""."""
        if row and self.sheet.value(row, self.column[year]) is not None:
            return f"+{self.at(row, year)}"
        return ""

    # --- inputs ---------------------------------------------------------------------------

    def origin(self, item: Input) -> str:
        """Where an input came from: its file (relative to the scenario's folder) and field."""
        text = f"{self.file(item.file)}: {item.where}"
        if item.assumption:
            text += " (an assumption)"
        if item.central_of:
            text += f"; the central value of {item.central_of}"
        return text

    def file(self, path: str) -> str:
        path = path or self.scenario.path
        found = self.files.get(path)
        if found is None:
            found = self.files[path] = file_name(path, self.scenario)
        return found

    def common_input(self, item: Input, live: bool = True) -> str:
        """An input that holds for the whole span, in the Value column; returns its
        absolute reference. live: formulas use it (blue); otherwise a change needs a
        re-run, and the note says so."""
        note = self.origin(item) + ("" if live else "; change it, then re-run")
        row = self.line(item.label, note=note)
        value, number_format = cell_value(item.value)
        if item.name == "indexation":
            number_format = RATE
        self.sheet.put(row, VALUE_COLUMN, value, input_look(number_format, item.assumption, live))
        return cell(VALUE_COLUMN, row, absolute=True)

    def year_inputs(self, e: Explanation, name: str) -> dict[int, str] | None:
        """The line of a per-year input (None if the years have none): one cell in the
        Value column when the scenario gives one value for every year, else a cell per
        year. Returns each year's reference."""
        done = self.written.get((e.commitment, name))
        if done is not None:
            return done
        found = [(y.year, i) for y in e.years for i in y.inputs if i.name == name]
        if not found:
            return None
        refs = self._year_inputs(e, name, found)
        self.written[(e.commitment, name)] = refs
        return refs

    def _year_inputs(
        self, e: Explanation, name: str, found: list[tuple[int, Input]]
    ) -> dict[int, str]:
        first = found[0][1]
        if len({(i.where, i.value) for _, i in found}) == 1:
            ref = self.common_input(first)
            for year, _ in found:
                self.inputs[(e.commitment, name, year)] = (self.row - 1, VALUE_COLUMN)
            return {year: ref for year, _ in found}
        where = first.where.rsplit(", ", 1)[0] if first.where[-4:].isdigit() else first.where
        note = f"{self.file(first.file)}: {where}, per year"
        note += " (an assumption)" if first.assumption else ""
        centrals = sorted({i.central_of for _, i in found if i.central_of})
        note += f"; central values of {', '.join(centrals)}" if centrals else ""
        row = self.line(first.label, note=note)
        for year, item in found:
            value, number_format = cell_value(item.value)
            self.put(row, year, value, input_look(number_format, item.assumption))
            self.inputs[(e.commitment, name, year)] = (row, self.column[year])
        return {year: self.at(row, year) for year, _ in found}

    # --- references between commitments --------------------------------------------------

    def resolve_payments(self) -> None:
        """Cells that hold what a commitment ranked before a top-up pays refer to that
        commitment's cash line (or hold the amount when it has no cell that year)."""
        for i, (row, column, cid, year, cents) in enumerate(self.payments):
            source = self.cash_rows.get(cid)
            if i in self.decided_payments:
                source = self.decided_rows.get(cid, source)
            value: Value = euros(cents)
            if (
                source is not None
                and year in self.column
                and self.sheet.value(source, self.column[year]) is not None
            ):
                value = Formula.money(f"={self.at(source, year)}", cents)
            self.sheet.put(row, column, value, styles.MONEY)
