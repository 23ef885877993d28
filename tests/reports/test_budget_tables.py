"""budget tables: the RBV 1.33d tables of the 2015 draft budget (issue 22, item 3), the
rounding of a hierarchical table to thousands, and the open-data rows."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from budget.reports.thousands import THOUSAND, split_shown, sub_rows, thousands, top_row
from tests.helpers import SCENARIOS, invoke, write_file

DRAFT = SCENARIOS / "round-2015-draft.toml"


def _cells(line: str) -> list[str]:
    return line.split()


def test_the_worked_example_of_the_letter_as_the_draft_budget_2015():
    result = invoke("tables", DRAFT, "--year", "2015")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    venj = lines.index("VI Ministry of Security and Justice (VenJ), article 33")
    block = {_cells(line)[0]: _cells(line)[1:] for line in lines[venj + 3 : venj + 9]}
    assert block["Verplichtingen"] == ["100", "134", "134", "134", "0", "0", "502"]
    assert block["Uitgaven"] == ["100", "134", "134", "134", "0", "0", "502"]
    assert block["Subsidies"] == ["100", "134", "134", "134", "0", "0", "502"]
    assert block["SIN"] == ["0", "34", "34", "34", "0", "0", "102"]
    assert block["MKI"] == ["100", "100", "100", "100", "0", "0", "400"]
    assert block["Ontvangsten"] == ["0"] * 7
    assert lines[venj + 9] == (
        "Of which legally committed in 2015: 100,000.00 of 133,800.00 = 74.74%"
    )


def test_the_worked_example_in_the_open_data_rows_in_cents():
    result = invoke("tables", DRAFT, "--year", "2015", "--format", "json")
    rows = json.loads(result.stdout)
    venj = [r for r in rows if r["chapter"] == "VI" and r["year"] == 2015]
    (cash,) = [r for r in venj if r["vuo"] == "U" and r["article_total"]]
    assert (cash["amount_thousands"], cash["amount_cents"]) == (134, 13_380_000)
    assert cash["legally_committed_cents"] == 10_000_000
    leaves = {
        r["scheme"]: r["amount_cents"] for r in venj if r["vuo"] == "U" and not r["article_total"]
    }
    assert leaves == {"SIN": 3_380_000, "MKI": 10_000_000}
    (receipts,) = [r for r in venj if r["vuo"] == "O" and r["article_total"]]
    assert receipts["amount_cents"] == 0
    on_total_2015 = [r["vuo"] == "U" and r["article_total"] and r["year"] == 2015 for r in rows]
    assert [r["legally_committed_cents"] is not None for r in rows] == on_total_2015


def test_the_rows_that_are_not_totals_add_up_to_the_totals_in_cents():
    rows = json.loads(invoke("tables", DRAFT, "--format", "json").stdout)
    totals: dict[tuple, int] = {}
    parts: dict[tuple, int] = {}
    for r in rows:
        key = (r["chapter"], r["article"], r["vuo"], r["year"])
        target = totals if r["article_total"] else parts
        target[key] = target.get(key, 0) + r["amount_cents"]
    assert {k: v for k, v in totals.items() if v} == {k: v for k, v in parts.items() if v}
    assert len(totals) == 3 * 3 * 6  # three chapters, V/U/O, T-1 .. T+4


def test_an_unknown_instrument_is_a_warning_naming_the_closest(tmp_path):
    path = write_file(
        tmp_path,
        f'[scenario]\nextends = "{DRAFT}"\n[[commitments]]\nid = "mki-support"\n'
        'instrument = "Subsidie"\n',
    )
    result = invoke("tables", path)
    assert result.exit_code == 0
    assert (
        "field 'instrument': 'Subsidie' is not an instrument of the RBV "
        "(hint: did you mean 'Subsidies'?)" in result.stderr
    )


def test_legally_committed_follows_the_reference_date():
    result = invoke("tables", DRAFT, "--year", "2015", "--as-of", "2014-12-14")
    assert "0.00 of 133,800.00 = 0.00%" in result.stdout


cents = st.integers(-(10**12), 10**12)


@given(st.lists(st.lists(cents, min_size=6, max_size=6), min_size=1, max_size=6))
def test_sub_rows_add_up_to_their_printed_row_in_every_year(children):
    parent = [sum(c[y] for c in children) for y in range(6)]
    shown = top_row(parent)
    printed = sub_rows(shown, children)
    for y in range(6):
        assert sum(row[y] for row in printed) == shown[y]
        assert abs(shown[y] * THOUSAND - parent[y]) <= THOUSAND // 2
    for row, exact in zip(printed, children, strict=True):
        assert all(abs(v * THOUSAND - e) < 2 * THOUSAND for v, e in zip(row, exact, strict=True))


@given(st.lists(cents, min_size=1, max_size=8), st.integers(-3, 3))
def test_split_shown_always_adds_up(parts, off):
    shown = thousands(sum(parts)) + off
    assert sum(split_shown(shown, parts)) == shown


def test_explain_names_the_budget_line():
    result = invoke("explain", DRAFT, "mki-support", "--year", "2015")
    assert (
        "Budget line: VenJ chapter VI, article 33, instrument Subsidies, scheme MKI, "
        "legally committed on 2014-12-15" in result.stdout
    )
    data = json.loads(invoke("explain", DRAFT, "sin-top-up", "--format", "json").stdout)
    assert data["budget_line"] == (
        "VenJ chapter VI, VWS chapter XVI, article 33, instrument Subsidies, scheme SIN"
    )


def test_budget_lines_from_register_columns(tmp_path):
    write_file(
        tmp_path,
        "id,kind,recipient,funders,first_year,last_year,amount,article,instrument,scheme,"
        "legally_committed\n"
        "x,annual,A,VenJ,2015,2016,1000.00,33,Opdrachten,Reg1,2014-01-01\n"
        "y,annual,A,VenJ,2015,2016,500.00,,,,\n",
        "r.csv",
    )
    path = write_file(
        tmp_path,
        '[scenario]\nname = "reg"\nregister = "r.csv"\n[funders.VenJ]\nchapter = "VI"\n'
        '[recipients.A]\nname = "A"\n',
    )
    rows = json.loads(invoke("tables", path, "--year", "2015", "--format", "json").stdout)
    leaves = {
        (r["article"], r["instrument"], r["scheme"]): r["amount_cents"]
        for r in rows
        if r["vuo"] == "U" and r["year"] == 2015 and not r["article_total"]
    }
    assert leaves == {
        ("33", "Opdrachten", "Reg1"): 100_000,
        ("(no article)", "(no instrument)", "A"): 50_000,
    }
    (committed,) = [
        r["legally_committed_cents"]
        for r in rows
        if r["legally_committed_cents"] and r["article"] == "33"
    ]
    assert committed == 100_000


@st.composite
def _lined(draw):
    from dataclasses import replace

    from budget.core.lines import BudgetLine
    from budget.testing.strategies import scenarios

    scenario = draw(scenarios())
    lines = {
        c.id: BudgetLine(
            article=draw(st.sampled_from(["", "1", "2"])),
            article_part=draw(st.sampled_from(["", "1.1", "1.2"])),
            instrument=draw(st.sampled_from(["", "Subsidies", "Opdrachten"])),
            scheme=draw(st.sampled_from(["", "S1", "S2"])),
        )
        for c in scenario.commitments
    }
    return replace(scenario, budget_lines=lines), draw(st.integers(2014, 2020))


@settings(max_examples=40, deadline=None)
@given(_lined())
def test_every_printed_table_adds_up_and_the_leaves_add_up_in_cents(case):
    from budget.engine.projection import project
    from budget.render.budget_tables_text import open_data_rows
    from budget.reports.budget_tables import budget_tables

    scenario, year = case
    report = budget_tables(scenario, project(scenario), year)
    for table in report.tables:
        rows = list(table.rows)
        for i, row in enumerate(rows):
            block = []
            for below in rows[i + 1 :]:
                if below.level <= row.level or below.vuo != row.vuo:
                    break
                block.append(below)
            nearest = min((b.level for b in block), default=None)
            children = [b for b in block if b.level == nearest]
            if children:
                for y in range(len(report.years)):
                    assert sum(c.shown[y] for c in children) == row.shown[y]
                    assert sum(c.cents[y] for c in children) == row.cents[y]
            if row.level == 0:
                assert row.shown == tuple(thousands(c) for c in row.cents)
    frame = open_data_rows(report)
    keys = ["chapter", "article", "vuo", "year"]
    totals = frame[frame["article_total"] == True].groupby(keys)["amount_cents"].sum()  # noqa: E712
    leaves = frame[frame["article_total"] == False].groupby(keys)["amount_cents"].sum()  # noqa: E712
    assert leaves.reindex(totals.index, fill_value=0).to_dict() == totals.to_dict()


def test_the_budget_year_comes_from_the_scenario_unless_year_is_given(tmp_path):
    first = invoke("tables", DRAFT).stdout.splitlines()[0]
    assert "budget year 2015 (x EUR 1,000); legally committed as of 2015-01-01" in first
    given = invoke("tables", DRAFT, "--year", "2016").stdout.splitlines()[0]
    assert "budget year 2016" in given
    adopted = DRAFT.with_name("round-2015-adopted.toml")
    supplementary = DRAFT.with_name("round-2015-1st-supplementary.toml")
    plain = invoke("round", DRAFT, adopted, supplementary)
    assert plain.stdout == invoke("round", DRAFT, adopted, supplementary, "--year", "2015").stdout
    path = write_file(tmp_path, f'[scenario]\nextends = "{DRAFT.as_posix()}"\nbudget_year = "T"\n')
    bad = invoke("tables", path)
    assert bad.exit_code == 1
    assert bad.stderr == (
        f"{path}: [scenario] field 'budget_year': 'T' is not a year (hint: give a fiscal "
        "year from 1900 to 2200, such as 2015)\n"
    )
