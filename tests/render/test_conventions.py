"""Presentation and conventions (issue 10): currency, fiscal-year labels, thousands that add
up on paper, what compare shows, the shortfall top-ups leave, and the workbook's
properties, paths and print layout.

Expected values are worked out by hand from the scenario files: scenarios/uk-april-gbp.toml
(GBP, fiscal years from 1 April named "2024-25") and the letter's sin-shortfall-80000.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import budget
from budget.core.money import round_half_away, round_parts_to
from budget.core.periods import year_label
from budget.render.text import THOUSAND_CENTS, controlled_thousands
from budget.render.workbook import write_workbook
from budget.reports.overview import Overview, Row
from tests.helpers import LETTER, SCENARIOS, as_run, invoke, without_pending_note

ROOT = SCENARIOS.parent
UK = SCENARIOS / "uk-april-gbp.toml"


# --- fiscal-year labels ---------------------------------------------------------------------


def test_year_labels_by_hand() -> None:
    assert year_label(2015) == "2015"
    assert year_label(2015, "end") == "2015"
    assert year_label(2015, "span") == "2014-15"
    assert year_label(2010, "span") == "2009-10"
    assert year_label(2000, "span") == "1999-2000"  # the century changes: written in full
    assert year_label(2015, "fy") == "FY2015"
    with pytest.raises(ValueError):
        year_label(2015, "start")


def scenario_text(extra: str, fiscal: str = 'fiscal_year_start = "04-01"\n') -> str:
    return f"""
[scenario]
name = "t"
first_year = 2015
last_year = 2016
{fiscal}{extra}

[funders.F]
[recipients.R]

[[commitments]]
id = "c"
kind = "annual"
recipient = "R"
funders = {{ F = "1" }}
first_year = 2015
last_year = 2016
amount = "1000.00"
"""


@pytest.mark.parametrize("style", ["end", "span", "fy"])
def test_year_label_is_read(load, style: str) -> None:
    scenario, problems = load(scenario_text(f'year_label = "{style}"'))
    assert not problems
    assert scenario.year_label == style  # type: ignore[attr-defined]


def test_an_unknown_year_label_lists_the_allowed_values(load) -> None:
    _, problems = load(scenario_text('year_label = "start"'))
    (problem,) = problems
    assert "year_label" in problem and "'start'" in problem
    for allowed in ('"end"', '"span"', '"fy"'):
        assert allowed in problem


def test_span_is_refused_for_a_calendar_fiscal_year(load) -> None:
    _, problems = load(scenario_text('year_label = "span"', fiscal=""))
    (problem,) = problems
    assert "calendar year" in problem and "fiscal_year_start" in problem


# --- currency and labels in the terminal and in csv/json ---------------------------------------


def test_run_table_names_the_currency_and_the_years() -> None:
    result = invoke("run", UK)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "(EUR)" not in text
    assert "Riverside Council grants, cash basis: payments (GBP)" in text
    assert "commitments and cash per funder (GBP)" in text
    assert "headroom per year (GBP)" in text
    header = text.splitlines()[1].split()
    assert header == ["2024-25", "2025-26", "2026-27", "2027-28", "total"]


def test_csv_and_json_rows_carry_currency_and_year_label() -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("run", UK, "--format", "csv").stdout)))
    columns = list(rows[0])
    assert columns[columns.index("year") + 1] == "year_label"
    assert columns.index("currency") == columns.index("amount") - 1
    assert {r["currency"] for r in rows} == {"GBP"}
    assert {(r["year"], r["year_label"]) for r in rows} == {
        ("2025", "2024-25"),
        ("2026", "2025-26"),
        ("2027", "2026-27"),
        ("2028", "2027-28"),
    }
    records = json.loads(invoke("run", UK, "--format", "json").stdout)
    assert records[0]["year"] == 2025 and records[0]["year_label"] == "2024-25"
    assert records[0]["currency"] == "GBP"


def test_simulate_and_actuals_rows_carry_the_conventions() -> None:
    sim = invoke("simulate", SCENARIOS / "letter-2014-uncertain.toml", "--draws", "20",
                 "--seed", "1", "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(sim.stdout)))
    assert {r["currency"] for r in rows} == {"EUR"}
    assert all(r["year_label"] == r["year"] for r in rows)
    actuals = invoke("actuals", SCENARIOS / "letter-2014-realised.toml", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(actuals.stdout)))
    assert rows and {r["currency"] for r in rows} == {"EUR"}


def test_explain_names_the_currency() -> None:
    result = invoke("explain", UK, "youth-annual")
    assert result.exit_code == 0, result.output
    assert "Amounts in GBP" in result.stdout and "2024-25" in result.stdout


# --- thousands --------------------------------------------------------------------------------


def test_thousands_table_has_the_note_and_plain_rounding() -> None:
    text = invoke("run", UK, "--thousands").stdout
    assert "(x GBP 1,000)" in text
    assert "a total may differ from the sum" in text
    # Cash 2025-26, by hand: youth-annual 30,750.00 -> 31; building 152,777.78 -> 153;
    # top-up 70,000.00 -> 70; Council total 253,527.78 -> 254 (31 + 153 + 70 = 254).
    line = next(x for x in text.splitlines() if x.strip().startswith("youth-building"))
    assert line.split()[1:3] == ["97", "153"]


def overview_columns_of(text: str, title: str) -> dict[str, list[int]]:
    """The amounts of one overview table in the text, by row label."""
    lines = text.split(title, 1)[1].splitlines()[3:]
    out: dict[str, list[int]] = {}
    group = ""
    for line in lines:
        if line.startswith("Amounts in thousands"):
            break
        if not line.strip() or line.startswith("-"):
            continue
        if ":" in line and not line.startswith(" "):
            group = line.split(":")[0]
            continue
        name, *values = line.rsplit(maxsplit=5)
        key = f"{group}/{name.strip()}" if line.startswith(" ") else name.strip()
        out[key] = [0 if v == "-" else int(v.replace(",", "")) for v in values]
    return out


def test_controlled_rounding_adds_up_on_paper() -> None:
    text = invoke("run", UK, "--thousands", "--rounding", "controlled").stdout
    assert "every column adds up to its total" in text
    table = overview_columns_of(text, "cash basis: payments (x GBP 1,000)")
    council = [table[f"Council/{c}"] for c in ("foodbank-top-up", "youth-annual", "youth-building")]
    for column in range(5):
        assert sum(r[column] for r in council) == table["Council/Council total"][column]
        subtotals = table["Council/Council total"][column] + table["Lottery/Lottery total"][column]
        assert subtotals == table["Total"][column]
    # By hand, cash 2026-27: total 117,278.13 -> 117; Council 101,518.75, Lottery 15,759.38:
    # floors 101 + 15 = 116, one more to the larger remainder (Lottery's .759) -> 101, 16.
    assert table["Council/Council total"][2] == 101 and table["Lottery/Lottery total"][2] == 16


def test_a_plain_run_shows_exact_amounts() -> None:
    plain = invoke("run", UK).stdout
    assert "Amounts in thousands" not in plain


def test_round_parts_to_by_hand() -> None:
    # 1.4 + 1.4 + 1.2 = 4.0 thousand: floors 1 + 1 + 1 = 3, one more to the first 0.4.
    assert round_parts_to(4, [140_000, 140_000, 120_000], THOUSAND_CENTS) == [2, 1, 1]
    with pytest.raises(ValueError):
        round_parts_to(9, [140_000, 140_000, 120_000], THOUSAND_CENTS)


amounts = st.integers(min_value=-(10**12), max_value=10**12)


@given(st.lists(amounts, min_size=1, max_size=12))
def test_round_parts_to_adds_up_and_stays_within_one_unit(parts: list[int]) -> None:
    shown_total = round_half_away(sum(parts), THOUSAND_CENTS)
    shown = round_parts_to(shown_total, parts, THOUSAND_CENTS)
    assert sum(shown) == shown_total
    for value, exact in zip(shown, parts, strict=True):
        assert abs(value * THOUSAND_CENTS - exact) < THOUSAND_CENTS


@given(st.lists(st.lists(st.lists(amounts, min_size=2, max_size=2), min_size=1, max_size=5),
                min_size=1, max_size=4))  # fmt: skip
def test_controlled_thousands_add_up_at_every_level(groups: list[list[list[int]]]) -> None:
    """Groups of items (2 years and their total): the shown items add up to their group's
    shown subtotal, the subtotals to the shown total, every line's years to its total,
    and every shown amount is within one thousand of its exact amount."""
    rows = []
    grand = [0, 0, 0]
    for g, items in enumerate(groups):
        subtotal = [0, 0, 0]
        for i, years in enumerate(items):
            cents = [*years, sum(years)]
            rows.append(Row("item", f"g{g}", f"i{i}", f"i{i}", tuple(cents)))
            subtotal = [a + b for a, b in zip(subtotal, cents, strict=True)]
        rows.append(Row("subtotal", f"g{g}", "", f"g{g}", tuple(subtotal)))
        grand = [a + b for a, b in zip(grand, subtotal, strict=True)]
    rows.append(Row("total", "", "", "Total", tuple(grand)))
    table = Overview("cash", "funder", ("1", "2", "total"), tuple(rows), {})
    shown = controlled_thousands(table)
    for row, values in zip(rows, shown, strict=True):
        for value, exact in zip(values, row.cents, strict=True):
            assert abs(value * THOUSAND_CENTS - exact) < THOUSAND_CENTS
        assert values[0] + values[1] == values[2]  # across: the years add up to the total
    for column in range(3):
        total = shown[-1][column]
        subtotals = [s for r, s in zip(rows, shown, strict=True) if r.level == "subtotal"]
        assert sum(s[column] for s in subtotals) == total
        for g in range(len(groups)):
            mine = [s for r, s in zip(rows, shown, strict=True) if r.group == f"g{g}"]
            assert sum(s[column] for s in mine[:-1]) == mine[-1][column]


# --- the shortfall top-ups leave ---------------------------------------------------------------


def test_run_shows_the_shortfall_above_the_cap() -> None:
    # SIN's shortfall 80,000 a year, the top-up capped at 67,600: 12,400 left each year.
    text = invoke("run", SCENARIOS / "sin-shortfall-80000.toml").stdout
    section = text.split("shortfall not covered by top-ups (EUR)")[1].split("\n\n")[0]
    lines = [x.split() for x in section.splitlines() if x.startswith("SIN ")]
    assert [(x[-2], x[-1]) for x in lines] == [
        ("2015", "12,400.00"),
        ("2016", "12,400.00"),
        ("2017", "12,400.00"),
    ]
    assert "shortfall not covered" not in invoke("run", LETTER).stdout  # the cap suffices


def test_the_uk_example_shortfall_by_hand() -> None:
    # FoodBank: costs - income = 65,000 / 72,500 / 79,000; the cap is 70,000.
    text = invoke("run", UK).stdout
    section = text.split("shortfall not covered by top-ups (GBP)")[1].split("\n\n")[0]
    assert "2025-26   2,500.00" in section and "2026-27   9,000.00" in section
    assert "2024-25" not in section


# --- compare ------------------------------------------------------------------------------------


def test_compare_shows_totals_per_year_and_per_funder() -> None:
    text = invoke("compare", LETTER, SCENARIOS / "sin-eu-grant.toml").stdout
    per_funder = text.split("Totals per funder, cash basis: payments (EUR)")[1].split("\n\n")[0]
    # VenJ by hand: MKI 4 x 100,000 + half the SIN top-up 3 x 33,800 = 501,400; with the EU
    # grant (60,000 in 2015, 30,000 a year of SIN's income in 2015-2016) VenJ pays 15,000
    # less in each of those two years: 471,400.
    venj = next(x for x in per_funder.splitlines() if x.startswith("VenJ"))
    assert venj.split() == ["VenJ", "501,400.00", "471,400.00", "-30,000.00"]
    assert "Totals per year, commitment basis" in text


def test_compare_checks_every_scenarios_limits(tmp_path: Path) -> None:
    tight = tmp_path / "tight.toml"
    tight.write_text(
        f'[scenario]\nextends = "{UK.as_posix()}"\nname = "Tight"\n\n'
        '[[limits]]\nfunder = "Lottery"\nbasis = "cash"\nmax = "15000"\n',
        encoding="utf-8",
    )
    result = invoke("compare", UK, tight)
    assert result.exit_code == 0, result.output
    section = result.stdout.split("Limits of every scenario")[1]
    breached = [x.split()[-6:-4] for x in section.splitlines() if x.endswith("BREACHED")]
    # Council cash 2025-26: 253,527.78 > 250,000 in both; Lottery cash above 15,000 in
    # 2025-26 (15,375.00), 2026-27 (15,759.38) and 2027-28 (16,153.36) in "Tight"; its
    # 15,000.00 in 2024-25 equals the ceiling, which is no breach.
    assert breached == [["cash", "2025-26"], ["cash", "2025-26"], ["cash", "2025-26"],
                        ["cash", "2026-27"], ["cash", "2027-28"]]  # fmt: skip
    tight = [x for x in section.splitlines() if x.startswith("Tight") and "Lottery" in x]
    assert len(tight) == 4 and tight[0].split()[-1] == "0.00"
    assert "5 limit-years breached." in section


def test_compare_warns_about_different_conventions() -> None:
    result = invoke("compare", LETTER, UK)
    assert result.exit_code == 0
    warnings = [x for x in result.stderr.splitlines() if x.startswith("warning:")]
    assert any("fiscal years starting 04-01" in x for x in warnings)
    assert any("is in GBP" in x and "EUR" in x for x in warnings)
    stderr = invoke("compare", LETTER, SCENARIOS / "sin-eu-grant.toml").stderr
    assert not without_pending_note(stderr)


# --- the workbook -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def uk_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("uk") / "uk.xlsx"
    result = invoke("run", UK, "-o", path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return path, openpyxl.load_workbook(path)


def test_workbook_in_pounds_with_span_labels(uk_book: tuple[Path, object]) -> None:
    path, book = uk_book
    names = book.sheetnames  # type: ignore[attr-defined]
    assert "Overview x GBP 1,000" in names and not any("EUR" in n for n in names)
    ws = book["Overview"]  # type: ignore[index]
    assert [ws.cell(5, c).value for c in range(3, 7)] == ["2024-25", "2025-26", "2026-27",
                                                          "2027-28"]  # fmt: skip
    assert all(ws.cell(5, c).alignment.horizontal == "right" for c in range(3, 8))
    assert "Amounts in GBP" in ws["A3"].value
    data = book["Data"]  # type: ignore[index]
    money = [c.number_format for c in data[2] if "0.00" in c.number_format]
    assert money and all('"£"' in f for f in money)
    with zipfile.ZipFile(path) as archive:
        styles_xml = archive.read("xl/styles.xml").decode()
        assert "€" not in styles_xml and "£" in styles_xml
        assert "EUR" not in "".join(
            archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml")
        )


def test_workbook_title_property_is_the_scenario_name(uk_book: tuple[Path, object]) -> None:
    _, book = uk_book
    assert book.properties.title == "Riverside Council grants"  # type: ignore[attr-defined]


def test_thousands_sheet_has_the_note(uk_book: tuple[Path, object]) -> None:
    _, book = uk_book
    note = book["Overview x GBP 1,000"]["A4"].value  # type: ignore[index]
    assert "Totals are rounded from the exact amounts" in note


def test_the_headroom_breach_is_red(uk_book: tuple[Path, object]) -> None:
    path, book = uk_book
    ws = book["Budget ceilings"]  # type: ignore[index]
    flags = [row for row in ws.iter_rows() if row[6].value == "=IF(D{0}>E{0},\"BREACHED\",\"ok\")"
             .format(row[0].row)]  # fmt: skip
    assert len(flags) == 4
    # A conditional format marks a breach (it follows an edit): D > E on each flag's row.
    first, last = flags[0][0].row, flags[-1][0].row
    (rule_range,) = [str(r.sqref) for r in ws.conditional_formatting]
    assert rule_range == f"F{first}:G{last}"
    (rule,) = ws.conditional_formatting[rule_range]
    assert rule.formula == [f"$D{first}>$E{first}"]
    assert rule.dxf.fill.bgColor.rgb.endswith("FFC7CE")
    assert rule.dxf.font.color.rgb.endswith("9C0006")
    values = openpyxl.load_workbook(path, data_only=True)["Budget ceilings"]
    breached = [r[2].value for r in flags if values.cell(r[0].row, 7).value == "BREACHED"]
    assert breached == ["2025-26"]  # 253,527.78 > 250,000.00
    assert all(r[6].alignment.horizontal == "right" for r in flags)  # under its header
    headers = {c.value: c.alignment.horizontal for c in ws[4] if c.value}
    assert headers["Year"] == "right"


def test_workbook_shows_the_uncovered_shortfall(uk_book: tuple[Path, object]) -> None:
    path, _ = uk_book
    book = openpyxl.load_workbook(path, data_only=True)
    ws = book["Uncovered shortfall"]  # a sheet of its own, its header on every page
    at = book.sheetnames.index("Commitment vs cash")  # each table on a sheet of its own
    assert book.sheetnames[at : at + 4] == [
        "Commitment vs cash",
        "Budget ceilings",
        "Uncovered shortfall",
        "Commitment vs cash working",
    ]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    at = next(i for i, r in enumerate(values) if r[0] == "Shortfall not covered by top-ups")
    assert values[at + 2] == ["Recipient", "Year", "Uncovered"]
    assert openpyxl.load_workbook(path)["Uncovered shortfall"].print_title_rows == "$3:$3"
    # Every year of the top-up, live: 65,000 - the 70,000 cap covers it; then 2,500, 9,000.
    assert [r[:3] for r in values[at + 3 : at + 6]] == [
        ["FoodBank", "2024-25", 0],
        ["FoodBank", "2025-26", 2500],
        ["FoodBank", "2026-27", 9000],
    ]


def test_overview_chart_prints_on_its_own_sheet(uk_book: tuple[Path, object]) -> None:
    _, book = uk_book
    assert not book["Overview"]._charts  # type: ignore[index]
    assert len(book["Overview chart"]._charts) == 1  # type: ignore[index]
    assert book["Overview chart"].print_title_rows is None  # type: ignore[index]


def test_band_charts_each_start_a_printed_page(tmp_path: Path) -> None:
    target = tmp_path / "sim.xlsx"
    result = invoke("simulate", SCENARIOS / "letter-2014-uncertain.toml", "--draws", "20",
                    "--seed", "2", "-o", target)  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(target)["Uncertainty charts"]
    anchors = sorted(c.anchor._from.row + 1 for c in ws._charts)
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    # one chart per funder: VenJ, VWS, BZ and the EU (simulate draws its pending decision)
    assert len(anchors) == 4 and breaks == [a - 1 for a in anchors[1:]]
    assert ws.print_title_rows is None


def test_source_date_epoch_sets_the_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = budget.load_scenario(UK)
    rows = budget.project(scenario)
    fixed = tmp_path / "fixed.xlsx"
    write_workbook(scenario, rows, fixed)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    dated = tmp_path / "dated.xlsx"
    write_workbook(scenario, rows, dated)
    with zipfile.ZipFile(fixed) as archive:
        assert "2000-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()
    with zipfile.ZipFile(dated) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert '<dcterms:created xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z' in core
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    again = tmp_path / "again.xlsx"
    write_workbook(scenario, rows, again)
    assert again.read_bytes() == dated.read_bytes()


def test_the_workbook_names_files_relative_to_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    for folder, path in ((ROOT, "scenarios/uk-april-gbp.toml"), (SCENARIOS, "uk-april-gbp.toml"),
                         (tmp_path, str(UK))):  # fmt: skip
        monkeypatch.chdir(folder)
        scenario = budget.load_scenario(path)
        target = tmp_path / f"{len(outputs)}.xlsx"
        write_workbook(scenario, budget.project(scenario), target)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    ws = openpyxl.load_workbook(target)["Assumptions"]
    files = [r[2].value for r in ws.iter_rows() if r[1].value == "file 1"]
    assert files == ["uk-april-gbp.toml"]
    text = "".join(str(c.value) for row in ws.iter_rows() for c in row)
    assert str(ROOT) not in text


def test_a_long_write_shows_progress_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from budget.render.present import LONG_WRITE_ROWS, workbook_progress

    scenario = as_run(LETTER)  # as run counts it: no pending commitment
    rows = budget.project(scenario)
    calls: list[tuple[int, int]] = []
    with workbook_progress("x.xlsx", LONG_WRITE_ROWS, terminal=True) as progress:
        write_workbook(scenario, rows, tmp_path / "x.xlsx",
                       progress=lambda d, t: (calls.append((d, t)), progress(d, t)))  # fmt: skip
    assert calls[-1][0] == calls[-1][1] == len(calls)
    assert "Writing x.xlsx" in capsys.readouterr().err
    with workbook_progress("y.xlsx", LONG_WRITE_ROWS - 1, terminal=True) as progress:
        write_workbook(scenario, rows, tmp_path / "y.xlsx", progress=progress)
    assert "Writing" not in capsys.readouterr().err


def test_overview_columns_fit_their_largest_amounts(tmp_path: Path) -> None:
    """The letter's 2014 column holds only formulas (its items refer to the Calculation
    sheet): its width must still fit 1,306,140.35 (the cash total), else it prints ###."""
    target = tmp_path / "letter.xlsx"
    assert invoke("run", "-o", target).exit_code == 0
    ws = openpyxl.load_workbook(target)["Overview"]
    assert ws["C5"].value == "2014"
    assert ws.column_dimensions["C"].width >= len("1,306,140.35") + 2


def test_controlled_rounding_implies_thousands() -> None:
    assert "(x GBP 1,000)" in invoke("run", UK, "--rounding", "controlled").stdout
