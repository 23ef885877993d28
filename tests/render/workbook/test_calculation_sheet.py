"""The Calculation sheet: every amount a live formula of the inputs, equal to the engine's.

Fast tests evaluate the sheet's formulas exactly (tests/formulas.py, written independently
of the sheet) and check them against the engine and the cached values; a what-if edit of
an input cell must move the Overview's totals by exactly what the engine gives for the
same edit of the scenario. The slow tests let LibreOffice recalculate (after every cached
value has been made wrong) the bundled example, fifty generated scenarios and the edits,
in one LibreOffice run.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings

import budget
from budget.kinds.top_up import TopUp
from budget.render.workbook import calculation_sheet, write_workbook
from budget.render.workbook.calculation_split import ADDS_UP, RE_RUN_EDIT
from budget.reports.explain import explain, explain_all
from budget.testing.strategies import scenarios
from tests.formulas import Evaluator
from tests.helpers import as_run
from tests.render.workbook.test_libreoffice import with_wrong_cached_values
from tests.workbook_helpers import engine_cents, libreoffice_convert, soffice, table_cells

SHEET = "Calculation"
TABLES = (("Overview", "funder"), ("Overview x EUR 1,000", "funder"), ("By recipient", "recipient"))


def written(scenario: Any, folder: Path, name: str) -> tuple[Any, Path]:
    rows = budget.project(scenario, pending="expected")  # a pending one at p, as the sheet
    path = folder / f"{name}.xlsx"
    write_workbook(scenario, rows, path)
    return rows, path


def block(ws: Any, scenario: Any, commitment: str) -> dict[str, int]:
    """The rows of a commitment's block on the Calculation sheet, by label."""
    titles = {f"{c.id}: {c.title}" for c in scenario.commitments}
    found: dict[str, int] = {}
    inside = False
    for row in ws.iter_rows(min_row=6, max_col=1):
        label = row[0].value
        if label in titles:
            inside = label.startswith(f"{commitment}: ")
        elif inside and label:
            found.setdefault(str(label).strip(), row[0].row)
    return found


def formula_cells(book: Any) -> list[tuple[str, str]]:
    return [
        (ws.title, c.coordinate)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def check_workbook(scenario: Any, rows: Any, path: Path) -> int:
    """Every formula of the Calculation sheet evaluates exactly to its cached value; every
    Overview-like table cell to the engine's amount; rounding constants are single cents;
    every check cell says "ok". Returns the number of formulas checked."""
    book = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    evaluate = Evaluator(book)
    checked = 0
    for sheet, coordinate in formula_cells(book):
        try:
            value = evaluate.value(sheet, coordinate)
        except ZeroDivisionError:  # IF(E5=0,"-",G5/E5) on the ledger: Python's IF is not lazy
            evaluate.cache.pop((sheet, coordinate), None)
            assert cached[sheet][coordinate].value == "-", (sheet, coordinate)
            continue
        want = cached[sheet][coordinate].value
        if isinstance(value, str):
            assert value == (want or ""), (sheet, coordinate, value, want)
        elif (value * 100).denominator == 1:
            assert round(want * 100) == value * 100, (sheet, coordinate, value, want)
        else:  # a share of the period
            assert want == pytest.approx(float(value), rel=1e-12), (sheet, coordinate)
        checked += 1
    for sheet, by in TABLES:
        for cell in table_cells(book[sheet]):
            got = evaluate.cents(sheet, cell.coordinate)
            assert got == engine_cents(rows, scenario, cell, by), (sheet, cell)
    ws = book[SHEET]
    for row in ws.iter_rows(min_row=6):
        label = str(row[0].value or "")
        if label.startswith("rounding"):
            cents = {round(c.value * 100) for c in row[2:] if isinstance(c.value, int | float)}
            assert cents and cents <= {-1, 1}, (label, cents)
        if label.startswith("check:"):
            assert evaluate.value(SHEET, row[1].coordinate) == ADDS_UP
    return checked


# --- the bundled example -------------------------------------------------------------------


@pytest.fixture(scope="module")
def letter(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    scenario = as_run(budget.example_path())
    rows, path = written(scenario, tmp_path_factory.mktemp("letter"), "letter")
    return scenario, rows, path


def test_the_letter_is_worked_in_formulas(letter) -> None:  # type: ignore[no-untyped-def]
    scenario, rows, path = letter
    book = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)[SHEET]
    ws = book[SHEET]
    assert [c.value for c in ws[5]][:7] == [
        "Commitment / line", "Value", "2014", "2015", "2016", "2017", "From / rule"
    ]  # fmt: skip
    sin = block(ws, scenario, "sin-top-up")
    # SIN: costs (an assumption, per year) less income; 67,600 capped; half each.
    assert [values.cell(sin["costs of SIN"], c).value for c in (4, 5, 6)] == [67600] * 3
    assert ws.cell(sin["costs of SIN"], 4).fill.fgColor.rgb == "00FFF2CC"
    assert "recipient 'SIN', field 'costs'" in ws.cell(sin["costs of SIN"], 7).value
    amount = ws.cell(sin["amount"], 4).value
    assert re.fullmatch(r"=MIN\(\$B\$\d+,MAX\(0,D\d+\)\)", amount), amount
    assert values.cell(sin["amount"], 4).value == 67600
    # Each half by largest remainder: rounded down, then a cent by rank (VenJ first).
    assert ws.cell(sin["weight of VenJ"], 2).value == f"=ROUND($B${sin['share of VenJ']}*2,0)"
    assert ws.cell(sin["amount in cents"], 5).value == f"=ROUND(E{sin['amount']}*100,0)"
    down, rest = sin["VenJ: rounded down (cents)"], sin["VenJ: remainder"]
    venj = ws.cell(sin["VenJ (share 1/2)"], 5).value
    left = sin["cents left over (one each to the largest remainders)"]
    assert venj == f'=(E{down}+IF(COUNTIF(E${rest}:E${rest + 1},">"&E{rest})<E{left},1,0))/100'
    vws = ws.cell(sin["VWS (share 1/2)"], 5).value
    assert f"+COUNTIF(E${rest}:E${rest},E{rest + 1})" in vws  # a tie goes to VenJ
    assert values.cell(sin["VenJ (share 1/2)"], 5).value == 33800
    # MKI: base x (1 + rate)^n, rounded once.
    mki = block(ws, scenario, "mki-support")
    assert ws.cell(mki["amount"], 6).value == (
        f"=ROUND($B${mki['base amount']}*(1+$B${mki['yearly rate']})"
        f"^F{mki['years since the first year']},2)"
    )
    # BZ: 275 and 181 days of 456; 2,000,000 x 275/456 = 1,206,140.35.
    bz = block(ws, scenario, "bz-tdh-ecpat")
    days = bz["days of the period in the year"]
    assert [values.cell(days, c).value for c in (3, 4)] == [275, 181]
    assert values.cell(bz["days of the period in all"], 2).value == 456
    share = bz["share of the period"]
    assert ws.cell(share, 3).value == f"=C{days}/$B${bz['days of the period in all']}"
    allocated = bz["allocated to the year"]
    down = bz["rounded down (cents)"]
    assert ws.cell(down, 3).value == (
        f"=INT($B${bz['total in cents']}*C{days}/$B${bz['sum of the weights']})"
    )
    assert ws.cell(allocated, 4).value.startswith(f"=(D{down}+IF(COUNTIF(")
    assert [values.cell(allocated, c).value for c in (3, 4)] == [1206140.35, 793859.65]
    # The Overview's commitment cells refer to the funders' parts.
    overview = book["Overview"]
    cells = {(c.basis, c.group, c.item, c.column): c.coordinate for c in table_cells(overview)}
    venj_2016 = overview[cells[("cash", "VenJ", "sin-top-up", "2016")]].value
    assert venj_2016 == f"='Calculation'!$E${sin['VenJ (share 1/2)']}"
    assert check_workbook(scenario, rows, path) > 100


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_pandas_reads_every_formula_value(letter, engine: str) -> None:  # type: ignore[no-untyped-def]
    """Readers that do not recalculate see the numbers: no empty cell where a formula
    stands (a check cell shows "ok")."""
    import pandas as pd

    _, _, path = letter
    book = openpyxl.load_workbook(path)
    evaluate = Evaluator(book)
    frames = pd.read_excel(path, sheet_name=None, header=None, engine=engine)
    seen = 0
    for sheet, coordinate in formula_cells(book):
        cell = book[sheet][coordinate]
        got = frames[sheet].iat[cell.row - 1, cell.column - 1]
        want = evaluate.value(sheet, coordinate)
        if isinstance(want, str):
            assert got == want, (sheet, coordinate, got)
            continue
        assert isinstance(want, Fraction) and not pd.isna(got), (sheet, coordinate, got)
        assert got == pytest.approx(float(want), rel=1e-12, abs=1e-9), (sheet, coordinate)
        seen += sheet == SHEET
    assert seen > 40  # the letter's Calculation sheet has 46 formulas


def test_explain_all_is_explain_of_each(letter) -> None:  # type: ignore[no-untyped-def]
    scenario, rows, _ = letter
    each = [explain(scenario, c.id, rows=rows)[0] for c in scenario.commitments]
    assert explain_all(scenario, rows) == each


def edited_copy(path: Path, target: Path, scenario: Any, edits: dict[tuple[str, str], Any]) -> Path:
    """A copy of the workbook with inputs typed in: (commitment, line label) -> value, in
    the first year column that holds a value (or in the Value column)."""
    book = openpyxl.load_workbook(path)
    ws = book[SHEET]
    for (commitment, label), value in edits.items():
        row = block(ws, scenario, commitment)[label]
        cell = next(c for c in ws[row][1:] if isinstance(c.value, int | float | str))
        cell.value = value
    book.save(target)
    return target


EDITS = {
    # SIN's shortfall 67,600 -> 50,000 in 2015 (its costs), as the letter's example.
    "sin-50000": (
        {("sin-top-up", "costs of SIN"): 50000},
        ('2015 = "67600.00"', '2015 = "50000.00"'),
    ),
    # BZ's grant of 2,000,000 -> 1,500,000.
    "grant-1500000": (
        {("bz-tdh-ecpat", "total granted"): 1500000},
        ('total = "2000000.00"', 'total = "1500000.00"'),
    ),
}


def edited_engine(tmp_path: Path, name: str) -> tuple[Any, Any]:
    """The engine's projection of the example with the same edit made in the scenario."""
    old, new = EDITS[name][1]
    text = budget.example_path().read_text(encoding="utf-8")
    assert text.count(old) == 1
    source = tmp_path / f"{name}.toml"
    source.write_text(text.replace(old, new), encoding="utf-8")
    scenario = as_run(source)
    return scenario, budget.project(scenario)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_a_what_if_flows_to_every_total(letter, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    scenario, rows, path = letter
    copy = edited_copy(path, tmp_path / "edited.xlsx", scenario, EDITS[name][0])
    book = openpyxl.load_workbook(copy)
    evaluate = Evaluator(book)
    edited, edited_rows = edited_engine(tmp_path, name)
    moved = 0
    for sheet, by in TABLES:
        for cell in table_cells(book[sheet]):
            got = evaluate.cents(sheet, cell.coordinate)
            assert got == engine_cents(edited_rows, edited, cell, by), (sheet, cell)
            moved += got != engine_cents(rows, scenario, cell, by)
    assert moved > 10
    checks = [r[1].coordinate for r in book[SHEET].iter_rows() if r[0].value == "check: "
              "the parts add up to the amounts"]  # fmt: skip
    assert checks and all(evaluate.value(SHEET, c) == ADDS_UP for c in checks)


def test_an_odd_cent_goes_by_largest_remainder_in_formulas(letter, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scenario, _, path = letter
    # 50,000.01 in halves: 25,000.00 each rounded down, the cent left over to VenJ (a tie
    # of remainders goes to the funder listed first), as the engine splits it.
    copy = edited_copy(
        path, tmp_path / "odd.xlsx", scenario, {("sin-top-up", "costs of SIN"): 50000.01}
    )
    book = openpyxl.load_workbook(copy)
    evaluate = Evaluator(book)
    sin = block(book[SHEET], scenario, "sin-top-up")
    assert evaluate.cents(SHEET, f"D{sin['VenJ (share 1/2)']}") == 2_500_001
    assert evaluate.cents(SHEET, f"D{sin['VWS (share 1/2)']}") == 2_500_000
    assert evaluate.value(SHEET, f"D{sin['difference: amount - sum of the parts']}") == 0
    assert evaluate.value(SHEET, f"B{sin['check: the parts add up to the amounts']}") == ADDS_UP


@pytest.mark.parametrize(
    ("commitment", "label", "value"),
    [
        ("bz-tdh-ecpat", "first day of the period", "2014-05-01"),
        ("bz-tdh-ecpat", "allocation over fiscal years", "months"),
        ("bz-tdh-ecpat", "fiscal year of the grant decision", 2015),
        ("sin-top-up", "share of VenJ", 1 / 3),  # not a whole number of halves
        ("sin-top-up", "share of VWS", 0.0),  # the shares no longer add up to 1
    ],
)
def test_the_check_cell_asks_for_a_re_run_after_an_edit_it_cannot_follow(
    letter, tmp_path: Path, commitment: str, label: str, value: Any
) -> None:  # type: ignore[no-untyped-def]
    scenario, _, path = letter
    copy = edited_copy(path, tmp_path / "edited.xlsx", scenario, {(commitment, label): value})
    book = openpyxl.load_workbook(copy)
    evaluate = Evaluator(book)
    found = block(book[SHEET], scenario, commitment)
    check = evaluate.value(SHEET, f"B{found['check: the parts add up to the amounts']}")
    assert check == RE_RUN_EDIT
    assert "re-run budget" in check


GENERATED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@GENERATED
@given(scenarios())
def test_generated_scenarios_agree_with_the_engine(scenario) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        rows, path = written(scenario, Path(folder), "generated")
        assert check_workbook(scenario, rows, path) > 0
        # Every amount of the engine has its cell on the sheet.
        layout = calculation_sheet.calculation_layout(scenario, rows)
        assert layout is not None
        keys = zip(rows["commitment"], rows["funder"], rows["basis"], rows["year"], strict=True)
        assert {(str(c), str(f), str(b), int(y)) for c, f, b, y in keys} <= set(layout.parts)


def test_above_the_limit_the_sheet_is_a_note(letter, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    scenario, rows, _ = letter
    monkeypatch.setattr(calculation_sheet, "MAX_COMMITMENTS", 2)
    path = tmp_path / "big.xlsx"
    write_workbook(scenario, rows, path)
    book = openpyxl.load_workbook(path)
    note = book[SHEET]
    assert note.max_row == 1 and "budget explain" in note["A1"].value
    assert "3 commitments" in note["A1"].value
    for cell in table_cells(book["Overview"]):
        if cell.level == "item" and cell.column != "Total":
            assert book["Overview"][cell.coordinate].data_type == "n"


# --- LibreOffice ---------------------------------------------------------------------------


def generated_batch(folder: Path, count: int) -> list[tuple[Any, Any, Path]]:
    out: list[tuple[Any, Any, Path]] = []

    @settings(GENERATED, max_examples=count)
    @given(scenarios())
    def collect(scenario) -> None:  # type: ignore[no-untyped-def]
        rows, path = written(scenario, folder, f"generated-{len(out):02d}")
        out.append((scenario, rows, path))

    collect()
    return out


def covered(batch: list[tuple[Any, Any, Path]]) -> set[str]:
    """Which of the features the check must cover the generated scenarios have."""
    found: set[str] = set()
    for scenario, rows, _ in batch:
        found |= {c.kind for c in scenario.commitments}
        found |= {f"{len(c.funders)} funders" for c in scenario.commitments}
        if scenario.calendar.month == 4:
            found.add("April")
        for i, c in enumerate(scenario.commitments):
            if not isinstance(c.spec, TopUp):
                continue
            if c.spec.total_cap is not None:
                found.add("total cap")
            before = [
                d.id
                for j, d in enumerate(scenario.commitments)
                if d.recipient == c.recipient and (d.priority, j) < (c.priority, i)
            ]
            paid = rows[(rows["basis"] == "cash") & rows["commitment"].isin(before)]
            if c.spec.shortfall is None and (paid["amount_cents"] > 0).any():
                found.add("waterfall")
    return found


@pytest.mark.slow
def test_libreoffice_recalculates_the_sheet_to_the_engine(tmp_path: Path) -> None:
    """The example, its what-if edits and fifty generated scenarios, in one LibreOffice
    run, after every cached value was made wrong: every formula of every sheet comes to
    the engine's value, to the cent; the Overview's tables to the engine's amounts."""
    soffice()
    scenario = as_run(budget.example_path())
    rows, path = written(scenario, tmp_path, "letter")
    batch = [(scenario, rows, path), *generated_batch(tmp_path, 50)]
    assert {"top_up", "annual", "grant", "2 funders", "3 funders", "April", "total cap",
            "waterfall"} <= covered(batch)  # fmt: skip
    doctored = []
    for _, _, source in batch:
        doctored.append(tmp_path / "doctored" / source.name)
        doctored[-1].parent.mkdir(exist_ok=True)
        assert with_wrong_cached_values(source, doctored[-1]) > 10
    edits = []
    for name in sorted(EDITS):
        edited = edited_copy(path, tmp_path / "doctored" / f"edit-{name}.xlsx", scenario,
                             EDITS[name][0])  # fmt: skip
        edits.append((name, edited))
    converted = libreoffice_convert(
        [*doctored, *(e for _, e in edits)], tmp_path / "out", "xlsx", tmp_path / "profile"
    )
    checked = 0
    for (case, case_rows, source), result in zip(batch, converted, strict=False):
        formulas = openpyxl.load_workbook(source)
        cached = openpyxl.load_workbook(source, data_only=True)
        values = openpyxl.load_workbook(result, data_only=True)
        for sheet, coordinate in formula_cells(formulas):
            mine, got = cached[sheet][coordinate].value, values[sheet][coordinate].value
            where = (source.name, sheet, coordinate, mine, got)
            if isinstance(mine, str) or mine is None:
                assert (mine or "") == (got or ""), where
            elif abs(mine * 100 - round(mine * 100)) > 1e-6:  # a share
                assert got == pytest.approx(mine, rel=1e-12), where
            else:
                assert isinstance(got, int | float) and round(got * 100) == round(mine * 100), where
            checked += 1
        for sheet, by in TABLES:
            for cell in table_cells(formulas[sheet]):
                got = values[sheet][cell.coordinate].value
                assert round(got * 100) == engine_cents(case_rows, case, cell, by), (sheet, cell)
    assert checked > 5000
    for (name, edited), result in zip(edits, converted[len(batch) :], strict=True):
        edited_scenario, edited_rows = edited_engine(tmp_path, name)
        values = openpyxl.load_workbook(result, data_only=True)
        for sheet, by in TABLES:
            for cell in table_cells(openpyxl.load_workbook(edited)[sheet]):
                got = values[sheet][cell.coordinate].value
                want = engine_cents(edited_rows, edited_scenario, cell, by)
                assert round(got * 100) == want, (name, sheet, cell, got)
        checks = [r[1].value for r in values[SHEET].iter_rows() if r[0].value == "check: the "
                  "parts add up to the amounts"]  # fmt: skip
        assert checks and all(c == ADDS_UP for c in checks), (name, checks)
