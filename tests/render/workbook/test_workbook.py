"""The workbook of `budget run -o`: numbers, formulas, text safety, atomic and stable writes.

Numbers are checked against the engine (`budget.project`) by reading the sheets back with
openpyxl and evaluating the formulas with a small evaluator (tests/workbook_helpers.py);
LibreOffice's own recalculation is checked in test_libreoffice.py.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

import budget
from budget.cli import cli
from budget.core.errors import InputError
from budget.render.workbook import save, styles, write_workbook
from budget.render.workbook.calculation_split import RE_RUN, RE_RUN_EDIT
from budget.render.workbook.sheet import Book, Formula, clean_text
from budget.testing.strategies import scenarios
from tests.helpers import SCENARIOS, as_run
from tests.workbook_helpers import engine_cents, evaluate, table_cells

HOSTILE = r"""
[scenario]
name = "=HYPERLINK(""http://evil"",""x"")"
description = "@SUM(1,2)"
first_year = 2015
last_year = 2016

[funders."=F"]
name = "=1+1"
source = "+cmd|' /C calc'!A0"

[funders.B]
name = "-2+3"

[recipients."@R"]
name = "@SUM(A1:A9)"
source = "=IMPORTXML(""x"")"

[[commitments]]
id = "=c1"
name = "=SUM(1,2)"
kind = "annual"
recipient = "@R"
funders = { "=F" = "1/3", B = "2/3" }
first_year = 2014
last_year = 2017
amount = "1000.01"
source = "-1"
assumptions = ["amount"]

[[commitments]]
id = "gx"
name = "g\u0001x"
kind = "grant"
recipient = "@R"
funders = { B = "1" }
total = "999.99"
start = 2015-07-01
end = 2017-03-01
advance = "0.6"
settlement_lag = 2
"""
HOSTILE_TEXTS = ("=1+1", "-2+3", "@SUM(A1:A9)", "=SUM(1,2)", "=c1", "+cmd|' /C calc'!A0")
OUR_FORMULA = re.compile(r"^=(0|SUM\([A-Z$0-9:,()SUM]*\)|'[^']+'!\$[A-Z]+\$\d+)$")
# The Calculation sheet's formulas and the references to it: cells, numbers, operators,
# ROUND/MIN/MAX/SUM/SUMSQ/IF/INT/COUNTIF/ABS/OR, comparisons, the check cell's messages and
# the values it compares non-live inputs with (dates, a method: a word or a date, never
# anything that could be a formula); no other text from the input.
CALCULATION = re.compile(
    r"^=(?:[A-Z$0-9:,()+\-*/^.=!<>&]|'Calculation'|\"ok\"|\">\"|\"[0-9A-Za-z_. -]{0,40}\"|\""
    + re.escape(RE_RUN)
    + r"\"|\""
    + re.escape(RE_RUN_EDIT)
    + r"\")*$"
)


def scenario_file(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(text.replace('""', '\\"'), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)
    path = tmp_path_factory.mktemp("example") / "letter.xlsx"
    write_workbook(scenario, rows, path, inputs=[budget.example_path()])
    return scenario, rows, path, openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("hostile")
    source = scenario_file(folder, HOSTILE)
    scenario = as_run(source)
    rows = budget.project(scenario)
    path = folder / "hostile.xlsx"
    write_workbook(scenario, rows, path, inputs=[source])
    return scenario, rows, path, openpyxl.load_workbook(path)


def check_tables(scenario, rows, book) -> int:  # type: ignore[no-untyped-def]
    """Every value cell of the three overview sheets equals the engine's amount."""
    checked = 0
    for sheet, by in (
        ("Overview", "funder"),
        ("Overview x EUR 1,000", "funder"),
        ("By recipient", "recipient"),
    ):
        cells = table_cells(book[sheet])
        assert {c.level for c in cells} == {"item", "subtotal", "total"}
        assert {c.basis for c in cells} == {"cash", "commitment"}
        for cell in cells:
            expected = engine_cents(rows, scenario, cell, by)
            assert evaluate(book, sheet, cell.coordinate) == expected, (sheet, cell)
            checked += 1
    return checked


def test_the_overview_sheets_agree_with_the_engine(example) -> None:  # type: ignore[no-untyped-def]
    scenario, rows, _, book = example
    assert check_tables(scenario, rows, book) > 100
    # The worked figure of the letter: BZ's grant allocated by days.
    ws = book["Overview"]
    bz = [c for c in table_cells(ws) if c.item == "bz-tdh-ecpat" and c.basis == "cash"]
    assert {c.column: evaluate(book, "Overview", c.coordinate) for c in bz} == {
        "2014": 120614035,
        "2015": 79385965,
        "2016": 0,
        "2017": 0,
        "Total": 200000000,
    }


def test_totals_are_live_formulas_and_items_refer_to_the_calculation_sheet(example) -> None:  # type: ignore[no-untyped-def]
    _, _, _, book = example
    for cell in table_cells(book["Overview"]):
        value = book["Overview"][cell.coordinate]
        if cell.level == "item" and cell.column != "Total":
            # The Calculation sheet's funder part, or 0 outside the commitment's years.
            assert str(value.value).startswith("='Calculation'!$") or value.value == 0, cell
        else:
            assert str(value.value).startswith("=SUM("), cell
    for cell in table_cells(book["Overview x EUR 1,000"]):
        formula = str(book["Overview x EUR 1,000"][cell.coordinate].value)
        if cell.level == "item" and cell.column != "Total":
            assert formula.startswith("='Overview'!$"), formula
        assert book["Overview x EUR 1,000"][cell.coordinate].number_format == '#,##0,;-#,##0,;"-"'


def test_earlier_and_later_columns_and_hostile_names_add_up(hostile) -> None:  # type: ignore[no-untyped-def]
    scenario, rows, _, book = hostile
    headers = [c.value for c in book["Overview"][5]]
    assert headers[2:] == ["earlier", "2015", "2016", "later", "Total"]
    assert check_tables(scenario, rows, book) > 50


def test_the_data_sheet_is_a_table_of_the_engine_rows(example) -> None:  # type: ignore[no-untyped-def]
    _, rows, _, book = example
    ws = book["Data"]
    table = ws.tables["Data"]
    assert table.ref == f"A1:I{len(rows) + 1}"
    assert table.autoFilter is not None
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == [*rows.columns[:-1], "amount", "amount_cents"]
    assert len(values) == len(rows) + 1
    for got, want in zip(values[1:], rows.itertuples(index=False, name=None), strict=True):
        *text, year, amount, cents = got
        assert text == list(want[:6])
        assert year == want[6]
        assert cents == want[7]
        assert round(amount * 100) == want[7]
    assert ws["H2"].number_format.startswith('"€"')
    assert ws.freeze_panes == "A2"


def test_the_data_sheet_keeps_hostile_text_as_text(hostile) -> None:  # type: ignore[no-untyped-def]
    _, rows, _, book = hostile
    ws = book["Data"]
    ids = {ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)}
    assert ids == {clean_text(c) for c in rows["commitment"]} == {"=c1", "gx"}
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(row=r, column=2)
        assert cell.data_type == "s"
        if str(cell.value).startswith("="):
            assert cell.quotePrefix


def test_input_text_never_becomes_a_formula(hostile) -> None:  # type: ignore[no-untyped-def]
    _, _, path, book = hostile
    found = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formula = str(cell.value)
                    assert OUR_FORMULA.match(formula) or CALCULATION.match(formula), (
                        ws.title,
                        cell.coordinate,
                        cell.value,
                    )
                elif isinstance(cell.value, str) and cell.value in HOSTILE_TEXTS:
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    found.add(cell.value)
    assert found == set(HOSTILE_TEXTS)
    # And in the file itself: no formula element mentions anything from the input.
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", "replace")
            for formula in re.findall(r"<f>(.*?)</f>", text):
                assert "HYPERLINK" not in formula and "cmd" not in formula and "1+1" not in formula
    assert book["Overview"]["A1"].value.startswith('=HYPERLINK("http://evil"')
    assert book["Overview"]["A1"].data_type == "s"


def test_the_assumptions_sheet_echoes_inputs_and_highlights_assumptions(example) -> None:  # type: ignore[no-untyped-def]
    _, _, _, book = example
    ws = book["Assumptions"]
    lines = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=5) if r[1].value is not None}
    assert lines[("scenario", "written by")][2].value == f"budget {budget.__version__}"
    assert lines[("scenario", "name")][2].value == "Letter 2014"
    assert lines[("sin-top-up", "cap")][2].value == "67,600.00 every year"
    assert lines[("sin-top-up", "funders")][2].value == "VenJ 1/2, VWS 1/2"
    assert lines[("bz-tdh-ecpat", "total")][2].value == "2,000,000.00"
    assert lines[("bz-tdh-ecpat", "start")][2].value == "2014-04-01"
    assert lines[("SIN", "costs")][2].value.startswith("2015: 67,600.00")
    assert "Letter 2014" in lines[("mki-support", "source")][2].value
    highlighted = {
        key
        for key, r in lines.items()
        if r[2].fill is not None and r[2].fill.fgColor.rgb == "00FFF2CC"
    }
    assert highlighted == {("sin-top-up", "funders"), ("mki-support", "amount"), ("SIN", "costs")}


def test_the_assumptions_sheet_names_the_base_file_of_inherited_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("base.toml").write_text(BASE, encoding="utf-8")
    Path("child.toml").write_text(
        '[scenario]\nextends = "base.toml"\nname = "child"\n'
        '[[commitments]]\nid = "c"\namount = "12.50"\nassumptions = ["amount"]\n',
        encoding="utf-8",
    )
    scenario = as_run("child.toml")
    write_workbook(scenario, budget.project(scenario), "out.xlsx")
    ws = openpyxl.load_workbook("out.xlsx")["Assumptions"]
    lines = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=5) if r[1].value}
    assert lines[("c", "amount")][2].value == "12.50 every year"
    assert lines[("c", "amount")][4].value is None  # set in the scenario file itself
    assert lines[("c", "amount")][2].fill.fgColor.rgb == "00FFF2CC"
    assert lines[("c", "first_year")][4].value == "base.toml"
    assert lines[("scenario", "file 2")][2].value in ("base.toml", "child.toml")


def test_presentation(example) -> None:  # type: ignore[no-untyped-def]
    _, _, _, book = example
    assert book.sheetnames == [
        "Overview",
        "Overview chart",
        "Overview x EUR 1,000",
        "By recipient",
        "Data",
        "Assumptions",
        "Calculation",
    ]
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes
        assert all((d.width or 0) > 0 for d in ws.column_dimensions.values())
    ws = book["Overview"]
    assert ws.freeze_panes == "C6"
    total = next(c for c in table_cells(ws) if c.level == "total")
    assert ws[total.coordinate].font.bold
    assert ws["C8"].number_format == '#,##0.00;-#,##0.00;"-"'
    assert not ws._charts  # printed alone it would sit under the repeated headers
    (chart,) = book["Overview chart"]._charts
    assert chart.grouping == "stacked" and chart.type == "col"
    assert len(chart.series) == 3  # one per funder


def test_extra_sheets_are_added(tmp_path: Path) -> None:
    scenario = as_run(budget.example_path())

    def limits(book: Book) -> None:
        book.add_sheet("Limits").text(1, 1, "limits")

    path = tmp_path / "x.xlsx"
    write_workbook(scenario, budget.project(scenario), path, extra_sheets=[limits])
    assert openpyxl.load_workbook(path).sheetnames[-1] == "Limits"


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(scenario, rows, first)
    write_workbook(scenario, budget.project(scenario), second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {save.ZIP_TIME}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2


def test_rows_that_do_not_fit_go_to_a_csv_beside_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("budget.render.workbook.data_sheet.MAX_DATA_ROWS", 10)
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)
    path = tmp_path / "big.xlsx"
    assert write_workbook(scenario, rows, path) == [path, tmp_path / "big.data.csv"]
    note = openpyxl.load_workbook(path)["Data"]["A2"].value
    assert f"{len(rows):,} rows" in note and "big.data.csv" in note
    with (tmp_path / "big.data.csv").open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == [*rows.columns[:-1], "year_label", "currency", "amount", "amount_cents"]
    assert len(lines) == len(rows) + 1
    for line, want in zip(lines[1:], rows.itertuples(index=False, name=None), strict=True):
        cents = want[7]
        assert line[:6] == list(want[:6])
        assert line[7:9] == [str(want[6]), "EUR"]
        assert line[9] == f"{cents // 100}.{cents % 100:02d}" and int(line[10]) == cents
    # Exactly what `budget run --format csv` prints.
    printed = CliRunner().invoke(cli, ["run", "--format", "csv"]).stdout
    assert (tmp_path / "big.data.csv").read_text(encoding="utf-8") == printed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.data.csv", "big.xlsx"]
    result = CliRunner().invoke(cli, ["run", "-o", str(path)])
    assert result.exit_code == 0
    assert "wrote them to" in result.stderr and "big.data.csv" in result.stderr


def test_a_failed_write_leaves_the_old_workbook_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"the old workbook")

    def broken(book, out):  # type: ignore[no-untyped-def]
        out.write(b"PK half a workbook")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(save, "write_package", broken)
    with pytest.raises(RuntimeError):
        write_workbook(scenario, rows, path)
    import gc

    assert gc.isenabled()  # the cycle collector, paused while writing, runs again
    assert path.read_bytes() == b"the old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_an_existing_workbook_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    result = CliRunner().invoke(cli, ["run", str(budget.example_path()), "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(path).sheetnames[0] == "Overview"


BASE = """
[scenario]
name = "base"
first_year = 2015
last_year = 2016
[funders.A]
name = "A"
[recipients.R]
name = "R"
[[commitments]]
id = "c"
kind = "annual"
recipient = "R"
funders = { A = "1" }
first_year = 2015
last_year = 2016
amount = "10.00"
"""


@pytest.mark.parametrize(
    ("target", "message"),
    [
        # Scenario files under names that -o writes (.csv, .json): refused as inputs.
        ("base.csv", "is an input of this scenario"),
        ("child.json", "is an input of this scenario"),
        ("missing/out.xlsx", "does not exist"),
    ],
)
def test_refused_targets_exit_1_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("base.csv").write_text(BASE, encoding="utf-8")
    Path("child.json").write_text('[scenario]\nextends = "base.csv"\nname = "child"\n')
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = CliRunner().invoke(cli, ["run", "child.json", "-o", target])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert lines[0].startswith(target)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_write_workbook_refuses_the_scenario_file(tmp_path: Path) -> None:
    source = scenario_file(tmp_path, BASE, "base.toml")
    scenario = as_run(source)
    with pytest.raises(InputError) as raised:
        write_workbook(scenario, budget.project(scenario), source)
    assert "refusing to write over it" in str(raised.value)
    assert source.read_text(encoding="utf-8") == BASE


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(max_commitments=4))
def test_generated_scenarios_add_up_in_the_workbook(scenario) -> None:  # type: ignore[no-untyped-def]
    rows = budget.project(scenario)
    buffer = io.BytesIO()

    def capture(target, write):  # type: ignore[no-untyped-def]
        write(buffer)

    original = save.write_atomically
    save.write_atomically = capture  # type: ignore[assignment]
    try:
        write_workbook(scenario, rows, "unused.xlsx")
    finally:
        save.write_atomically = original  # type: ignore[assignment]
    buffer.seek(0)
    check_tables(scenario, rows, openpyxl.load_workbook(buffer))


def test_the_serialiser_writes_what_the_sheet_holds(tmp_path: Path) -> None:
    from budget.render.workbook import new_workbook

    book = new_workbook()
    sheet = book.add_sheet("Cells")
    for column, text in enumerate(HOSTILE_TEXTS, 1):
        sheet.text(1, column, text)
    sheet.text(2, 1, "ok\u0001<&>", styles.BOLD_LOOK)
    sheet.money(2, 2, 12345, styles.Look(number_format="0.00"))
    sheet.formula(2, 3, Formula.money("=SUM(B2)", 12345), styles.MONEY_BOLD)
    sheet.put(2, 4, None, styles.Look(fill=styles.Fill("FF0000")))
    sheet.formula(2, 5, Formula('=IF(B2>1,"big","")', "big"), styles.TEXT_LOOK)
    sheet.money(3, 1, 5)
    sheet.number(3, 2, 0.125, styles.PERCENT_LOOK)
    sheet.text(3, 3, 42)  # not text yet: written as the text "42"
    sheet.merged.append("A5:C5")
    sheet.text(5, 1, "merged")
    sheet.heights[3] = 30
    sheet.widths[1] = 33
    with pytest.raises(ValueError):
        Formula("SUM(A1)", 0)
    with pytest.raises(ValueError):
        book.add_sheet("Cells")
    path = tmp_path / "cells.xlsx"
    save.save_atomically(book, path, [])
    ws = openpyxl.load_workbook(path)["Cells"]
    assert [c.value for c in ws[1]] == list(HOSTILE_TEXTS)
    assert all(c.data_type == "s" and c.quotePrefix for c in ws[1])
    assert ws["A2"].value == "ok\ufffd<&>" and ws["A2"].font.b and not ws["A2"].quotePrefix
    assert (ws["B2"].value, ws["B2"].number_format) == (123.45, "0.00")
    assert ws["C2"].value == "=SUM(B2)" and ws["C2"].font.b
    assert ws["D2"].value is None and ws["D2"].fill.fgColor.rgb == "00FF0000"
    assert ws["E2"].value == '=IF(B2>1,"big","")'
    assert (ws["A3"].value, ws["B3"].value, ws["C3"].value) == (0.05, 0.125, "42")
    assert ws["B3"].number_format == "0.0%" and ws["C3"].data_type == "s"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A5:C5"]
    assert ws.row_dimensions[3].height == 30 and ws.column_dimensions["A"].width == 33
    assert ws.dimensions == "A1:F5"
    cached = openpyxl.load_workbook(path, data_only=True)["Cells"]
    assert (cached["C2"].value, cached["E2"].value) == (123.45, "big")


def test_a_merged_title_keeps_the_tables(tmp_path: Path) -> None:
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)

    def merge_a_title(book: Book) -> None:
        book["Overview"].merged.append("A1:B1")

    path = tmp_path / "merged.xlsx"
    write_workbook(scenario, rows, path, extra_sheets=[merge_a_title])
    book = openpyxl.load_workbook(path)
    assert book["Overview"].merged_cells.ranges
    assert check_tables(scenario, rows, book) > 100


def test_the_same_bytes_from_any_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)
    (tmp_path / "elsewhere").mkdir()
    write_workbook(scenario, rows, tmp_path / "a.xlsx")
    monkeypatch.chdir(tmp_path / "elsewhere")
    write_workbook(scenario, rows, "../b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        workbook = archive.read("xl/workbook.xml").decode()
    assert 'fullCalcOnLoad="1"' in workbook  # spreadsheet programs still recalculate


@pytest.mark.slow
def test_a_large_workbook_has_the_same_bytes_however_it_is_chunked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ['[scenario]\nname = "many"\nfirst_year = 2020\nlast_year = 2024\n']
    lines.append('[funders.A]\nname = "A"\n[funders.B]\nname = "=B"\n[recipients.R]\nname = "R"\n')
    for i in range(120):
        lines.append(
            f'[[commitments]]\nid = "c{i}"\nname = "+{i}"\nkind = "annual"\nrecipient = "R"\n'
            f'funders = {{ A = "1/3", B = "2/3" }}\nfirst_year = 2020\nlast_year = 2024\n'
            f'amount = "{1000 + 17 * i}.{i % 100:02d}"\n'
        )
    source = scenario_file(tmp_path, "".join(lines))
    scenario = as_run(source)
    rows = budget.project(scenario)
    whole, chunked = tmp_path / "whole.xlsx", tmp_path / "chunked.xlsx"
    from budget.render.workbook import sheetxml

    write_workbook(scenario, rows, whole)
    monkeypatch.setattr(sheetxml, "BLOCK_CHUNK", 500)  # many small pieces of rows per sheet
    write_workbook(scenario, rows, chunked)
    assert whole.read_bytes() == chunked.read_bytes()
    book = openpyxl.load_workbook(whole)
    assert check_tables(scenario, rows, book) > 1000
    assert book["Data"].max_row == len(rows) + 1
    assert book["Overview"]["A8"].value == "+0" and book["Overview"]["A8"].quotePrefix


def test_a_folder_is_refused(tmp_path: Path) -> None:
    from budget.core.errors import InputError
    from budget.render.workbook import write_workbook

    scenario = as_run(budget.example_path())
    with pytest.raises(InputError, match="is a folder"):
        write_workbook(scenario, budget.project(scenario), tmp_path)
    assert CliRunner().invoke(cli, ["run", "-o", str(tmp_path)]).exit_code == 2  # click: usage


def test_an_unsaved_workbook_with_data_rows_is_freed() -> None:
    import gc
    import weakref

    from budget.render.workbook import new_workbook
    from budget.render.workbook.data_sheet import add_data_sheet

    scenario = as_run(budget.example_path())
    workbook = new_workbook()
    add_data_sheet(workbook, budget.project(scenario))
    gone = weakref.ref(workbook)
    del workbook
    gc.collect()
    assert gone() is None


def test_a_register_is_never_written_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    register = "id,kind,recipient,funders,first_year,last_year,amount\nm,annual,R,A,2015,2016,100\n"
    Path("reg.csv").write_text(register, encoding="utf-8")
    Path("s.toml").write_text(
        '[scenario]\nname = "r"\nregister = "reg.csv"\n[funders.A]\n[recipients.R]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["run", "s.toml", "-o", "reg.csv"])
    assert result.exit_code == 1
    assert "is an input of this scenario" in result.stderr
    assert Path("reg.csv").read_text(encoding="utf-8") == register


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(max_commitments=5))
def test_the_recipient_overview_adds_up_to_the_rows(scenario) -> None:  # type: ignore[no-untyped-def]
    from budget.reports.overview import overview_columns, recipient_overview

    rows = budget.project(scenario)
    columns = overview_columns(rows, scenario)
    for basis in ("cash", "commitment"):
        table = recipient_overview(rows, scenario, basis, columns)
        data = rows[rows["basis"] == basis]
        items = [r for r in table.rows if r.level == "item"]
        # Each item is one commitment and funder, summed by hand from the rows.
        for item in items:
            mine = data[(data["commitment"] == item.item) & (data["funder"] == item.funder)]
            assert item.cents[-1] == int(mine["amount_cents"].sum())
            assert str(mine["recipient"].iloc[0]) == item.group
        for sub in (r for r in table.rows if r.level == "subtotal"):
            parts = [r.cents for r in items if r.group == sub.group]
            assert list(sub.cents) == [sum(c) for c in zip(*parts, strict=True)]
        (total,) = [r for r in table.rows if r.level == "total"]
        assert total.cents[-1] == int(data["amount_cents"].sum())
        assert len(items) == data.groupby(["commitment", "funder"], observed=True).ngroups


def test_the_assumptions_sheet_lists_only_inputs_that_apply(tmp_path: Path) -> None:
    # The letter's grant has no advance: no advance or settlement_lag lines; with an
    # advance of 0.8 (bz-advance-80) the allocation does nothing: no allocation line.
    fields = {}
    for name, source in (
        ("letter", budget.example_path()),
        ("advance", SCENARIOS / "bz-advance-80.toml"),
    ):
        scenario = as_run(source)
        path = tmp_path / f"{name}.xlsx"
        write_workbook(scenario, budget.project(scenario), path)
        ws = openpyxl.load_workbook(path)["Assumptions"]
        fields[name] = {r[1].value for r in ws.iter_rows() if r[0].value == "bz-tdh-ecpat"}
    assert {"allocation", "start", "end", "total"} <= fields["letter"]
    assert not {"advance", "settlement_lag"} & fields["letter"]
    assert {"advance", "settlement_lag", "start", "end"} <= fields["advance"]
    assert "allocation" not in fields["advance"]
