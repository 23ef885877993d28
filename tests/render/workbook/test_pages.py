"""Printed pages keep a table's totals with its lines (budget.render.workbook.pages): no
total line, and no table's last line, comes within the first three lines of a page, and
every page's rows fit the page at the scale the sheet prints."""

from __future__ import annotations

import sys
from pathlib import Path

import budget
from budget.render.workbook import new_workbook
from budget.render.workbook.ledger_sheet import add_ledger_sheet
from budget.render.workbook.overview_sheet import add_overview_sheets, add_recipient_sheet
from budget.render.workbook.pages import DEFAULT_HEIGHT, PAGE_HEIGHT, keep_totals_with_lines, scale
from budget.render.workbook.sheet import Sheet

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from bench_calculation import scenario_text


def pages(sheet: Sheet) -> list[range]:
    starts = [1, *(b + 1 for b in sheet.row_breaks)]
    last = max(sheet.rows)
    return [range(a, b) for a, b in zip(starts, [*starts[1:], last + 1], strict=True)]


def test_no_total_line_starts_a_page(tmp_path: Path) -> None:
    source = tmp_path / "s.toml"
    source.write_text(scenario_text(300), encoding="utf-8")
    scenario = budget.load_scenario(source)
    rows = budget.project(scenario)
    book = new_workbook()
    placements = add_overview_sheets(book, scenario, rows)
    add_recipient_sheet(book, scenario, rows)
    add_ledger_sheet(book, scenario, rows)
    overview = book["Overview"]
    totals = {
        row
        for p in placements
        for line, row in zip(p.lines, p.rows, strict=True)
        if line.level in ("subtotal", "total")
    }
    assert len(pages(overview)) > 10
    for page in pages(overview)[1:]:
        assert not totals & set(page[:3]), page
    for sheet in (overview, book["By recipient"], book["Commitment vs cash"]):
        factor = scale(sheet)
        for page in pages(sheet):
            used = sum(sheet.heights.get(r, DEFAULT_HEIGHT) * factor for r in page)
            assert used + DEFAULT_HEIGHT * factor <= PAGE_HEIGHT  # room for the header


def test_totals_pull_lines_onto_their_page() -> None:
    # A page holds `capacity` rows; a table of capacity + 2 lines whose last two are
    # totals would leave them alone on page 2: the break moves up, three lines go along.
    sheet = Sheet("t")
    sheet.widths[1] = 10
    capacity = int(PAGE_HEIGHT * 0.95 // DEFAULT_HEIGHT)
    last = capacity + 2
    for row in range(1, last - 1):
        sheet.text(row, 1, f"line {row}")
    for row in (last - 1, last):
        sheet.text(row, 1, "Total")
    keep_totals_with_lines(sheet, {last - 1, last})
    assert sheet.row_breaks == [last - 2 - 3]  # page 2: three lines, then the totals


def test_the_working_prints_on_its_own_sheet_under_its_own_header(tmp_path: Path) -> None:
    # The letter's working once printed on page 11 under the ledger's header (the ledger's
    # print titles): it is a sheet of its own now, with its own header on every page.
    from budget.render.workbook import write_workbook
    from budget.render.workbook.ledger_sheet import (
        UNCOVERED_SHEET,
        WORK_HEADER,
        WORK_SHEET,
        ledger_sheet,
    )
    from tests.helpers import SCENARIOS, as_run

    scenario = as_run(SCENARIOS / "letter-2014.toml")  # as run counts it
    rows = budget.project(scenario)
    path = tmp_path / "letter.xlsx"
    write_workbook(scenario, rows, path, extra_sheets=[ledger_sheet(scenario, rows)])
    import openpyxl

    book = openpyxl.load_workbook(path)
    ledger, work = book["Commitment vs cash"], book[WORK_SHEET]
    at = book.sheetnames.index(ledger.title)
    assert book.sheetnames[at : at + 3] == [ledger.title, UNCOVERED_SHEET, WORK_SHEET]
    assert ledger.print_title_rows == "$4:$4"
    assert [c.value for c in ledger[4]][:2] == ["Funder", "Year"]
    assert work.print_title_rows == "$2:$2"
    assert tuple(c.value for c in work[2])[: len(WORK_HEADER)] == WORK_HEADER
    # Nothing of the working or the uncovered shortfall is left on the ledger's sheet, whose
    # print titles would head their pages; its sums refer to the working.
    texts = [c.value for row in ledger.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith(("Working", "Recipient")) for t in texts)
    assert any(WORK_SHEET in t for t in texts if t.startswith("=SUM("))
    # The share "-" of a year without cash is right-aligned under its header (VWS 2014).
    dashes = [
        r[7] for r in ledger.iter_rows(min_row=5) if r[0].value == "VWS" and r[1].value == 2014
    ]
    assert [c.alignment.horizontal for c in dashes] == ["right"]
    assert ledger.cell(4, 8).alignment.horizontal == "right"


def test_a_funder_title_line_never_ends_a_page() -> None:
    # A page holds `capacity` rows; a group's title line on its last line starts page 2.
    sheet = Sheet("t")
    sheet.widths[1] = 10
    capacity = int(PAGE_HEIGHT * 0.95 // DEFAULT_HEIGHT)
    for row in range(1, 2 * capacity):
        sheet.text(row, 1, f"line {row}")
    keep_totals_with_lines(sheet, (), headings={capacity})
    assert sheet.row_breaks[0] == capacity - 1
