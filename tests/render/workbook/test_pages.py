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
