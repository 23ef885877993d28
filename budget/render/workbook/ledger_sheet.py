"""The "Commitment vs cash" sheet: per funder and year, commitments entered, cash paid and
commitments outstanding at year end. Each budget ceiling's headroom per year ("Budget
ceilings") and the shortfall top-ups leave uncovered ("Uncovered shortfall", a line per
recipient and year) go on sheets of their own next to it, so that each table prints with
its own header on every page (a sheet repeats one header). At register scale (more than
`reports.overview.MAX_LISTED` commitments) the Uncovered shortfall sheet shows a line per
year and says that the full list is in NAME.uncovered.csv beside the workbook.

With the Calculation sheet (`budget run -o`, below its size limit), every figure is a live
formula of its inputs: a working on a sheet of its own ("Commitment vs cash working", next
to this one, so that each prints with its own header on every page) holds, per (commitment,
funder) pair and year, what is entered and paid (references to the funder's parts on the
Calculation sheet), what is outstanding at the start of the year and what of the cash
settles earlier commitments (MIN(paid, MAX(opening, 0)), as `budget.reports.ledger` computes
it); the ledger sums those rows; a ceiling's amount refers to the ledger, its headroom and
its breach flag ("BREACHED"/"ok") are formulas and a conditional format marks a breach; the
uncovered shortfall is MAX(0, costs - income - what the recipient receives) (a SUMIFS over
the working by line and recipient number) or MAX(0, shortfall) - what the top-up pays.
Without the Calculation sheet, or for a forecast's rows, entered, paid and the uncovered
shortfall are the engine's amounts and only the arithmetic on top is formulas.

Where money comes back (a settled grant's recovery, receipts basis), the ledger has a
"Recovered" column after "Paid" and closes at opening + entered - paid + recovered, and the
working a "recovered" line (code 5); the recovery is the engine's amount (the Calculation
sheet has no receipts lines). Without a recovery the sheet is as before, column for column.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from budget.core.model import Basis, Scenario
from budget.engine.cash_shifts import shift_deltas
from budget.engine.limits import LimitYear, check_rows
from budget.render.text import rows_csv, with_conventions, with_euros
from budget.render.workbook import styles
from budget.render.workbook.pages import keep_funders_with_lines, keep_totals_with_lines
from budget.render.workbook.save import write_text_atomically
from budget.render.workbook.sheet import (
    Book,
    Formula,
    Highlight,
    Links,
    Sheet,
    Value,
    column_letter,
    euros,
    finish_sheet,
    fit_columns,
    header_row,
    quote_sheetname,
    year_cell,
)
from budget.render.workbook.shifted_links import signed_euros
from budget.render.workbook.styles import Look
from budget.reports import overview as listing  # MAX_LISTED read at use: tests set it
from budget.reports.ledger import LedgerYear, ledger, ledger_grids
from budget.reports.shortfall import Uncovered, uncovered_shortfalls

SHEET = "Commitment vs cash"
PERCENT = styles.PERCENT
LEDGER_HEADER = (
    "Funder",
    "Year",
    "Opening",
    "Entered",
    "Paid",
    "Closing",
    "Paid on earlier commitments",
    "Share of cash committed earlier",
)
# with a recovery: "Recovered" after "Paid" (the columns from "Closing" on move one right)
RECOVERED_HEADER = (*LEDGER_HEADER[:5], "Recovered", *LEDGER_HEADER[5:])
LIMIT_HEADER = ("Funder", "Basis", "Year", "Amount", "Ceiling", "Headroom", "Breached")
SUBTOTAL_TEXT = Look(styles.BOLD, styles.SUBTOTAL_FILL)
SUBTOTAL_BLANK = Look(fill=styles.SUBTOTAL_FILL)
SUBTOTAL_MONEY = Look(styles.BOLD, styles.SUBTOTAL_FILL, number_format=styles.EUROS)
# A share, or "-" without cash: right-aligned, text too, under the right-aligned header.
SHARE_LOOK = Look(number_format=PERCENT, alignment=styles.RIGHT)
SUBTOTAL_PERCENT = Look(
    styles.BOLD, styles.SUBTOTAL_FILL, number_format=PERCENT, alignment=styles.RIGHT
)


def ledger_sheet(
    scenario: Scenario, rows: pd.DataFrame, uncovered: list[Uncovered] | None = None
) -> Callable[[Book], None]:
    """A sheet writer for `write_workbook(extra_sheets=[...])`. uncovered:
    `uncovered_shortfalls(scenario, rows)` when worked out already."""

    def add(book: Book) -> None:
        add_ledger_sheet(book, scenario, rows, live=True, uncovered=uncovered)

    return add


def add_ledger_sheet(
    book: Book,
    scenario: Scenario,
    rows: pd.DataFrame,
    live: bool = False,
    uncovered: list[Uncovered] | None = None,
) -> None:
    """Add the sheet (see the module docstring). live: `rows` are the projection, whose
    parts the Calculation sheet holds, so that the figures can refer to it (a forecast's
    rows are not: its figures stay the engine's amounts). uncovered:
    `uncovered_shortfalls(scenario, rows)` when worked out already."""
    sheet = book.add_sheet(SHEET)
    links = book.links if live else None
    work = Working(scenario, rows, links) if links is not None else None
    if uncovered is None:
        uncovered = uncovered_shortfalls(scenario, rows)
    listed = not summarised(book, scenario)
    gaps = _uncovered(scenario, uncovered, work) if listed else []
    found, checks, recovers = _write(sheet, scenario, rows, work, bool(gaps or uncovered))
    if checks:
        _write_limits(book, scenario, checks, found, "F" if recovers else None)
    if gaps:
        _write_uncovered(book, scenario, gaps)
    elif not listed and uncovered:
        _write_uncovered_summary(book, scenario, uncovered)
    if work is not None:
        work.write(book.add_sheet(WORK_SHEET))


def _write(
    sheet: Sheet, scenario: Scenario, rows: pd.DataFrame, work: Working | None, gaps: bool
) -> tuple[dict[tuple[str, int], int], list[LimitYear], bool]:
    """The ledger (live on `work` when given, the working on its own sheet); says where
    the ceilings and, when `gaps`, the uncovered shortfall are. Returns the ledger's row
    of each (funder, year), the ceilings' checks and whether it has a "Recovered" column."""
    sheet.text(1, 1, f"{scenario.name}: commitments and cash per funder", styles.TITLE_LOOK)
    entries = ledger(rows, list(scenario.funders))
    rule = (
        "opening + entered - paid + recovered"
        if _recovers(entries)
        else ("opening + entered - paid")
    )
    sheet.text(
        2,
        1,
        f"Amounts in {scenario.currency}. Closing = {rule}: commitments "
        "outstanding at year "
        "end. 'Paid on earlier commitments': the part of the year's cash that settles "
        "commitments entered in earlier years.",
        styles.NOTE_LOOK,
    )
    found: dict[tuple[str, int], int] = {}
    row = write_ledger(sheet, 4, entries, scenario.label, work, found)
    checks = check_rows(scenario, rows)
    skip = [1, 2]
    notes = []
    if checks:
        notes.append(f"The budget ceilings' headroom per year: on the sheet '{LIMITS_SHEET}'.")
    if gaps:
        notes.append(f"The shortfall not covered by top-ups: on the sheet '{UNCOVERED_SHEET}'.")
    if work is not None:
        notes.append(
            f"Entered, paid and the uncovered shortfall add up the sheet '{WORK_SHEET}': per "
            "commitment and funder, from the Calculation sheet."
        )
    for note in notes:
        row += 1
        sheet.text(row, 1, note, styles.NOTE_LOOK)
        skip.append(row)
    fit_columns(sheet, skip_rows=tuple(skip))
    finish_sheet(sheet, freeze="C5", title_rows="4:4")
    totals = {r for r, cells in sheet.rows.items() if 1 in cells and cells[1][1] is SUBTOTAL_TEXT}
    keep_totals_with_lines(sheet, totals)
    return found, checks, _recovers(entries)


def _write_limits(
    book: Book,
    scenario: Scenario,
    checks: list[LimitYear],
    found: dict[tuple[str, int], int],
    recovered: str | None = None,
) -> None:
    """The budget ceilings' headroom on a sheet of its own (LIMITS_SHEET), its header on
    every printed page; the amounts refer to the ledger's sheet."""
    sheet = book.add_sheet(LIMITS_SHEET)
    sheet.text(1, 1, f"{scenario.name}: budget ceilings, headroom per year", styles.TITLE_LOOK)
    sheet.text(
        2,
        1,
        f"Amounts in {scenario.currency}. Headroom = ceiling - amount; a limit is breached "
        "when the amount is above the ceiling (equal is not a breach). The amounts are the "
        f"entered (commitment basis), paid (cash basis) or recovered (receipts basis) of "
        f"the sheet '{SHEET}'.",
        styles.NOTE_LOOK,
    )
    row = write_limits(sheet, LIMITS_HEADER_ROW, checks, scenario.label, found, SHEET, recovered)
    fit_columns(sheet, skip_rows=(1, 2))
    header = f"{LIMITS_HEADER_ROW}:{LIMITS_HEADER_ROW}"
    finish_sheet(sheet, freeze=f"D{LIMITS_HEADER_ROW + 1}", title_rows=header)
    keep_totals_with_lines(sheet, {row - 1})


def _write_uncovered(book: Book, scenario: Scenario, gaps: list[tuple[str, int, Value]]) -> None:
    """The uncovered shortfall on a sheet of its own (UNCOVERED_SHEET), which can be long
    (a line per recipient and year): printed with its own header on every page."""
    sheet = book.add_sheet(UNCOVERED_SHEET)
    sheet.text(1, 1, "Shortfall not covered by top-ups", styles.BOLD_LOOK)
    sheet.text(
        2,
        1,
        "The recipient's shortfall above what its top-ups pay (e.g. above a cap): what "
        f"it still lacks after every payment. Amounts in {scenario.currency}.",
        styles.NOTE_LOOK,
    )
    header_row(sheet, UNCOVERED_HEADER_ROW, UNCOVERED_HEADER, right_from=1)
    row = UNCOVERED_HEADER_ROW + 1
    for recipient, year, value in gaps:
        sheet.text(row, 1, recipient)
        sheet.row(row)[2] = year_cell(year, scenario.label)
        sheet.put(row, 3, value, styles.MONEY)
        row += 1
    fit_columns(sheet, skip_rows=(1, 2))
    header = f"{UNCOVERED_HEADER_ROW}:{UNCOVERED_HEADER_ROW}"
    finish_sheet(sheet, freeze=f"A{UNCOVERED_HEADER_ROW + 1}", title_rows=header)
    keep_totals_with_lines(sheet, {row - 1})


def summarised(book: Book, scenario: Scenario) -> bool:
    """Whether the Uncovered shortfall sheet shows a line per year, the full list going to
    a CSV beside the workbook (`uncovered_csv_path`): at register scale (more than
    `reports.overview.MAX_LISTED` commitments), when the book knows where it is saved."""
    return book.target is not None and len(scenario.commitments) > listing.MAX_LISTED


def uncovered_csv_path(path: str | Path) -> Path:
    """Where the uncovered shortfall per recipient and year goes at register scale:
    NAME.uncovered.csv beside the workbook."""
    target = Path(path)
    return target.with_name(f"{target.stem}.uncovered.csv")


def uncovered_csv(scenario: Scenario, found: list[Uncovered]) -> str:
    """The uncovered shortfall per recipient and year as CSV, in the columns of `--format
    csv`: recipient, year, year_label, currency, uncovered (two decimals), uncovered_cents."""
    frame = pd.DataFrame(
        {
            "recipient": pd.Series([u.recipient for u in found], dtype=object),
            "year": np.array([u.year for u in found], dtype=np.int64),
            "uncovered_cents": np.array([u.cents for u in found], dtype=np.int64),
        }
    )
    framed = with_conventions(
        with_euros(frame, ("uncovered_cents",)), scenario.currency, scenario.label
    )
    return rows_csv(framed)


def _write_uncovered_summary(book: Book, scenario: Scenario, found: list[Uncovered]) -> None:
    """At register scale: the uncovered shortfall per year on its sheet (UNCOVERED_SHEET),
    with how many recipients it leaves short, and a line that says where the full list
    (a line per recipient and year) went: NAME.uncovered.csv beside the workbook."""
    assert book.target is not None
    path = uncovered_csv_path(book.target)
    write_text_atomically(path, book.protected, [uncovered_csv(scenario, found)])
    book.beside.append(path)
    per_year: dict[int, list[int]] = {}
    for u in found:
        cents_and_count = per_year.setdefault(u.year, [0, 0])
        cents_and_count[0] += u.cents
        cents_and_count[1] += 1
    sheet = book.add_sheet(UNCOVERED_SHEET)
    sheet.text(1, 1, "Shortfall not covered by top-ups", styles.BOLD_LOOK)
    sheet.text(
        2,
        1,
        "The recipients' shortfall above what their top-ups pay (e.g. above a cap), per "
        f"year: what they still lack after every payment. Amounts in {scenario.currency}.",
        styles.NOTE_LOOK,
    )
    header_row(sheet, UNCOVERED_HEADER_ROW, UNCOVERED_SUMMARY_HEADER, right_from=0)
    row = UNCOVERED_HEADER_ROW + 1
    for year in sorted(per_year):
        cents, count = per_year[year]
        sheet.row(row)[1] = year_cell(year, scenario.label)
        sheet.money(row, 2, cents)
        sheet.number(row, 3, count, COUNT_LOOK)
        row += 1
    last = row - 1
    row += 1
    sheet.text(
        row,
        1,
        f"{len(scenario.commitments):,} commitments, more than the {listing.MAX_LISTED:,} "
        f"listed one by one: the lines here are totals per year. The shortfall of each "
        f"recipient and year ({len(found):,} lines) is in the CSV file {path.name!r} beside "
        "this workbook (recipient, year, year_label, currency, uncovered, uncovered_cents).",
        styles.NOTE_LOOK,
    )
    fit_columns(sheet, skip_rows=(1, 2, row))
    header = f"{UNCOVERED_HEADER_ROW}:{UNCOVERED_HEADER_ROW}"
    finish_sheet(sheet, freeze=f"A{UNCOVERED_HEADER_ROW + 1}", title_rows=header)
    keep_totals_with_lines(sheet, {last})


NO_CASH = "-"  # the share of a year without cash (a formula cell is never empty)
WITHIN = "ok"  # the flag of a ceiling that holds
BREACHED = "BREACHED"
FLAG = Look(alignment=styles.RIGHT)  # under the right-aligned header
# The working's lines per (commitment, funder) pair, in this order; their codes (1-4) sit
# in a column of their own, so that formulas select lines by number, never by input text.
LINES = ("entered", "paid", "opening", "covered")
LINE_LABELS = {
    "entered": "entered",
    "paid": "paid",
    "opening": "opening",
    "covered": "on earlier",
    "recovered": "recovered",
}
RECOVERED_LINES = (*LINES, "recovered")  # the working where money comes back (code 5)
LIMITS_SHEET = "Budget ceilings"
LIMITS_HEADER_ROW = 4
UNCOVERED_SHEET = "Uncovered shortfall"
UNCOVERED_HEADER = ("Recipient", "Year", "Uncovered")
UNCOVERED_SUMMARY_HEADER = ("Year", "Uncovered", "Recipients short")  # register scale
COUNT_LOOK = Look(number_format="#,##0")
UNCOVERED_HEADER_ROW = 3
WORK_SHEET = "Commitment vs cash working"
WORK_TOP = 1  # the working's title; its header below, repeated on every printed page
WORK_HEADER = ("Commitment", "Funder", "Line", "Recipient", "Line", "Recipient")
FIRST_WORK_YEAR = len(WORK_HEADER) + 1


class Working:
    """The working (on a sheet of its own, WORK_SHEET): per funder, per line (entered,
    paid, outstanding at the start of the year, paid on earlier commitments), one row per
    (commitment, funder) pair with years across. Entered and paid refer to the funder's parts on the
    Calculation sheet; the ledger's figures are SUMs of these rows, so that an edit on the
    Calculation sheet flows to every figure."""

    def __init__(self, scenario: Scenario, rows: pd.DataFrame, links: Links) -> None:
        self.scenario, self.links, self.top = scenario, links, WORK_TOP
        self.name = quote_sheetname(WORK_SHEET)
        years, pairs, self.grids = ledger_grids(rows)
        self.years = [int(y) for y in years]
        recipients = dict(
            zip(rows["commitment"].astype(str), rows["recipient"].astype(str), strict=True)
        )
        self.recipient_of = recipients
        self.recipient_number = {r: i for i, r in enumerate(scenario.recipients, 1)}
        funders = [f for f in scenario.funders if any(p[1] == f for p in pairs)]
        self.order: list[tuple[str, list[int]]] = [
            (f, [i for i, p in enumerate(pairs) if p[1] == f]) for f in funders
        ]
        self.pairs = pairs
        self.lines = RECOVERED_LINES if self.grids["recovered"].any() else LINES
        self.first_row: dict[tuple[str, str], int] = {}  # (funder, line) -> first row
        row = self.top + 2
        for funder, mine in self.order:
            row += 1  # the funder's title line
            for line in self.lines:
                self.first_row[(funder, line)] = row
                row += len(mine)
        self.height = row - self.top
        self.bottom = row - 1

    def letter(self, year: int) -> str | None:
        if year not in self.years:
            return None
        return column_letter(FIRST_WORK_YEAR + self.years.index(year))

    def total(self, funder: str, line: str, year: int) -> str | None:
        """A SUM over the funder's rows of `line` in `year` (None: not in the working)."""
        letter = self.letter(year)
        mine = dict(self.order).get(funder)
        if letter is None or not mine:
            return None
        first = self.first_row[(funder, line)]
        return f"=SUM({self.name}!{letter}{first}:{letter}{first + len(mine) - 1})"

    def received(self, recipient: str, year: int) -> str:
        """What every commitment pays the recipient in cash in `year`: a SUMIFS on the
        line and recipient numbers ("0" when the year is not in the working)."""
        letter = self.letter(year)
        number = self.recipient_number.get(recipient)
        if letter is None or number is None:
            return "0"
        first, last = self.top + 3, self.bottom
        code, who, at = column_letter(5), column_letter(6), self.name
        return (
            f"SUMIFS({at}!{letter}${first}:{letter}${last},{at}!${code}${first}:${code}${last},"
            f"2,{at}!${who}${first}:${who}${last},{number})"
        )

    def write(self, sheet: Sheet) -> None:
        """Write the working on its sheet, with its header repeated on every page."""
        top = self.top
        sheet.text(top, 1, "Working: per commitment and funder", styles.BOLD_LOOK)
        header_row(sheet, top + 1, [*WORK_HEADER, *map(self.scenario.label, self.years)], 1, 4)
        columns = {y: FIRST_WORK_YEAR + j for j, y in enumerate(self.years)}
        letters = {y: column_letter(c) for y, c in columns.items()}
        row = top + 2
        for funder, mine in self.order:
            sheet.text(row, 1, funder, styles.BOLD_LOOK)
            row += 1
            for code, line in enumerate(self.lines, 1):
                for index in mine:
                    commitment, _ = self.pairs[index]
                    recipient = self.recipient_of.get(commitment, "")
                    sheet.text(row, 1, commitment)
                    sheet.text(row, 2, funder)
                    sheet.text(row, 3, LINE_LABELS[line])
                    sheet.text(row, 4, recipient)
                    sheet.number(row, 5, code, styles.YEAR_LOOK)
                    sheet.number(row, 6, self.recipient_number.get(recipient, 0), styles.YEAR_LOOK)
                    cents = self.grids[line][index]
                    for j, year in enumerate(self.years):
                        value = self._cell(line, commitment, funder, year, letters, row, mine)
                        cached = int(cents[j])
                        if isinstance(value, str):
                            sheet.formula(row, columns[year], Formula.money(value, cached))
                        else:
                            sheet.money(row, columns[year], cached)
                    row += 1
        fit_columns(sheet, skip_rows=(top,))
        finish_sheet(sheet, freeze=f"C{top + 2}", title_rows=f"{top + 1}:{top + 1}")
        titles = {r for r, cells in sheet.rows.items() if 1 in cells and len(cells) == 1}
        keep_funders_with_lines(sheet, titles)

    def _cell(
        self,
        line: str,
        commitment: str,
        funder: str,
        year: int,
        letters: dict[int, str],
        row: int,
        mine: list[int],
    ) -> str | None:
        """The formula of a cell of the working, or None for the engine's constant."""
        letter = letters[year]
        if line == "recovered":
            return None  # the engine's recovery: the Calculation sheet has no receipts
        if line in ("entered", "paid"):
            basis = Basis.COMMITMENT if line == "entered" else Basis.CASH
            found = self.links.parts.get((commitment, funder, basis, year))
            return f"={found}" if found else None
        if line == "opening":
            index = self.years.index(year)
            if index == 0:
                return None
            before = letters[self.years[index - 1]]
            step = len(mine)
            entered, paid = row - 2 * step, row - step
            back = f"+{before}{row + 2 * step}" if "recovered" in self.lines else ""
            return f"={before}{row}+{before}{entered}-{before}{paid}{back}"
        step = len(mine)
        paid, opening = row - 2 * step, row - step
        return f"=MIN({letter}{paid},MAX({letter}{opening},0))"


def _uncovered(
    scenario: Scenario, found: list[Uncovered], work: Working | None
) -> list[tuple[str, int, Value]]:
    """The uncovered shortfall per recipient and year (`found`: the engine's): the
    positive ones as amounts, or, live, every year of every top-up as a formula of the
    Calculation sheet's inputs (costs, income or a given shortfall) and what is paid."""
    if work is None:
        return [(g.recipient, g.year, euros(g.cents)) for g in found]
    cents = {(g.recipient, g.year): g.cents for g in found}
    links = work.links
    # A top-up's own cash line is its cash before the shifts (its funders' parts, which
    # the working sums, are after them): a shifted top-up pays its line plus the delta.
    moved: dict[tuple[str, int], int] = {}
    for (cid, _, year), delta in shift_deltas(scenario).items():
        moved[(cid, year)] = moved.get((cid, year), 0) + delta
    parts: dict[tuple[str, int], list[str] | None] = {}
    derived: set[tuple[str, int]] = set()
    for c in scenario.commitments:
        if c.kind != "top_up":
            continue
        spec = c.spec
        for year in range(spec.first_year, spec.last_year + 1):
            key = (c.recipient, year)
            terms = parts.setdefault(key, [])
            if terms is None:
                continue
            if spec.shortfall is None:
                if key in derived:
                    continue
                derived.add(key)
                costs = links.inputs.get((c.id, "costs", year))
                income = links.inputs.get((c.id, "income", year))
                if costs is None or income is None:
                    parts[key] = None
                    continue
                terms.append(f"MAX(0,{costs}-{income}-{work.received(c.recipient, year)})")
            else:
                given = links.inputs.get((c.id, "shortfall", year))
                if given is None:
                    parts[key] = None
                    continue
                paid = links.cash.get((c.id, year), "0")
                if moved.get((c.id, year)):
                    paid = f"({paid}{signed_euros(moved[(c.id, year)])})"
                terms.append(f"MAX(0,MAX(0,{given})-{paid})")
    order = {key: i for i, key in enumerate(scenario.recipients)}
    out: list[tuple[str, int, Value]] = []
    for (recipient, year), terms in sorted(
        parts.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
    ):
        amount = cents.get((recipient, year), 0)
        if terms:
            out.append((recipient, year, Formula.money("=" + "+".join(terms), amount)))
        elif terms is None:
            out.append((recipient, year, euros(amount)))
    return out


def _recovers(entries: list[LedgerYear]) -> bool:
    """Whether money comes back anywhere (then the ledger has its "Recovered" column)."""
    return any(e.recovered for e in entries)


def share(committed_earlier: int, paid: int) -> float | str:
    """What =IF(E=0,"-",G/E) gives: the share of the cash committed earlier, "-" without
    cash."""
    return committed_earlier / paid if paid else NO_CASH


def write_ledger(
    sheet: Sheet,
    top: int,
    entries: list[LedgerYear],
    label: Callable[[int], str] = str,
    work: Working | None = None,
    found: dict[tuple[str, int], int] | None = None,
) -> int:
    """The ledger table from row `top`; returns the first free row below it. With `work`,
    entered, paid and the part paid on earlier commitments are SUMs of the working's rows;
    `found` gets each (funder, year)'s row. Where money comes back, a "Recovered" column
    after "Paid" (the engine's amounts), and closing = opening + entered - paid +
    recovered."""
    recovers = _recovers(entries)
    header = RECOVERED_HEADER if recovers else LEDGER_HEADER
    header_row(sheet, top, header, right_from=1)
    # the columns of recovered (None: none), closing, paid on earlier and the share
    back, close, earlier_at, share_at = (6, 7, 8, 9) if recovers else (None, 6, 7, 8)
    closed, cash, covered = (column_letter(c) for c in (close, 5, earlier_at))
    plus_back = f"+{column_letter(back)}{{row}}" if back else ""  # the closing's last term
    row = top + 1
    funders = list(dict.fromkeys(e.funder for e in entries))
    for funder in funders:
        mine = [e for e in entries if e.funder == funder]
        first = row
        for index, e in enumerate(mine):
            if found is not None:
                found[(funder, int(e.year))] = row
            sheet.text(row, 1, funder)
            sheet.row(row)[2] = year_cell(int(e.year), label)
            live = {
                line: work.total(funder, line, int(e.year)) if work is not None else None
                for line in (work.lines if work is not None else LINES)
            }
            if index > 0:
                sheet.formula(row, 3, Formula.money(f"={closed}{row - 1}", e.opening))
            elif live["opening"]:
                sheet.formula(row, 3, Formula.money(str(live["opening"]), e.opening))
            else:
                sheet.money(row, 3, e.opening)
            for column, line, cents in (
                (4, "entered", e.entered),
                (5, "paid", e.paid),
                (earlier_at, "covered", e.paid_committed_earlier),
                (back, "recovered", e.recovered),
            ):
                if column is None:
                    continue
                expression = live.get(line)
                if expression:
                    sheet.formula(row, column, Formula.money(expression, cents))
                else:
                    sheet.money(row, column, cents)
            closing = f"=C{row}+D{row}-E{row}{plus_back.format(row=row)}"
            sheet.formula(row, close, Formula.money(closing, e.closing))
            ratio = Formula(
                f'=IF({cash}{row}=0,"{NO_CASH}",{covered}{row}/{cash}{row})',
                share(e.paid_committed_earlier, e.paid),
            )
            sheet.formula(row, share_at, ratio, SHARE_LOOK)
            row += 1
        last = row - 1
        entered = sum(e.entered for e in mine)
        paid = sum(e.paid for e in mine)
        earlier = sum(e.paid_committed_earlier for e in mine)
        recovered = sum(e.recovered for e in mine)
        opening = mine[0].opening
        sheet.text(row, 1, f"Total {funder}", SUBTOTAL_TEXT)
        sheet.text(row, 2, "", SUBTOTAL_BLANK)
        sheet.formula(row, 3, Formula.money(f"=C{first}", opening), SUBTOTAL_MONEY)
        sums = [(4, entered), (5, paid), (earlier_at, earlier)]
        if back:
            sums.append((back, recovered))
        for column, cents in sums:
            letter = column_letter(column)
            total = Formula.money(f"=SUM({letter}{first}:{letter}{last})", cents)
            sheet.formula(row, column, total, SUBTOTAL_MONEY)
        closing_sum = Formula.money(
            f"=C{row}+D{row}-E{row}{plus_back.format(row=row)}",
            opening + entered - paid + recovered,
        )
        sheet.formula(row, close, closing_sum, SUBTOTAL_MONEY)
        ratio = Formula(
            f'=IF({cash}{row}=0,"{NO_CASH}",{covered}{row}/{cash}{row})', share(earlier, paid)
        )
        sheet.formula(row, share_at, ratio, SUBTOTAL_PERCENT)
        row += 2
    return row


def write_limits(
    sheet: Sheet,
    top: int,
    checks: list[LimitYear],
    label: Callable[[int], str] = str,
    found: dict[tuple[str, int], int] | None = None,
    ledger_sheet: str | None = None,
    recovered: str | None = None,
) -> int:
    """The headroom table from row `top`; returns the first free row below it. With
    `found` (the ledger's row of each funder and year, on the sheet `ledger_sheet`, or on
    this one when None), the amounts refer to the ledger's entered (commitment basis) or
    paid (cash basis), or its recovered (receipts basis) in the column `recovered` (None:
    the ledger has none, the amount is the engine's). A breach is marked by a conditional
    format, so that the mark follows an edit."""
    at = "" if ledger_sheet is None else quote_sheetname(ledger_sheet) + "!"
    header_row(sheet, top, LIMIT_HEADER, right_from=2)
    row = top + 1
    for check in checks:
        sheet.text(row, 1, check.limit.funder)
        sheet.text(row, 2, check.limit.basis)
        sheet.row(row)[3] = year_cell(int(check.year), label)
        source = (found or {}).get((check.limit.funder, int(check.year)))
        column = {Basis.COMMITMENT: "D", Basis.CASH: "E", Basis.RECEIPTS: recovered}
        if source is not None and column[check.limit.basis] is not None:
            sheet.formula(
                row, 4, Formula.money(f"={at}{column[check.limit.basis]}{source}", check.amount)
            )
        else:
            sheet.money(row, 4, check.amount)
        sheet.money(row, 5, check.ceiling)
        headroom = Formula.money(f"=E{row}-D{row}", check.headroom)
        sheet.formula(row, 6, headroom, styles.MONEY)
        flag = Formula(
            f'=IF(D{row}>E{row},"{BREACHED}","{WITHIN}")', BREACHED if check.breached else WITHIN
        )
        sheet.formula(row, 7, flag, FLAG)
        row += 1
    if checks:
        sheet.highlights.append(
            Highlight(
                f"F{top + 1}:G{row - 1}",
                f"$D{top + 1}>$E{top + 1}",
                styles.BREACH_FONT,
                styles.BREACH_FILL,
            )
        )
    return row
