"""The workbook's realisation sheets: "Plan vs actual" (with actuals) and "Indicators".

The sheets' cells, read back with openpyxl and pandas, must hold the numbers of
`budget.engine.realised` (worked out here independently by grouping its rows, and for the
letter by hand); every formula carries its value; input text never becomes a formula; and
LibreOffice recalculates every formula to the same value (slow).
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import budget
from budget.cli import cli
from budget.engine.realised import forecast_rows, realise
from tests.helpers import SCENARIOS, as_run
from tests.realisation_helpers import (
    INDICATORS,
    PLAN,
    indicator_expectations,
    plan_expectations,
    sheet_lines,
)
from tests.render.workbook.test_cached_values import (
    check_cached,
    ledger_expectations,
    overview_expectations,
)
from tests.render.workbook.test_workbook import HOSTILE, scenario_file
from tests.workbook_helpers import libreoffice_convert, soffice

REALISED = SCENARIOS / "letter-2014-realised.toml"


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def realised_of(source: Path, as_of: Any = None) -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    scenario = as_run(source)
    rows = budget.project(scenario)
    frame, problems, _ = realise(scenario, None, as_of, rows)
    assert frame is not None, problems
    return scenario, rows, frame


@pytest.fixture(scope="module")
def realised_book(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("realised") / "realised.xlsx"
    invoke("run", REALISED, "-o", path)
    scenario, rows, frame = realised_of(REALISED)
    return scenario, rows, frame, path, openpyxl.load_workbook(path)


def test_plan_vs_actual_by_hand(realised_book: Any) -> None:
    # The bookings of scenarios/letter-2014-actuals.csv, complete up to 2015-09-01:
    # 2014 closed, 2015 current, 2016-2017 future. BZ's grant: planned 1,206,140.35 in 2014
    # (the projection), 1,000,000.00 paid (closed: the forecast is the actual); 2015:
    # 206,140.35 + 500,000.00 = 706,140.35 paid against 2,000,000 - 1,206,140.35 =
    # 793,859.65 planned (current: the larger). MKI: 50,000 + 45,000 = 95,000 in 2014,
    # 60,000 - 2,500 = 57,500 in 2015 (forecast: the plan, 100,000).
    *_, book = realised_book
    lines = sheet_lines(book[PLAN])

    def value(basis: str, level: str, funder: str, commitment: str, measure: str, year: str):
        (line,) = [
            x
            for x in lines
            if (x["basis"], x["level"], x["funder"], x["commitment"], x["measure"])
            == (basis, level, funder, commitment, measure)
        ]
        return line["cells"][year]

    def cents(cell: Any) -> int:
        return round(cell * 100)

    data = openpyxl.load_workbook(realised_book[3], data_only=True)[PLAN]
    expected = {
        ("BZ", "bz-tdh-ecpat", "Planned", "2014"): 120614035,
        ("BZ", "bz-tdh-ecpat", "Actual", "2014"): 100000000,
        ("BZ", "bz-tdh-ecpat", "Variance", "2014"): -20614035,
        ("BZ", "bz-tdh-ecpat", "Forecast", "2014"): 100000000,
        ("BZ", "bz-tdh-ecpat", "Actual", "2015"): 70614035,
        ("BZ", "bz-tdh-ecpat", "Variance", "2015"): 70614035 - 79385965,
        # the unpaid 206,140.35 of 2014 slips into 2015 (issue 18): 1,000,000.00
        ("BZ", "bz-tdh-ecpat", "Forecast", "2015"): 100000000,
        ("VenJ", "mki-support", "Actual", "2014"): 9500000,
        ("VenJ", "mki-support", "Actual", "2015"): 5750000,
        # annual lapses: 57,500.00 booked + (100,000.00 - 60,000.00 paid) = 97,500.00
        ("VenJ", "mki-support", "Forecast", "2015"): 9750000,
        ("VenJ", "mki-support", "Variance", "2016"): -10000000,
        ("VenJ", "(unplanned)", "Actual", "2015"): 1250000,
        ("VenJ", "(unplanned)", "Forecast", "2015"): 1250000,
    }
    for (funder, commitment, measure, year), want in expected.items():
        cell = value("cash", "item", funder, commitment, measure, year)
        assert cents(data[cell.coordinate].value) == want, (funder, commitment, measure, year)
    # The forecast of all cash: 2014 95,000 + 1,000,000; 2015 33,800 x 2 + 97,500 +
    # 12,500 + 1,000,000 = 1,177,600; 2016 and 2017 33,800 x 2 + 100,000.
    totals = {"2014": 109500000, "2015": 117760000, "2016": 16760000, "2017": 16760000}
    for year, want in [*totals.items(), ("Total", sum(totals.values()))]:
        cell = value("cash", "total", "", "", "Forecast", year)
        assert cents(data[cell.coordinate].value) == want, year
    ws = book[PLAN]
    status = next(r for r in ws.iter_rows() if r[0].value == "Status of the year")
    assert [c.value for c in status[3:7]] == ["closed", "current", "future", "future"]
    text = " ".join(str(ws.cell(r, 1).value) for r in range(1, 6))
    assert "2015-09-01" in text and "larger of planned and actual" in text
    assert "2 bookings have no commitment" in text


def test_every_plan_cell_is_the_realisation_value(realised_book: Any) -> None:
    _, _, frame, path, book = realised_book
    expected = plan_expectations(book, frame)
    values = openpyxl.load_workbook(path, data_only=True)[PLAN]
    assert len(expected) > 150
    for (_, coordinate), want in expected.items():
        assert round(values[coordinate].value * 100) == want, coordinate


def test_formulas_are_live_and_the_chart_compares_plan_and_actual(realised_book: Any) -> None:
    *_, book = realised_book
    ws = book[PLAN]
    lines = sheet_lines(ws)
    kinds = {(x["level"], x["measure"]): x["cells"]["2015"] for x in lines}
    assert kinds[("item", "Planned")].data_type == "n"
    assert kinds[("item", "Actual")].data_type == "n"
    variance = kinds[("item", "Variance")]
    assert re.fullmatch(r"=E(\d+)-E(\d+)", variance.value)
    assert kinds[("item", "Forecast")].value.startswith('=IF(E$8="closed"')
    for level in ("subtotal", "total"):
        for measure in ("Planned", "Actual", "Forecast"):
            assert kinds[(level, measure)].value.startswith("=SUM(")
    assert all(x["cells"]["Total"].value.startswith("=SUM(") for x in lines)
    (chart,) = ws._charts
    assert chart.type == "col" and chart.grouping == "clustered"
    assert len(chart.series) == 3  # planned, actual and forecast cash
    assert ws.freeze_panes == "D9"
    assert ws.print_title_rows == "$7:$8"
    ledger = book["Commitment vs cash"]
    assert "forecast" in ledger["A3"].value


def test_the_ledger_sheet_uses_the_forecast(realised_book: Any) -> None:
    # BZ's grant: 2,000,000 committed in 2014; cash forecast 1,000,000 (2014) and
    # 1,000,000 (2015: the unpaid rest of 2014 slips): nothing outstanding at the end of 2015.
    scenario, _, frame, path, book = realised_book
    forecast = forecast_rows(scenario, frame)
    expected = ledger_expectations(book, scenario, forecast)
    values = openpyxl.load_workbook(path, data_only=True)["Commitment vs cash"]
    closing = [
        values[f"F{r[0].row}"].value
        for r in values.iter_rows(min_row=5)
        if (r[0].value, r[1].value) == ("BZ", 2015)
    ]
    assert closing == [0]
    assert len(expected) > 20


def test_pandas_reads_a_value_wherever_a_formula_stands(realised_book: Any) -> None:
    scenario, rows, frame, path, book = realised_book
    forecast = forecast_rows(scenario, frame)
    expected = overview_expectations(book, scenario, rows)
    expected |= ledger_expectations(book, scenario, forecast)
    ours = plan_expectations(book, frame) | indicator_expectations(book, scenario, forecast)
    assert check_cached(path, expected | ours) > 300
    assert "" not in ours.values()  # no formula of the new sheets reads as empty


def test_the_letters_indicators_by_hand(realised_book: Any) -> None:
    # 475 x 1.075 = 510.625 -> 511; x 1.15 = 546.25 -> 546; x 1.25 = 593.75 -> 594.
    # 522 / 475 - 1 = 9.89...% -> 9.9; 568 / 475 - 1 = 19.57...% -> 19.6; both met.
    path = realised_book[3]
    values = openpyxl.load_workbook(path, data_only=True)[INDICATORS]
    formulas = openpyxl.load_workbook(path)[INDICATORS]
    lines = {r[0].value: r for r in values.iter_rows(min_row=8) if isinstance(r[0].value, int)}
    assert [c.value for c in lines[2012][:7]] == [2012, 475, 0.075, 511, 522, 9.9, "yes"]
    assert [c.value for c in lines[2013][:7]] == [2013, 475, 0.15, 546, 568, 19.6, "yes"]
    assert [c.value for c in lines[2014][:5]] == [2014, 475, 0.25, 594, None]
    row = lines[2014][0].row
    assert formulas[f"D{row}"].value == f"=ROUND(B{row}*(1+C{row}),0)"
    assert all(formulas[f"{c}{row}"].value is None for c in "EFGHI")  # nothing achieved yet
    assert len(formulas._charts) == 1 and len(formulas._charts[0].series) == 2
    # Columns start at zero, so that 522 against 511 looks like the 2% it is.
    assert formulas._charts[0].y_axis.scaling.min == 0


LINKED = """
[scenario]
extends = "{base}"
name = "Linked indicators"

[[indicators]]
id = "reports"
name = "Reports handled by the hotline"
unit = "reports"
base_year = 2014
base = "1000.5"
decimals = 1
targets = {{ 2015 = "+10%", 2016 = 1200, 2017 = "-2.5%" }}
achieved = {{ 2015 = 3, 2016 = 1200, 2017 = "975.5" }}
commitments = ["mki-support"]

[[indicators]]
id = "waiting"
name = "Days waiting for an answer"
unit = ""
base_year = 2014
base = 40
higher_is_better = false
targets = {{ 2015 = "-25%", 2016 = 25 }}
achieved = {{ 2015 = 31, 2016 = 25 }}
commitments = ["sin-top-up", "mki-support"]
"""


def test_cost_per_unit_and_lower_is_better_by_hand(tmp_path: Path) -> None:
    # reports: 1000.5 x 1.1 = 1100.55 -> 1100.6 (one decimal); 2016: 1200 given; 2017:
    # 1000.5 x 0.975 = 975.4875 -> 975.5. MKI's cash is 100,000 a year: 2015 100,000 / 3 =
    # 33,333.33; 2016 100,000 / 1200 = 83.333 -> 83.33; 2017 100,000 / 975.5 = 102.5115...
    # -> 102.51. Change 2015: 3 / 1000.5 - 1 = -99.70% -> -99.7; 2017: 975.5 / 1000.5 - 1 =
    # -2.4987...% -> -2.5; met: 3 < 1100.6 no, 1200 >= 1200 yes, 975.5 >= 975.5 yes.
    # waiting (lower is better): 40 x 0.75 = 30; 31 > 30: not met; 25 <= 25: met. Cash of
    # SIN (VenJ and VWS halves: 67,600 in 2015 and 2016) and MKI (100,000): 167,600 / 31 =
    # 5,406.4516 -> 5,406.45; 167,600 / 25 = 6,704.00.
    source = tmp_path / "linked.toml"
    source.write_text(LINKED.format(base=(SCENARIOS / "letter-2014.toml").as_posix()))
    path = tmp_path / "linked.xlsx"
    invoke("run", source, "-o", path)
    values = openpyxl.load_workbook(path, data_only=True)[INDICATORS]
    rows = [[c.value for c in r[:9]] for r in values.iter_rows(min_row=8)]
    years = [r for r in rows if isinstance(r[0], int) and r[1] != 475]  # not the letter's
    assert years == [
        [2015, 1000.5, 0.1, 1100.6, 3, -99.7, "no", 100000, 33333.33],
        [2016, 1000.5, None, 1200, 1200, 19.9, "yes", 100000, 83.33],
        [2017, 1000.5, -0.025, 975.5, 975.5, -2.5, "yes", 100000, 102.51],
        [2015, 40, -0.25, 30, 31, -22.5, "no", 167600, 5406.45],
        [2016, 40, None, 25, 25, -37.5, "yes", 167600, 6704],
    ]
    formulas = openpyxl.load_workbook(path)[INDICATORS]
    waiting = [r for r in formulas.iter_rows(min_row=8) if r[0].value == 2015][1]
    assert waiting[6].value.startswith(f"=IF(E{waiting[0].row}<=D{waiting[0].row}")
    assert waiting[8].value == f"=ROUND(H{waiting[0].row}/E{waiting[0].row},2)"
    assert len(formulas._charts) == 3  # the letter's indicator and these two
    scenario = as_run(source)
    expected = overview_expectations(
        openpyxl.load_workbook(path), scenario, budget.project(scenario)
    )
    expected |= ledger_expectations(
        openpyxl.load_workbook(path), scenario, budget.project(scenario)
    )
    expected |= indicator_expectations(openpyxl.load_workbook(path), scenario)
    assert check_cached(path, expected) > 100


HOSTILE_ACTUALS = (
    "date,commitment,funder,basis,amount,reference,description\n"
    "2015-03-01,=c1,=F,cash,10.00,=1+1,@SUM(A1:A9)\n"
    "2015-04-01,,B,cash,-5.00,+cmd,-2+3\n"
    "2016-01-01,=c9,=F,commitment,7.01,=x,=HYPERLINK(1)\n"
)
HOSTILE_INDICATOR = """
[[indicators]]
id = "=ind"
name = "=SUM(1,2)"
unit = "@u"
base_year = 2014
base = 10
targets = { 2015 = "+5%" }
achieved = { 2015 = 12 }
commitments = ["=c1"]
"""
OUR_FORMULA = re.compile(
    r'^=(SUM\([A-Z$0-9:,()SUM]*\)|[A-Z]+\d+-[A-Z]+\d+|IF\([A-Z]+\$\d+="closed",.*'
    r"|ROUND\([A-Z0-9*+/(),-]+\)|IF\([A-Z]+\d+[<>]=[A-Z]+\d+,\"yes\",\"no\"\)|0"
    r"|'[^']+'!\$[A-Z]+\$\d+|C\d+\+D\d+-E\d+|[A-Z]\d+|IF\(.*"
    r"|(?:[A-Z]+\d+|MAX|SUM|\d+(?:\.\d+)?|[-+,:()])+)$"  # the cash forecast's rules
)


def test_input_text_never_becomes_a_formula(tmp_path: Path) -> None:
    source = scenario_file(
        tmp_path,
        HOSTILE.replace("[scenario]\n", '[scenario]\nactuals = "hostile.csv"\n')
        + HOSTILE_INDICATOR,
    )
    (tmp_path / "hostile.csv").write_text(HOSTILE_ACTUALS, encoding="utf-8")
    path = tmp_path / "hostile.xlsx"
    invoke("actuals", source, "-o", path)
    book = openpyxl.load_workbook(path)
    texts = set()
    for name in (PLAN, INDICATORS):
        for row in book[name].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert OUR_FORMULA.match(cell.value), (name, cell.coordinate, cell.value)
                    hostile = ("c1", "SUM(1", "ind", "@", "HYPERLINK", "cmd", "x")
                    assert not any(h in cell.value for h in hostile), cell.value
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
    assert {"=c1", "=1+1", "(unplanned)", "=F", "=SUM(1,2) (@u)"} <= texts
    scenario = as_run(source)
    frame, _, _ = realise(scenario)
    expected = plan_expectations(book, frame)
    expected |= indicator_expectations(book, scenario, forecast_rows(scenario, frame))
    values = openpyxl.load_workbook(path, data_only=True)
    for (sheet, coordinate), want in expected.items():
        got = values[sheet][coordinate].value
        if isinstance(want, Fraction):
            assert got == pytest.approx(float(want)), coordinate
        elif isinstance(want, str):
            assert got == want, coordinate
        else:
            assert round(got * 100) == want, coordinate


def test_actuals_writes_the_workbook_with_its_own_files_and_date(tmp_path: Path) -> None:
    # --as-of 2015-06-30: 2015 is still current, but the second BZ instalment (1 July)
    # and the unplanned invoice (1 September) are left out only if the files say so: the
    # date does not filter bookings, it sets each year's status.
    path = tmp_path / "actuals.xlsx"
    result = invoke("actuals", REALISED, "--as-of", "2014-12-31", "-o", path)
    assert "Wrote" in result.stderr
    book = openpyxl.load_workbook(path)
    # the Pending sheet names the pending EU co-financing left out (issue 23)
    assert book.sheetnames[-4:] == ["Commitment vs cash", PLAN, INDICATORS, "Pending"]
    status = next(r for r in book[PLAN].iter_rows() if r[0].value == "Status of the year")
    assert [c.value for c in status[3:7]] == ["closed", "future", "future", "future"]
    _, _, frame = realised_of(REALISED, as_of=__import__("datetime").date(2014, 12, 31))
    values = openpyxl.load_workbook(path, data_only=True)[PLAN]
    for (_, coordinate), want in plan_expectations(book, frame).items():
        assert round(values[coordinate].value * 100) == want, coordinate


def test_without_actuals_no_plan_sheet(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    invoke("run", SCENARIOS / "letter-2014.toml", "-o", path)
    names = openpyxl.load_workbook(path).sheetnames
    assert PLAN not in names and names[-2:] == [INDICATORS, "Pending"]


@pytest.mark.slow
def test_libreoffice_recalculates_the_new_formulas(tmp_path: Path) -> None:
    """Every formula of the realisation sheets (and the rest of the workbook), its cached
    value first replaced by 999, recalculates in LibreOffice to the engine's value."""
    from tests.render.workbook.test_libreoffice import with_wrong_cached_values

    soffice()
    linked = tmp_path / "linked.toml"
    linked.write_text(LINKED.format(base=REALISED.as_posix()))
    written, doctored = [], []
    for name, command in (
        ("actuals", ["actuals", REALISED]),
        ("linked", ["run", linked]),
    ):
        path = tmp_path / f"{name}-written.xlsx"
        invoke(*command, "-o", path)
        written.append(path)
        doctored.append(tmp_path / f"{name}.xlsx")
        assert with_wrong_cached_values(path, doctored[-1]) > 100
    # What-ifs: each of CASH_EDITS typed into a copy of the actuals workbook.
    from tests.realisation_helpers import CASH_EDITS, edited_engine_forecast

    edits = []
    for number, edit in enumerate(CASH_EDITS):
        commitment, _, measure, year, cents = edit
        book = openpyxl.load_workbook(written[0])
        ws = book[PLAN]
        lines = sheet_lines(ws)
        ws[_cash_item(lines, commitment, measure)["cells"][str(year)].coordinate] = cents / 100
        edits.append((edit, _cash_item(lines, commitment, "Forecast")["cells"]))
        book.save(tmp_path / f"edit{number}.xlsx")
    converted = libreoffice_convert(
        [*doctored, *(tmp_path / f"edit{n}.xlsx" for n in range(len(CASH_EDITS)))],
        tmp_path / "out",
        "xlsx",
        tmp_path / "profile",
    )
    scenario = as_run(REALISED)
    as_of = realise(scenario)[0].attrs["as_of"]  # type: ignore[union-attr]
    for (edit, forecast), theirs in zip(edits, converted[len(doctored) :], strict=True):
        values = openpyxl.load_workbook(theirs, data_only=True)[PLAN]
        want = edited_engine_forecast(scenario, edit, as_of)
        for year, cell in forecast.items():
            if year != "Total":
                got = round(values[cell.coordinate].value * 100)
                assert got == want.get(int(year), 0), (edit, year)
    converted = converted[: len(doctored)]
    for source, ours, theirs in zip((REALISED, linked), written, converted, strict=True):
        scenario = as_run(source)
        frame, _, _ = realise(scenario)
        assert frame is not None
        book = openpyxl.load_workbook(ours)
        expected = plan_expectations(book, frame)
        expected |= indicator_expectations(book, scenario, forecast_rows(scenario, frame))
        values = openpyxl.load_workbook(theirs, data_only=True)
        checked = 0
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f" or ws.title not in (PLAN, INDICATORS):
                        continue
                    want = expected[(ws.title, cell.coordinate)]
                    got = values[ws.title][cell.coordinate].value
                    where = (ours.name, ws.title, cell.coordinate, got, want)
                    if isinstance(want, str):
                        assert got == want, where
                    elif isinstance(want, Fraction):
                        assert got == pytest.approx(float(want), abs=1e-9), where
                    else:
                        assert round(got * 100) == want, where
                    checked += 1
        assert checked > (150 if source == REALISED else 20)


def test_the_workbook_never_overwrites_an_actuals_file(tmp_path: Path) -> None:
    bookings = tmp_path / "bookings.csv"
    bookings.write_bytes((SCENARIOS / "letter-2014-actuals.csv").read_bytes())
    before = bookings.read_bytes()
    result = CliRunner().invoke(
        cli, ["actuals", str(REALISED), "--actuals", str(bookings), "-o", str(bookings)]
    )
    assert result.exit_code == 1
    assert "refusing to write over it" in result.stderr
    assert bookings.read_bytes() == before


def _cash_item(lines: list[dict[str, Any]], commitment: str, measure: str) -> dict[str, Any]:
    (line,) = [
        x
        for x in lines
        if (x["basis"], x["level"], x["commitment"], x["measure"])
        == ("cash", "item", commitment, measure)
    ]
    return line


def test_the_cash_forecast_is_live_and_follows_edits(realised_book: Any) -> None:
    """Every cash item's forecast is a formula of its planned and actual cells (closed
    year A; lapses A + max(0, P - A+); slips: owed carried forward, paid ahead lowering the
    later years); evaluated exactly, it gives the engine's forecast, also after an edit of
    a planned or an actual cell (the engine: the plan's row changed, or a booking added)."""
    from tests.formulas import evaluator, sheet_expectations
    from tests.realisation_helpers import (
        CASH_EDIT_FORECASTS,
        CASH_EDITS,
        edited_engine_forecast,
    )

    scenario, _, frame, path, book = realised_book
    lines = sheet_lines(book[PLAN])
    cash = [
        x for x in lines if (x["basis"], x["level"], x["measure"]) == ("cash", "item", "Forecast")
    ]
    assert len(cash) >= 4
    assert all(c.data_type == "f" for x in cash for c in x["cells"].values())
    evaluated = sheet_expectations(book, PLAN)
    expected = plan_expectations(book, frame)
    assert {(PLAN, c.coordinate) for x in cash for c in x["cells"].values()} <= evaluated.keys()
    for key, got in evaluated.items():
        assert got == expected[key], key
    as_of = frame.attrs["as_of"]
    for number, edit in enumerate(CASH_EDITS):
        commitment, _, measure, year, cents = edit
        edited = openpyxl.load_workbook(path)
        ws = edited[PLAN]
        lines = sheet_lines(ws)
        cell = _cash_item(lines, commitment, measure)["cells"][str(year)]
        ws[cell.coordinate] = cents // 100 if cents % 100 == 0 else cents / 100
        found = evaluator(edited)
        forecast = _cash_item(lines, commitment, "Forecast")["cells"]
        got = {
            int(y): found.value(PLAN, c.coordinate) * 100
            for y, c in forecast.items()
            if y != "Total"
        }
        want = edited_engine_forecast(scenario, edit, as_of)
        for y, expected in want.items():
            assert got[y] == expected, (edit, y)
        assert all(got[y] == 0 for y in got if y not in want), edit
        for y, by_hand in CASH_EDIT_FORECASTS[number].items():  # worked out in the helper
            assert want[y] == by_hand, (edit, y)


@pytest.mark.parametrize("as_of", ["2013-12-31", "2014-06-30", "2014-12-31", "2017-12-31"])
def test_the_cash_forecast_formulas_at_other_actuals_dates(tmp_path: Path, as_of: str) -> None:
    # Before every year, within the first, at a year's end (c is a future year: its
    # bookings do not count yet) and after the last: the formulas, evaluated exactly,
    # give the engine's forecast of every cash line.
    from tests.formulas import sheet_expectations

    path = tmp_path / "realised.xlsx"
    invoke("actuals", REALISED, "--as-of", as_of, "-o", path)
    scenario = as_run(REALISED)
    frame, _, _ = realise(scenario, None, dt.date.fromisoformat(as_of))
    assert frame is not None
    book = openpyxl.load_workbook(path)
    expected = plan_expectations(book, frame)
    evaluated = sheet_expectations(book, PLAN)
    forecasts = [
        c
        for x in sheet_lines(book[PLAN])
        if (x["basis"], x["level"], x["measure"]) == ("cash", "item", "Forecast")
        for c in x["cells"].values()
    ]
    assert forecasts and all(c.data_type == "f" for c in forecasts)
    for key, got in evaluated.items():
        assert got == expected[key], key
