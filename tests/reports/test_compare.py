"""Comparison: deltas against a plain recomputation, attribution, labels and the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import replace

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import project
from budget.cli import cli
from budget.reports.compare import compare_rows, comparison, scenario_labels, side_by_side
from budget.testing.strategies import scenarios
from tests.helpers import SCENARIOS, as_run


def plain_sums(rows) -> dict[tuple[str, str, str, int], int]:
    sums: dict[tuple[str, str, str, int], int] = defaultdict(int)
    for c, f, b, y, a in rows[["commitment", "funder", "basis", "year", "amount_cents"]].itertuples(
        index=False
    ):
        sums[(c, f, b, int(y))] += int(a)
    return dict(sums)


@settings(max_examples=40, deadline=None)
@given(st.lists(scenarios(max_commitments=4), min_size=2, max_size=3))
def test_delta_is_the_scenario_minus_the_base_missing_counts_as_zero(items):
    items = [replace(s, name=f"S{i}", path=f"s{i}.toml") for i, s in enumerate(items)]
    rows = [project(s) for s in items]
    long = compare_rows(items, rows)
    assert long["amount_cents"].dtype == "int64" and long["delta_cents"].dtype == "int64"
    base = plain_sums(rows[0])
    for i, (scenario, frame) in enumerate(zip(items, rows, strict=True)):
        mine = long[long["scenario"] == scenario.name]
        got = {
            (c, f, b, int(y)): (int(a), int(d))
            for c, f, b, y, a, d in mine[
                ["commitment", "funder", "basis", "year", "amount_cents", "delta_cents"]
            ].itertuples(index=False)
        }
        assert len(got) == len(mine), "one row per commitment, funder, basis and year"
        own = plain_sums(frame)
        if i == 0:
            assert got == {k: (v, 0) for k, v in own.items()}
            continue
        keys = set(own) | set(base)
        assert got == {k: (own.get(k, 0), own.get(k, 0) - base.get(k, 0)) for k in keys}


@settings(max_examples=30, deadline=None)
@given(st.lists(scenarios(max_commitments=4), min_size=2, max_size=3))
def test_side_by_side_adds_up_and_attributes_every_cent(items):
    items = [replace(s, name=f"S{i}", path=f"s{i}.toml") for i, s in enumerate(items)]
    rows = [project(s) for s in items]
    long = compare_rows(items, rows)
    labels = scenario_labels(items)
    table = side_by_side(long, labels)
    for i, label in enumerate(labels):
        mine = long[long["scenario"] == label]
        assert sum(r.amounts[i] for r in table) == int(mine["amount_cents"].sum())
        assert sum(r.deltas[i] for r in table) == int(mine["delta_cents"].sum())
    for r in table:
        assert r.deltas[0] == 0 and r.causes[0] == ()
        for i in range(1, len(labels)):
            causes = r.causes[i]
            assert sum(d for _, d in causes) == r.deltas[i]
            sizes = [abs(d) for _, d in causes]
            assert sizes == sorted(sizes, reverse=True)
            assert all(d != 0 for _, d in causes)


def test_labels_tell_scenarios_with_the_same_name_apart():
    base = as_run(SCENARIOS / "letter-2014.toml")
    a = replace(base, path="x/first.toml")
    b = replace(base, path="y/second.toml")
    c = replace(base, name="Other", path="z/other.toml")
    assert scenario_labels([a, b, c]) == ["Letter 2014 (first)", "Letter 2014 (second)", "Other"]
    assert scenario_labels([a, a]) == [
        "Letter 2014 (x/first.toml) #1",
        "Letter 2014 (x/first.toml) #2",
    ]


def cli_rows(*args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(cli, ["compare", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_compare_csv_on_the_eu_grant():
    rows = cli_rows(str(SCENARIOS / "letter-2014.toml"), str(SCENARIOS / "sin-eu-grant.toml"))
    assert list(rows[0]) == [
        "scenario", "commitment", "funder", "basis", "year", "year_label", "currency",
        "amount", "amount_cents", "delta", "delta_cents",
    ]  # fmt: skip

    def find(scenario: str, commitment: str, funder: str, basis: str, year: int) -> dict:
        (row,) = [
            r
            for r in rows
            if (r["scenario"], r["commitment"], r["funder"], r["basis"], r["year"])
            == (scenario, commitment, funder, basis, str(year))
        ]
        return row

    # Base: the top-up pays 67,600.00 / 2 = 33,800.00 to each; its delta is 0.
    row = find("Letter 2014", "sin-top-up", "VenJ", "cash", 2015)
    assert (row["amount"], row["delta"]) == ("33800.00", "0.00")
    # EU pays SIN 30,000.00 in 2015: the shortfall is 37,600.00, 18,800.00 each.
    row = find("EU grant to SIN awarded", "sin-top-up", "VWS", "cash", 2015)
    assert (row["amount"], row["amount_cents"], row["delta"], row["delta_cents"]) == (
        "18800.00",
        "1880000",
        "-15000.00",
        "-1500000",
    )
    # 2017 has no EU money: no change.
    assert find("EU grant to SIN awarded", "sin-top-up", "VenJ", "cash", 2017)["delta"] == "0.00"
    # The EU grant is missing from the base: it counts as 0 there.
    row = find("EU grant to SIN awarded", "eu-sin", "EU", "commitment", 2015)
    assert (row["amount"], row["delta"]) == ("60000.00", "60000.00")
    assert not [r for r in rows if r["scenario"] == "Letter 2014" and r["commitment"] == "eu-sin"]


def test_a_commitment_removed_from_the_other_side_counts_as_zero(tmp_path):
    other = tmp_path / "no-mki.toml"
    other.write_text(
        f'[scenario]\nextends = "{SCENARIOS / "letter-2014.toml"}"\nname = "No MKI"\n'
        'remove = ["mki-support"]\n',
        encoding="utf-8",
    )
    rows = cli_rows(str(SCENARIOS / "letter-2014.toml"), str(other))
    mki = [r for r in rows if r["scenario"] == "No MKI" and r["commitment"] == "mki-support"]
    assert len(mki) == 2 * 4  # both bases, 2014-2017
    assert {(r["amount"], r["delta"]) for r in mki} == {("0.00", "-100000.00")}


def test_compare_json_keeps_amounts_as_text():
    result = CliRunner().invoke(
        cli,
        [
            "compare",
            str(SCENARIOS / "letter-2014.toml"),
            str(SCENARIOS / "mki-through-2015.toml"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    changed = [r for r in records if r["delta_cents"] != 0]
    # The old promise stops after 2015: 2016 and 2017 lose 100,000.00 on both bases.
    assert {(r["commitment"], r["basis"], r["year"], r["delta"]) for r in changed} == {
        ("mki-support", b, y, "-100000.00") for b in ("cash", "commitment") for y in (2016, 2017)
    }


def test_compare_table_shows_differences_and_their_causes():
    result = CliRunner().invoke(
        cli,
        ["compare", str(SCENARIOS / "letter-2014.toml"), str(SCENARIOS / "bz-advance-80.toml")],
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Comparison, cash basis: payments (EUR)" in text
    # 2014: 1,600,000.00 advance against 1,206,140.35 by days.
    assert "BZ pays an 80% advance, BZ 2014: +393,859.65 = bz-tdh-ecpat +393,859.65" in text
    assert "BZ pays an 80% advance, BZ 2016: +400,000.00 = bz-tdh-ecpat +400,000.00" in text
    assert "No differences on the commitment basis." in text


def test_compare_with_a_bad_file_exits_1(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nextends = "gone.toml"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", str(SCENARIOS / "letter-2014.toml"), str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}: [scenario] field 'extends'")


def test_compare_needs_two_scenarios():
    result = CliRunner().invoke(cli, ["compare", str(SCENARIOS / "letter-2014.toml")])
    assert result.exit_code == 2


@pytest.mark.slow
def test_comparison_workbook_recalculates_in_libreoffice(tmp_path):
    import openpyxl

    from budget.render.workbook.compare_sheet import CAUSES, COMPARISON, write_comparison
    from budget.reports.compare import side_by_side
    from tests.workbook_helpers import libreoffice_convert, soffice

    soffice()
    names = ["letter-2014.toml", "sin-eu-grant.toml", "bz-advance-80.toml"]
    items = [as_run(SCENARIOS / n) for n in names]
    long = compare_rows(items, [project(s) for s in items])
    labels = scenario_labels(items)
    written = tmp_path / "compare.xlsx"
    write_comparison(items, long, comparison(items, long, labels), written)
    (result,) = libreoffice_convert([written], tmp_path / "out", "xlsx", tmp_path / "profile")
    values = openpyxl.load_workbook(result, data_only=True)
    ws = values[COMPARISON]
    table = [r for r in side_by_side(long, labels) if any(r.amounts) or any(r.deltas)]
    cents = lambda v: round(v * 100)  # noqa: E731
    found = {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        if isinstance(row[1], int):
            found.setdefault((row[0], row[1]), []).append(row)
    totals = [row for row in ws.iter_rows(min_row=5, values_only=True) if row[0] == "Total"]
    for basis, total in zip(("cash", "commitment"), totals, strict=True):
        mine = [r for r in table if r.basis == basis]
        for r in mine:
            sheet_row = found[(r.funder, r.year)].pop(0)
            assert [cents(v) for v in sheet_row[2:]] == [
                r.amounts[0],
                r.amounts[1],
                r.deltas[1],
                r.amounts[2],
                r.deltas[2],
            ]
        assert [cents(v) for v in total[2:]] == [
            sum(r.amounts[0] for r in mine),
            sum(r.amounts[1] for r in mine),
            sum(r.deltas[1] for r in mine),
            sum(r.amounts[2] for r in mine),
            sum(r.deltas[2] for r in mine),
        ]
    causes = list(values[CAUSES].iter_rows(min_row=5, values_only=True))
    assert ("BZ pays an 80% advance", "cash", "BZ", 2014, "bz-tdh-ecpat", 393859.65) in causes
    assert values["Data"]["A1"].value == "scenario"


def test_compare_output_refuses_to_overwrite_an_input(tmp_path):
    # A scenario in a file named .csv: -o would write CSV rows there, but it is an input.
    base = tmp_path / "base.csv"
    base.write_bytes((SCENARIOS / "letter-2014.toml").read_bytes())
    other = SCENARIOS / "mki-through-2015.toml"
    result = CliRunner().invoke(cli, ["compare", str(base), str(other), "-o", str(base)])
    assert result.exit_code == 1
    assert "refusing to write over it" in result.stderr
    assert base.read_bytes() == (SCENARIOS / "letter-2014.toml").read_bytes()


def test_the_terminal_and_the_sheet_take_their_titles_from_the_report():
    from dataclasses import replace

    from budget.render.compare_text import comparison_text
    from budget.render.workbook import new_workbook
    from budget.render.workbook.compare_sheet import (
        CAUSES,
        COMPARISON,
        add_causes_sheet,
        add_comparison_sheet,
    )

    items = [as_run(SCENARIOS / n) for n in ("letter-2014.toml", "sin-eu-grant.toml")]
    long = compare_rows(items, [project(s) for s in items])
    report = comparison(items, long, scenario_labels(items))
    report = replace(
        report,
        sheet_title="S-top",
        causes_sheet_title="S-causes",
        sections=tuple(
            replace(s, title=f"T-{s.basis}", sheet_title=f"S-{s.basis}", causes_title="T-why")
            for s in report.sections
        ),
    )
    text = comparison_text(report).splitlines()
    assert [line for line in text if line.startswith("T-")] == [
        "T-cash",
        "T-why",
        "T-commitment",
        "T-why",
    ]
    book = new_workbook()
    add_comparison_sheet(book, report)
    add_causes_sheet(book, report)
    titles = [
        value
        for name in (COMPARISON, CAUSES)
        for _, cells in sorted(book[name].rows.items())
        for value, _ in cells.values()
        if isinstance(value, str) and value.startswith("S-")
    ]
    assert titles == ["S-top", "S-cash", "S-commitment", "S-causes"]
