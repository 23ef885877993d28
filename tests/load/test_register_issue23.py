"""Issue 23's fields in a register (CSV and XLSX): each row projects as the same
commitment written in TOML does, and a bad cell is one line naming the file, the row and
the column."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from budget import project
from budget.load import register
from tests.helpers import invoke, load_text

BASE = """
[scenario]
name = "issue 23 in a register"
first_year = 2015
last_year = 2017
{register}

[funders]
VenJ = "Justice"
EU = "European Union"

[recipients.SIN]
name = "Stop It Now!"
costs = "67600.00"

[recipients.police]
name = "Police"

[indices.pbo]
2015 = "0.9%"
2016 = "0.6%"
2017 = "1.1%"

# Figure 1 of the letter: targets 511, 546 and 594 suspects; achieved 522 in 2012 (met)
# and 530 in 2013 (not met: 546).
[[indicators]]
id = "police-suspects"
name = "Suspects brought to the OM"
unit = "suspects"
base_year = 2010
base = 475
targets = { 2012 = "+7.5%", 2013 = "+15%", 2014 = "+25%" }
achieved = { 2012 = 522, 2013 = 530 }
"""

# The TOML `condition` tables and the register cells that say the same.
CONDITIONS = {
    "met": ('{ indicator = "police-suspects", year = 2012 }', "police-suspects 2012"),
    "met-with-p": (
        '{ indicator = "police-suspects", year = 2012, p = "1/2" }',
        "police-suspects 2012 p=1/2",
    ),
    "not-met": ('{ indicator = "police-suspects", year = 2013 }', "police-suspects 2013"),
    "not-yet-fraction": (
        '{ indicator = "police-suspects", year = 2014, p = "1/4" }',
        "police-suspects 2014 p=1/4",
    ),
    "not-yet-percent": (
        '{ indicator = "police-suspects", year = 2014, p = "25%" }',
        "  police-suspects   2014  p = 25%  ",
    ),
    "not-yet-decimal": (
        '{ indicator = "police-suspects", year = 2014, p = "0.3" }',
        "police-suspects 2014 p=0.3",
    ),
}

TRANCHE = {
    "id": "c",
    "kind": "annual",
    "recipient": "police",
    "funders": "VenJ",
    "first_year": 2015,
    "last_year": 2016,
    "amount": "10000.01",
}


def toml_scenario(fields: dict[str, object], toml: dict[str, str]) -> str:
    """BASE with one [[commitments]] table: `fields` as TOML strings or numbers, `toml`
    written as given (inline tables)."""
    lines = ["[[commitments]]"]
    for name, value in fields.items():
        lines.append(f"{name} = {value!r}" if isinstance(value, int) else f'{name} = "{value}"')
    lines += [f"{name} = {value}" for name, value in toml.items()]
    return BASE.replace("{register}", "") + "\n" + "\n".join(lines) + "\n"


def register_scenario(
    folder: Path, fields: dict[str, object], fmt: str, name: str = "r"
) -> tuple[str, str]:
    """BASE with a register of one row holding `fields`; the scenario text and the
    register's file name."""
    file = f"{name}.{fmt}"
    header, row = list(fields), list(fields.values())
    if fmt == "csv":
        with (folder / file).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerow(row)
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        sheet.append(row)
        book.save(folder / file)
    return BASE.replace("{register}", f'register = "{file}"'), file


def projected(s) -> dict[str, dict[tuple[str, str, str, int], int]]:
    """The projection under each --pending, by commitment, funder, basis and year."""
    out = {}
    for mode in ("none", "expected", "all"):
        rows = project(s, pending=mode)
        out[mode] = {
            (str(r.commitment), str(r.funder), str(r.basis), int(r.year)): int(r.amount_cents)
            for r in rows.itertuples()
        }
    return out


def assert_same(tmp_path, fields, toml, cells, fmt) -> dict:
    """The register row `fields | cells` projects as the TOML commitment `fields | toml`
    does, in every view; the TOML projection."""
    written, problems = load_text(tmp_path, toml_scenario(fields, toml), "toml.toml")
    assert problems == []
    text, _ = register_scenario(tmp_path, {**fields, **cells}, fmt)
    loaded, problems = load_text(tmp_path, text, "register.toml")
    assert problems == []
    expected = projected(written)
    assert projected(loaded) == expected
    assert loaded.commitment("c").pending == written.commitment("c").pending
    assert loaded.commitment("c").spec == written.commitment("c").spec
    return expected


@pytest.fixture(params=["calamine", "openpyxl"])
def xlsx_engine(request, monkeypatch):
    if request.param == "openpyxl":
        monkeypatch.setattr(register, "_read_xlsx", register._read_xlsx_openpyxl)
    return request.param


@pytest.fixture(params=["csv", "xlsx"])
def fmt(request, xlsx_engine):
    if request.param == "csv" and xlsx_engine == "openpyxl":
        pytest.skip("the XLSX reader does not read CSV")
    return request.param


@pytest.fixture(params=["csv", "xlsx"])
def bad_fmt(request):
    """Bad cells in a CSV and an XLSX register (read by calamine: the openpyxl fallback
    reads the same cells, checked by the tests that project)."""
    return request.param


# --- condition (item 1 of the follow-up: a condition in a register cell) ----------------


@pytest.mark.parametrize("case", CONDITIONS)
def test_a_condition_cell_projects_like_the_toml_table(tmp_path, fmt, case):
    table, cell = CONDITIONS[case]
    expected = assert_same(tmp_path, TRANCHE, {"condition": table}, {"condition": cell}, fmt)
    paid = {
        mode: sum(v for k, v in rows.items() if k[2] == "cash") for mode, rows in expected.items()
    }
    # met: decided; not met: nothing; not yet achieved: pending at the condition's p
    full = 2 * 1_000_001
    want = {
        "met": (full, full, full),
        "met-with-p": (full, full, full),
        "not-met": (0, 0, 0),
        "not-yet-fraction": (0, 500_001, full),  # 1/4 of 20,000.02 = 5,000.005 -> 5,000.01
        "not-yet-percent": (0, 500_001, full),
        "not-yet-decimal": (0, 600_001, full),  # 0.3 x 20,000.02 = 6,000.006 -> 6,000.01
    }[case]
    assert (paid["none"], paid["expected"], paid["all"]) == want


def test_a_condition_beside_a_pending_status_keeps_its_decision(tmp_path):
    fields = {**TRANCHE, "status": "pending", "p": "1/2", "decision": "2015-06-01"}
    table, cell = CONDITIONS["not-yet-fraction"]
    assert_same(tmp_path, fields, {"condition": table}, {"condition": cell}, "csv")


BAD_CONDITIONS = [
    ("police-suspects", "'police-suspects' is not a condition", "row 2 (commitment 'c')"),
    ("police-suspects in 2014", "is not a condition", "row 2 (commitment 'c')"),
    ("police-suspects 2014 p=2", "p: '2' is outside (0, 1]", "row 2 (commitment 'c')"),
    ("police-suspects 2014 p=often", "p: 'often' is not a probability", "row 2 (commitment 'c')"),
    ("police-suspects 2014 q=1/2", "is not a condition", "row 2 (commitment 'c')"),
    ("arrests 2014 p=1/2", "'arrests' is not an indicator", "row 2 (commitment 'c')"),
    ("police-suspects 2016 p=1/2", "has no target for 2016", "row 2 (commitment 'c')"),
    ("police-suspects 2014", "p is missing", "row 2 (commitment 'c')"),
]


@pytest.mark.parametrize(("cell", "message", "where"), BAD_CONDITIONS)
def test_a_bad_condition_cell_is_one_line(tmp_path, bad_fmt, cell, message, where):
    text, file = register_scenario(tmp_path, {**TRANCHE, "condition": cell}, bad_fmt)
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    result = invoke("run", path)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    line = lines[0]
    assert f"/{file}: {where}" in line, line
    assert ", column 'condition': " in line and message in line and "(hint: " in line, line
    if message.startswith("p"):
        assert "police-suspects 2015 p=1/2" in line  # the hint shows the cell's syntax


def test_a_date_or_number_in_a_condition_cell_is_one_line(tmp_path):
    """An XLSX cell that holds no text is not a condition (never a traceback)."""
    for value in (2014, dt.date(2014, 1, 1)):
        text, _ = register_scenario(tmp_path, {**TRANCHE, "condition": value}, "xlsx")
        loaded, problems = load_text(tmp_path, text)
        assert loaded is None
        assert len(problems) == 1, problems
        assert (
            "r.xlsx: row 2 (commitment 'c'), column 'condition': is not a condition"
            in (problems[0])
        )


# --- every issue-23 field in a register (item 2) ---------------------------------------

COFINANCED = {
    "id": "c",
    "kind": "cofinanced",
    "recipient": "SIN",
    "funders": "EU",
    "first_year": 2015,
    "last_year": 2016,
    "rate": "80%",
}
TOP_UP = {
    "id": "c",
    "kind": "top_up",
    "recipient": "SIN",
    "funders": "VenJ",
    "first_year": 2015,
    "last_year": 2017,
    "cap": "67600.00",
    "shortfall": "1000000.00",
}
INDEXED = {**TRANCHE, "recipient": "SIN", "last_year": 2017, "amount": "100000.00"}
SERIES = '{ index = "pbo", base_year = 2014 }'

# name: (the fields of both, the TOML-only fields, the register-only cells)
FIELDS = {
    "pending": (
        {**TRANCHE, "status": "pending", "p": "1/3", "decision": "2015-06-01"},
        {},
        {},
    ),
    "pending-percent": ({**TRANCHE, "status": "pending", "p": "35%"}, {}, {}),
    "decided": ({**TRANCHE, "status": "decided"}, {}, {}),
    "cofinanced-max": ({**COFINANCED, "max": "100000.00"}, {}, {}),
    "cofinanced-max-per-year": (
        {**COFINANCED, "rate": "4/5", "max_per_year": "40000.00"},
        {},
        {},
    ),
    "cofinanced-eligible": ({**COFINANCED, "rate": "0.5", "eligible": "50000.01"}, {}, {}),
    "cofinanced-pending": (
        {**COFINANCED, "max": "100000.00", "status": "pending", "p": "1/2"},
        {},
        {},
    ),
    "indexation": (INDEXED, {"indexation": SERIES}, {"indexation": "pbo from 2014"}),
    "cap-indexation": (TOP_UP, {"cap_indexation": SERIES}, {"cap_indexation": "pbo from 2014"}),
}


@pytest.mark.parametrize("case", FIELDS)
def test_each_field_projects_like_the_toml_commitment(tmp_path, fmt, case):
    fields, toml, cells = FIELDS[case]
    expected = assert_same(tmp_path, fields, toml, cells, fmt)
    assert expected["all"], "the commitment pays"


def test_the_worked_figures_from_a_register(tmp_path, fmt):
    """Issue 23's worked figures, read from register rows: the indexed amounts and cap,
    and the co-financing of SIN at 50,000.00 a year."""
    text, _ = register_scenario(tmp_path, {**INDEXED, "indexation": "pbo from 2014"}, fmt, "a")
    loaded, problems = load_text(tmp_path, text)
    assert problems == []
    cash = projected(loaded)["none"]
    assert [cash[("c", "VenJ", "cash", y)] for y in (2015, 2016, 2017)] == [
        10_090_000,
        10_150_540,
        10_262_196,
    ]
    text, _ = register_scenario(tmp_path, {**COFINANCED, "max": "100000.00"}, fmt, "b")
    loaded, problems = load_text(tmp_path, text)
    assert problems == []
    cash = projected(loaded)["none"]
    assert [cash[("c", "EU", "cash", y)] for y in (2015, 2016)] == [5_000_000, 5_000_000]
    # SIN's cap of 67,600.00 indexed: 68,617.65 in 2016 (its shortfall is far above it)
    top_up = {**TOP_UP, "cap_indexation": "pbo from 2014"}
    text, _ = register_scenario(tmp_path, top_up, fmt, "c")
    loaded, problems = load_text(tmp_path, text)
    assert problems == []
    assert projected(loaded)["none"][("c", "VenJ", "cash", 2016)] == 6_861_765


def test_numeric_spreadsheet_cells_for_p_and_rate(tmp_path, xlsx_engine):
    """A number typed into the sheet (0.25, 0.8) reads as the decimal it shows."""
    fields = {**COFINANCED, "rate": 0.8, "status": "pending", "p": 0.25}
    text, _ = register_scenario(tmp_path, fields, "xlsx")
    loaded, problems = load_text(tmp_path, text)
    assert problems == []
    toml = {**COFINANCED, "rate": "0.8", "status": "pending", "p": "0.25"}
    written, problems = load_text(tmp_path, toml_scenario(toml, {}), "toml.toml")
    assert problems == []
    assert projected(loaded) == projected(written)
    assert loaded.commitment("c").pending.p == written.commitment("c").pending.p


BAD_CELLS = [
    (TRANCHE, "status", "maybe", "'maybe' is not a status"),
    ({**TRANCHE, "status": "pending"}, "p", "2", "'2' is outside (0, 1]"),
    ({**TRANCHE, "status": "pending"}, "p", "often", "is not a probability"),
    ({**TRANCHE, "status": "pending"}, "p", "0%", "is outside (0, 1]"),
    ({**TRANCHE, "status": "pending", "p": "1/2"}, "decision", "soon", "soon"),
    (TRANCHE, "p", "1/2", "is given but the commitment is decided"),
    (COFINANCED, "rate", "120%", "above 100%"),
    (COFINANCED, "max", "-5.00", ""),
    (COFINANCED, "max_per_year", "lots", ""),
    (COFINANCED, "eligible", "1.234", ""),
    (INDEXED, "indexation", "pbo since 2014", ""),
    (INDEXED, "indexation", "cpi from 2014", "'cpi' is not an index series"),
    (INDEXED, "indexation", "pbo from 2016", "base_year 2016 is after first_year 2015"),
    ({**INDEXED, "last_year": 2018}, "indexation", "pbo from 2014", "has no rate for year 2018"),
    (TOP_UP, "cap_indexation", "pbo from 2016", "base_year 2016 is after first_year 2015"),
    (TOP_UP, "cap_indexation", "pbo", ""),
]


@pytest.mark.parametrize(
    ("fields", "column", "cell", "message"),
    BAD_CELLS,
    ids=[f"{column}={cell}" for _, column, cell, _ in BAD_CELLS],
)
def test_a_bad_cell_is_one_line(tmp_path, bad_fmt, fields, column, cell, message):
    text, file = register_scenario(tmp_path, {**fields, column: cell}, bad_fmt)
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    result = invoke("run", path)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    line = lines[0]
    assert f"/{file}: row 2 (commitment 'c'), column '{column}': " in line, line
    assert message in line and "(hint: " in line, line


def test_explain_of_a_register_row_shows_its_condition(tmp_path):
    cell = "police-suspects 2014 p=25%"
    text, file = register_scenario(tmp_path, {**TRANCHE, "condition": cell}, "csv")
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    result = invoke("explain", path, "c", "--pending", "expected", "--year", "2015")
    assert result.exit_code == 0, result.output
    assert "police-suspects in 2014: not yet achieved (target 594)" in result.stdout
    assert f"{file}: commitment 'c', field 'condition')" in result.stdout
    assert "Result: 2,500.01 on the commitment basis" in result.stdout  # 1/4 of 20,000.02
