"""A scenario's [[cash_shifts]] apply in every output (issue 22): `budget run` (table, csv,
json, the workbook's figures), `compare`, `check`, the IATI and Fiscal Data Package
exports. The first supplementary budget of 2015 moves 20,000.00 of MKI's cash (all VenJ's)
from 2015 to 2016: MKI's cash becomes 80,000.00 in 2015 and 120,000.00 in 2016 instead of
100,000.00 each, and its commitment basis stays 100,000.00 a year."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from fractions import Fraction

import openpyxl
import pytest

from budget.engine.cash_shifts import apply_cash_shifts, projected
from budget.engine.pending import with_pending
from budget.engine.projection import project
from budget.load import load_scenario
from tests.formulas import evaluator
from tests.helpers import SCENARIOS, invoke, write_file

ADOPTED = SCENARIOS / "round-2015-adopted.toml"
SUPPLEMENTARY = SCENARIOS / "round-2015-1st-supplementary.toml"
# What the shift changes, worked by hand: (commitment, funder, basis, year) -> cents.
MOVED = {
    ("mki-support", "VenJ", "cash", 2015): -2_000_000,
    ("mki-support", "VenJ", "cash", 2016): 2_000_000,
}
ORG = 'reporting_org = { ref = "XM-DAC-7", name = "Ministry of Foreign Affairs", type = "10" }'


def _cents(rows) -> dict[tuple[str, str, str, int], int]:
    out: dict[tuple[str, str, str, int], int] = defaultdict(int)
    for r in rows:
        key = (str(r["commitment"]), str(r["funder"]), str(r["basis"]), int(r["year"]))
        out[key] += int(r["amount_cents"])
    return dict(out)


def _unshifted() -> dict[tuple[str, str, str, int], int]:
    # as `run` counts it: --pending none leaves the pending EU co-financing out
    scenario = with_pending(load_scenario(SUPPLEMENTARY), "none")
    return _cents(project(scenario).to_dict("records"))


def _difference(after: dict, before: dict) -> dict:
    keys = set(after) | set(before)
    found = {k: after.get(k, 0) - before.get(k, 0) for k in keys}
    return {k: v for k, v in found.items() if v}


def test_the_engine_moves_the_cash_and_keeps_the_columns_types_and_order():
    scenario = with_pending(load_scenario(SUPPLEMENTARY), "none")  # as the commands count it
    before = project(scenario)
    after, problems = projected(scenario)
    assert problems == []
    assert list(after.columns) == list(before.columns)
    assert after.dtypes.to_dict() == before.dtypes.to_dict()
    assert _difference(_cents(after.to_dict("records")), _unshifted()) == MOVED
    assert (after["commitment"].astype(str) == before["commitment"].astype(str)).all()


def test_a_shift_into_a_year_without_a_row_adds_the_row_in_its_place(tmp_path):
    path = write_file(
        tmp_path,
        f'[scenario]\nextends = "{SUPPLEMENTARY.as_posix()}"\n'
        '[[mutations]]\nid = "later"\nreason = "r"\ntype = "technical"\n'
        '[[cash_shifts]]\ncommitment = "mki-support"\nfrom = 2017\nto = 2018\n'
        'amount = "100000.00"\nmutation = "later"\n',
    )
    scenario = load_scenario(path)
    before = project(scenario)
    after, problems = apply_cash_shifts(before, scenario)
    assert problems == []
    assert len(after) == len(before) + 1
    mki = after[(after["commitment"] == "mki-support") & (after["basis"] == "cash")]
    assert mki["year"].tolist() == [2014, 2015, 2016, 2017, 2018]
    assert mki["amount_cents"].tolist() == [
        10_000_000, 8_000_000, 12_000_000, 0, 10_000_000
    ]  # fmt: skip
    assert after["commitment"].dtype == before["commitment"].dtype


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_run_rows_carry_the_shifted_cash(fmt):
    result = invoke("run", SUPPLEMENTARY, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "cash_shifts" not in result.stderr  # no "not applied" note any more
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
    else:
        found = json.loads(result.stdout)
        rows = found if isinstance(found, list) else found["rows"]
    assert _difference(_cents(rows), _unshifted()) == MOVED


def test_run_table_shows_the_shifted_cash_and_the_shift():
    result = invoke("run", SUPPLEMENTARY)
    assert result.exit_code == 0, result.output
    cash = result.stdout.split("commitment basis")[0]
    mki = next(line for line in cash.splitlines() if line.strip().startswith("mki-support"))
    assert mki.split()[1:] == ["100,000.00", "80,000.00", "120,000.00", "100,000.00", "400,000.00"]
    assert "mki-support: 20,000.00 from 2015 to 2016 (mutation mki-cash-shift)" in result.stdout


def test_run_workbook_figures_are_after_the_shift_and_recalculate(tmp_path):
    target = tmp_path / "s.xlsx"
    result = invoke("run", SUPPLEMENTARY, "-o", target)
    assert result.exit_code == 0, result.output
    formulas = openpyxl.load_workbook(target)
    cached = openpyxl.load_workbook(target, data_only=True)
    found = evaluator(formulas)
    checked = 0
    for sheet in ("Overview", "By recipient", "Commitment vs cash"):
        for row in formulas[sheet].iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    value = cached[sheet][cell.coordinate].value
                    if isinstance(value, int | float):  # amounts, and shares as floats
                        got = found.value(sheet, cell.coordinate)
                        assert isinstance(got, Fraction), (sheet, cell.coordinate)
                        assert abs(got - Fraction(repr(value))) < Fraction(1, 10**9), cell
                        checked += 1
    assert checked > 50
    overview = cached["Overview"]
    mki = next(r for r in overview.iter_rows(values_only=True) if r[1] == "mki-support")
    assert list(mki[2:7]) == [100_000, 80_000, 120_000, 100_000, 400_000]  # cash comes first
    rows = list(cached["Data"].iter_rows(values_only=True))
    records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0]]
    assert _difference(_cents(records), _unshifted()) == MOVED


def test_compare_shows_the_shift_as_a_difference_of_cash_only():
    result = invoke("compare", ADOPTED, SUPPLEMENTARY, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = [
        r
        for r in csv.DictReader(io.StringIO(result.stdout))
        if r["commitment"] == "mki-support" and r["delta_cents"] != "0"
    ]
    assert {(r["basis"], int(r["year"]), int(r["delta_cents"])) for r in rows} == {
        ("cash", 2015, -2_000_000),
        ("cash", 2016, 2_000_000),
    }


def _publishing(tmp_path):
    return write_file(
        tmp_path,
        f'[scenario]\nextends = "{SUPPLEMENTARY.as_posix()}"\n{ORG}\n',
        "iati-supplementary.toml",
    )


def test_the_iati_export_plans_the_shifted_cash(tmp_path):
    out = tmp_path / "activities.xml"
    result = invoke("export", _publishing(tmp_path), "--to", "iati", "-o", out)
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    mki = next(
        a
        for a in root.iter("iati-activity")
        if a.findtext("iati-identifier").endswith("-mki-support")
    )
    planned = {
        p.find("period-start").get("iso-date")[:4]: p.findtext("value")
        for p in mki.iter("planned-disbursement")
    }
    assert planned == {
        "2014": "100000.00", "2015": "80000.00", "2016": "120000.00", "2017": "100000.00"
    }  # fmt: skip
    budgets = [b.findtext("value") for b in mki.iter("budget") if b.get("type") == "2"]
    assert budgets == ["100000.00", "80000.00", "120000.00", "100000.00"]


def test_the_data_package_has_the_shifted_cash_and_the_commitments_as_they_were(tmp_path):
    folder = tmp_path / "package"
    result = invoke("export", SUPPLEMENTARY, "--to", "datapackage", "-o", folder)
    assert result.exit_code == 0, result.output
    with open(folder / "projection.csv", encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["commitment"] == "mki-support"]
    assert [(r["year"], r["commitment_amount"], r["cash_amount"]) for r in rows] == [
        ("2014", "100000.00", "100000.00"),
        ("2015", "100000.00", "80000.00"),
        ("2016", "100000.00", "120000.00"),
        ("2017", "100000.00", "100000.00"),
    ]


def test_a_shift_of_more_than_planned_is_exit_1_in_every_command(tmp_path):
    path = write_file(
        tmp_path,
        f'[scenario]\nextends = "{SUPPLEMENTARY.as_posix()}"\n'
        '[[mutations]]\nid = "more"\nreason = "r"\ntype = "technical"\n'
        '[[cash_shifts]]\ncommitment = "mki-support"\nfrom = 2015\nto = 2016\n'
        'amount = "90000.00"\nmutation = "more"\n',
    )
    for args in (
        ["run", path],
        ["compare", ADOPTED, path],
        ["export", path, "--to", "datapackage", "-o", tmp_path / "p"],
    ):
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
        assert f"{path}: cash shift of 'mki-support', field 'amount'" in result.stderr
        assert "which plans only 80,000.00" in result.stderr
        assert "hint: shift at most 80,000.00 from that year" in result.stderr


def test_explain_names_the_budget_line_and_the_cash_shift(tmp_path):
    path = write_file(
        tmp_path,
        f'[scenario]\nextends = "{SUPPLEMENTARY.as_posix()}"\n'
        '[[mutations]]\nid = "part"\nreason = "r"\ntype = "technical"\n'
        'changes = ["mki-support"]\n'
        '[[commitments]]\nid = "mki-support"\narticle_part = "33.2"\nscheme = "Hotline"\n',
    )
    result = invoke("explain", path, "mki-support")
    assert result.exit_code == 0, result.output
    assert (
        "Budget line: VenJ chapter VI, article 33, article part 33.2, instrument Subsidies, "
        "scheme Hotline, legally committed on 2014-12-15\n"
        "Cash shift: 20,000.00 of the cash of 2015 moved to 2016 (mutation mki-cash-shift); "
        "the years below are before it, budget run shows the cash after it\n"
    ) in result.stdout
    data = json.loads(invoke("explain", path, "mki-support", "--format", "json").stdout)
    assert [r["label"] for r in data if r["part"] == "cash_shift"] == [
        "20,000.00 of the cash of 2015 moved to 2016 (mutation mki-cash-shift)"
    ]
    plain = json.loads(invoke("explain", ADOPTED, "mki-support", "--format", "json").stdout)
    assert not [r for r in plain if r["part"] == "cash_shift"]


def test_the_calculation_sheet_notes_the_shift(tmp_path):
    target = tmp_path / "s.xlsx"
    assert invoke("run", SUPPLEMENTARY, "-o", target).exit_code == 0
    sheet = openpyxl.load_workbook(target)["Calculation"]
    notes = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert (
        "cash shift: 20,000.00 of the cash of 2015 moved to 2016 (mutation mki-cash-shift); "
        "the other sheets add it to the cash above"
    ) in notes


def test_a_shift_beyond_the_horizon_and_between_funders_in_the_workbook(tmp_path):
    """MKI's 40,000.00 from 2017 to 2018 (after the horizon: the "later" column, which the
    Calculation sheet has no part for) and 10,000.01 of SIN's top-up from 2016 to 2015,
    split by the shares 1/2 and 1/2: VenJ 5,000.01 (the first listed takes the odd cent),
    VWS 5,000.00. Every formula still comes to the value it caches."""
    path = write_file(
        tmp_path,
        f'[scenario]\nextends = "{SUPPLEMENTARY.as_posix()}"\n'
        '[[mutations]]\nid = "later"\nreason = "r"\ntype = "technical"\n'
        '[[cash_shifts]]\ncommitment = "mki-support"\nfrom = 2017\nto = 2018\n'
        'amount = "40000.00"\nmutation = "later"\n'
        '[[cash_shifts]]\ncommitment = "sin-top-up"\nfrom = 2016\nto = 2015\n'
        'amount = "10000.01"\nmutation = "later"\n',
    )
    target = tmp_path / "later.xlsx"
    assert invoke("run", path, "-o", target).exit_code == 0
    formulas = openpyxl.load_workbook(target)
    cached = openpyxl.load_workbook(target, data_only=True)
    found = evaluator(formulas)
    for sheet in ("Overview", "By recipient", "By article", "Commitment vs cash"):
        for row in formulas[sheet].iter_rows():
            for cell in row:
                value = cached[sheet][cell.coordinate].value
                if cell.data_type == "f" and isinstance(value, int | float):
                    got = found.value(sheet, cell.coordinate)
                    assert abs(got - Fraction(repr(value))) < Fraction(1, 10**9), cell
    lines = [r for r in cached["Overview"].iter_rows(values_only=True) if r[1]]
    header = next(r for r in cached["Overview"].iter_rows(values_only=True) if r[0] and r[2])
    assert list(header[2:8]) == ["2014", "2015", "2016", "2017", "later", "Total"]
    mki = next(r for r in lines if r[1] == "mki-support")
    assert list(mki[2:8]) == [100_000, 80_000, 120_000, 60_000, 40_000, 400_000]
    venj_sin, vws_sin = [r for r in lines if r[1] == "sin-top-up"][:2]
    assert list(venj_sin[2:8]) == [0, 23_800.01, 13_799.99, 33_800, 0, 71_400]
    assert list(vws_sin[2:8]) == [0, 23_800, 13_800, 33_800, 0, 71_400]


@pytest.mark.slow
@pytest.mark.parametrize("case", ["supplementary", "shifted top-up"])
def test_libreoffice_recalculates_the_shifted_workbook_to_its_cached_values(tmp_path, case):
    from tests.workbook_helpers import libreoffice_convert

    scenario = SUPPLEMENTARY if case == "supplementary" else _shifted_top_up(tmp_path)
    source = tmp_path / "s.xlsx"
    assert invoke("run", scenario, "-o", source).exit_code == 0
    (recalculated,) = libreoffice_convert([source], tmp_path / "out", "xlsx", tmp_path / "p")
    ours = openpyxl.load_workbook(source, data_only=True)
    theirs = openpyxl.load_workbook(recalculated, data_only=True)
    sheets = ["Overview", "By recipient", "Commitment vs cash", "Uncovered shortfall"]
    if case == "supplementary":
        sheets.append("By article")
    for sheet in sheets:
        mine = [[c.value for c in row] for row in ours[sheet].iter_rows()]
        recalc = [[c.value for c in row] for row in theirs[sheet].iter_rows()]
        for a, b in zip(mine, recalc, strict=True):
            for x, y in zip(a, b, strict=True):
                if isinstance(x, int | float) and isinstance(y, int | float):
                    assert abs(x - y) < 1e-6, (sheet, a)
                else:
                    assert x == y, (sheet, a)


def _shifted_top_up(folder):
    """The letter with GGD's top-up (a given shortfall of 50,000.00 a year, capped at
    40,000.00, VWS's), and a version moving 10,000.00 of its cash from 2015 to 2016: it
    pays 30,000.00 in 2015 (20,000.00 uncovered) and 50,000.00 in 2016 (none)."""
    letter = (SCENARIOS / "letter-2014.toml").as_posix()
    write_file(
        folder,
        f'[scenario]\nextends = "{letter}"\n[recipients.GGD]\nname = "GGD"\n'
        '[[commitments]]\nid = "ggd-top-up"\nkind = "top_up"\nrecipient = "GGD"\n'
        'funders = { VWS = "1" }\nfirst_year = 2015\nlast_year = 2016\ncap = "40000.00"\n'
        'shortfall = "50000.00"\n',
        "base.toml",
    )
    return write_file(
        folder,
        '[scenario]\nextends = "base.toml"\n'
        '[[mutations]]\nid = "m"\nreason = "r"\ntype = "technical"\nkind = "cash shift"\n'
        '[[cash_shifts]]\ncommitment = "ggd-top-up"\nfrom = 2015\nto = 2016\n'
        'amount = "10000.00"\nmutation = "m"\n',
        "shifted.toml",
    )


def test_the_uncovered_shortfall_formulas_count_a_shifted_top_ups_cash(tmp_path):
    from budget.render.workbook.ledger_sheet import UNCOVERED_SHEET
    from budget.reports.shortfall import uncovered_shortfalls
    from tests.formulas import sheet_expectations

    path = _shifted_top_up(tmp_path)
    scenario = load_scenario(path)
    rows, problems = projected(scenario)
    assert not problems
    engine = {(g.recipient, g.year): g.cents for g in uncovered_shortfalls(scenario, rows)}
    assert engine[("GGD", 2015)] == 2_000_000 and ("GGD", 2016) not in engine
    out = tmp_path / "run.xlsx"
    assert invoke("run", path, "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    evaluated = sheet_expectations(book, UNCOVERED_SHEET)
    cached = openpyxl.load_workbook(out, data_only=True)[UNCOVERED_SHEET]
    found = {}
    for row in book[UNCOVERED_SHEET].iter_rows(min_row=2):
        cell = row[2]
        if row[0].value in scenario.recipients and cell.data_type == "f":
            found[(row[0].value, row[1].value)] = evaluated[(UNCOVERED_SHEET, cell.coordinate)]
            assert round(cached[cell.coordinate].value * 100) == found[(row[0].value, row[1].value)]
    assert found[("GGD", 2015)] == 2_000_000  # 10,000.00 before the shifts were counted
    assert found[("GGD", 2016)] == 0
    assert {k: v for k, v in found.items() if v} == engine
