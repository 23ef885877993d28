"""The workbook at register scale (issue 21): above MAX_LISTED commitments the overviews
show funders (by recipient: recipients and funders) and the commitments' inputs go to a CSV
beside the workbook; every total still matches the engine."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import budget
from budget.cli import cli
from budget.render.workbook import write_workbook
from budget.render.workbook.assumptions_sheet import (
    CSV_HEADERS,
    commitment_echo,
    file_name,
    file_namer,
)
from tests.helpers import SCENARIOS, as_run
from tests.workbook_helpers import evaluate


@pytest.fixture
def summarised(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example (3 commitments) as if it were a register: list at most 2."""
    monkeypatch.setattr("budget.reports.overview.MAX_LISTED", 2)
    monkeypatch.setattr("budget.render.workbook.assumptions_sheet.MAX_LISTED", 2)


def engine_by(rows, keys):  # type: ignore[no-untyped-def]
    """The engine's cents per basis, keys and year, and per basis and keys in all."""
    out: dict[tuple[object, ...], int] = {}
    for values in rows[["basis", *keys, "year", "amount_cents"]].itertuples(index=False):
        basis, *key, year, cents = values
        for k in ((basis, *key, str(year)), (basis, *key, "Total")):
            out[k] = out.get(k, 0) + int(cents)
    return out


def block_lines(ws):  # type: ignore[no-untyped-def]
    """(basis, label, key, {column: coordinate}) of each line (no cells: a heading)."""
    headers = {i: str(c.value) for i, c in enumerate(ws[5], 1) if i > 2 and c.value}
    basis = ""
    for row in ws.iter_rows(min_row=6):
        label = row[0].value
        if isinstance(label, str) and label.startswith("Cash basis"):
            basis = "cash"
        elif isinstance(label, str) and label.startswith("Commitment basis"):
            basis = "commitment"
        elif label is not None:
            filled = len(row) > 2 and row[2].value is not None
            cells = {h: row[i - 1].coordinate for i, h in headers.items()} if filled else {}
            yield basis, label, row[1].value, cells


def test_the_overview_has_a_line_per_funder_whose_amounts_are_the_engines(
    tmp_path: Path, summarised: None
) -> None:
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)
    path = tmp_path / "register.xlsx"
    written = write_workbook(scenario, rows, path)
    assert written == [path, tmp_path / "register.assumptions.csv"]
    book = openpyxl.load_workbook(path)
    ws = book["Overview"]
    assert "more than the 2 listed one by one" in ws["A4"].value
    want = engine_by(rows, ["funder"])
    seen = set()
    for basis, label, key, cells in block_lines(ws):
        assert cells, label  # no headings: one line per funder
        for column, coordinate in cells.items():
            got = evaluate(book, "Overview", coordinate)
            if label == "Total":
                total = sum(v for k, v in want.items() if k[0] == basis and k[2] == column)
                assert got == total, (basis, column)
            else:
                assert label == scenario.funders[key].name
                assert got == want.get((basis, key, column), 0), (basis, key, column)
                seen.add(key)
    assert seen == {f for f in scenario.funders if f in set(rows["funder"])}
    assert not any(c.id in {str(v) for v in ws["B"]} for c in scenario.commitments)
    # The thousands sheet mirrors the same cells; the chart has a series per funder.
    thousands = book["Overview x EUR 1,000"]
    assert thousands["A6"].value == ws["A6"].value


def test_by_recipient_has_a_line_per_recipient_and_funder(tmp_path: Path, summarised: None) -> None:
    scenario = as_run(budget.example_path())
    rows = budget.project(scenario)
    path = tmp_path / "register.xlsx"
    write_workbook(scenario, rows, path)
    book = openpyxl.load_workbook(path)
    ws = book["By recipient"]
    want = engine_by(rows, ["recipient", "funder"])
    recipient = ""
    checked = 0
    for basis, label, key, cells in block_lines(ws):
        if label.startswith("from "):
            for column, coordinate in cells.items():
                got = evaluate(book, "By recipient", coordinate)
                assert got == want.get((basis, recipient, key, column), 0)
                checked += 1
        elif not cells:  # a recipient's heading: its name, its key beside it
            assert label == scenario.recipients[key].name
            recipient = key
    assert checked


def test_the_commitments_inputs_go_to_a_csv_said_in_a_line(
    tmp_path: Path, summarised: None
) -> None:
    scenario = as_run(budget.example_path())
    path = tmp_path / "register.xlsx"
    write_workbook(scenario, budget.project(scenario), path)
    ws = openpyxl.load_workbook(path)["Assumptions"]
    texts = [str(c.value) for c in ws["A"] if c.value]
    assert not any(t.startswith("Commitment ") for t in texts)
    note = next(t for t in texts if "register.assumptions.csv" in t)
    assert f"The {len(scenario.commitments):,} commitments' inputs" in note
    assert "Funders" in texts and "Recipients" in texts  # the rest stays on the sheet
    with (tmp_path / "register.assumptions.csv").open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert tuple(lines[0]) == CSV_HEADERS
    name = file_namer(scenario)
    want = [
        [e.item, e.field, e.value, e.meaning,
         name(e.file) if e.file and e.file != scenario.path else "", "yes" if e.assumed else ""]
        for c in scenario.commitments
        for e in commitment_echo(c)
        if not e.heading
    ]  # fmt: skip
    assert lines[1:] == want
    assumed = {(line[0], line[1]) for line in lines[1:] if line[5] == "yes"}
    assert assumed == {("sin-top-up", "funders"), ("mki-support", "amount")}


def test_the_cli_says_where_the_inputs_went(tmp_path: Path, summarised: None) -> None:
    path = tmp_path / "register.xlsx"
    result = CliRunner().invoke(cli, ["run", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "not listed on the Assumptions sheet" in result.stderr
    assert "register.assumptions.csv" in result.stderr
    controlled = tmp_path / "controlled.xlsx"
    result = CliRunner().invoke(cli, ["run", "-o", str(controlled), "--rounding", "controlled"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(controlled, data_only=True)["Overview x EUR 1,000"]
    checks = [r for r in ws.iter_rows() if str(r[0].value).startswith("check:")]
    assert len(checks) == 2 and all(c.value == "ok" for r in checks for c in r[2:] if c.value)
    # Controlled rounding of a summary: the funders' thousands add up to the total's.
    blocks: list[list[list[int]]] = []
    for row in ws.iter_rows(min_row=6):
        label = row[0].value
        if isinstance(label, str) and label.endswith("basis") is False and "basis:" in label:
            blocks.append([])
        elif blocks and label and not str(label).startswith("check") and row[2].value is not None:
            blocks[-1].append([int(c.value or 0) for c in row[2:]])
    assert len(blocks) == 2
    for lines in blocks:
        *funders, total = lines
        assert len(funders) >= 2
        assert [sum(column) for column in zip(*funders, strict=True)] == total
        assert all(sum(line[:-1]) == line[-1] for line in lines)


def test_the_run_table_has_a_line_per_funder(summarised: None) -> None:
    scenario = as_run(budget.example_path())
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "more than the 2 listed one by one: a line per funder" in text
    assert not any(f"  {c.id} " in text for c in scenario.commitments if c.kind != "top_up")
    for key in ("VenJ", "VWS", "BZ"):
        assert f"\n  {key} " in text
    controlled = CliRunner().invoke(cli, ["run", "--rounding", "controlled"]).stdout
    first = controlled.split("\n\n")[0].splitlines()
    funders = [line.split()[1:] for line in first if line[:3].strip() and line[:2] == "  "]
    total = next(line.split()[1:] for line in first if line.startswith("Total"))
    number = lambda t: 0 if t == "-" else int(t.replace(",", ""))  # noqa: E731
    assert [sum(number(f[i]) for f in funders) for i in range(len(total))] == [
        number(t) for t in total
    ]


def test_a_file_name_is_worked_out_once_per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = as_run(budget.example_path())
    calls: list[object] = []
    real = file_name

    def counted(path, s):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path, s)

    monkeypatch.setattr("budget.render.workbook.assumptions_sheet.file_name", counted)
    name = file_namer(scenario)
    assert [name("a/b.csv") for _ in range(1000)] == [real("a/b.csv", scenario)] * 1000
    assert calls == ["a/b.csv"]


def _plan_totals(path: Path) -> dict[tuple[str, str, str], list[object]]:
    """(block, first or second cell, measure) -> the cached year values of each total line
    of the Plan vs actual sheet ("Total VenJ", "Total")."""
    ws = openpyxl.load_workbook(path, data_only=True)["Plan vs actual"]
    out: dict[tuple[str, str, str], list[object]] = {}
    block, label = "", ""
    for row in ws.iter_rows(min_row=9, values_only=True):
        if isinstance(row[0], str) and "basis" in row[0].lower() and row[2] is None:
            block = row[0]
        if row[0] is not None:
            label = str(row[0])
        if label.startswith("Total") and row[2] in ("Planned", "Actual", "Variance", "Forecast"):
            out[(block, label, str(row[2]))] = list(row[3:])
    return out


def test_plan_vs_actual_has_a_line_per_funder_at_scale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    realised = SCENARIOS / "letter-2014-realised.toml"
    full = tmp_path / "full.xlsx"
    result = CliRunner().invoke(cli, ["run", str(realised), "-o", str(full)])
    assert result.exit_code == 0, result.output
    monkeypatch.setattr("budget.reports.overview.MAX_LISTED", 1)
    summary = tmp_path / "summary.xlsx"
    result = CliRunner().invoke(cli, ["run", str(realised), "-o", str(summary)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(summary)["Plan vs actual"]
    assert "more than the 1 listed one by one: a line per funder" in str(ws["A6"].value)
    scenario = budget.load_scenario(realised)
    ids = {str(c.value) for c in ws["B"] if c.value}
    assert not ids & {c.id for c in scenario.commitments}
    want, got = _plan_totals(full), _plan_totals(summary)
    assert want and got == want  # every funder's and the grand total, to the cent


def test_the_run_table_counts_sources_and_assumptions_per_funder(summarised: None) -> None:
    scenario = as_run(budget.example_path())  # run counts no pending commitment by default
    text = CliRunner().invoke(cli, ["run"]).stdout
    assert "listed one by one: a line per funder; each commitment's assumptions" in text
    for c in scenario.commitments:
        assert f"  {c.id}: " not in text and f"commitment {c.id}," not in text
    for key in scenario.funders:
        funded = [c for c in scenario.commitments if key in dict(c.funders)]
        sources = sum(1 for c in funded if c.source)
        if sources:
            plural = "s" if sources != 1 else ""
            assert f"  funder {key}: {sources:,} commitment{plural} with a source" in text
        values = sum(len(c.assumptions) for c in funded)
        if values:
            assert f"  funder {key}: {values:,} assumed value" in text
    assert any(c.assumptions for c in scenario.commitments)


# --- the uncovered shortfall at register scale -------------------------------------------


UK = SCENARIOS / "uk-april-gbp.toml"  # FoodBank's top-up leaves 2,500 and 9,000 uncovered


def _cells(ws):  # type: ignore[no-untyped-def]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_uncovered_shortfall_is_a_line_per_year_and_a_csv(
    tmp_path: Path, summarised: None
) -> None:
    from budget.reports.shortfall import uncovered_shortfalls

    scenario = as_run(UK)
    found = uncovered_shortfalls(scenario, budget.project(scenario))
    assert len(found) == 2  # FoodBank, 2025-26 and 2026-27
    path = tmp_path / "register.xlsx"
    result = CliRunner().invoke(cli, ["run", str(UK), "-o", str(path)])
    assert result.exit_code == 0, result.output
    listed = tmp_path / "register.uncovered.csv"
    assert (
        f"The uncovered shortfall per recipient is not listed on its sheet; wrote it to {listed}"
        in result.stderr
    )
    values = _cells(openpyxl.load_workbook(path, data_only=True)["Uncovered shortfall"])
    assert values[2][:3] == ["Year", "Uncovered", "Recipients short"]
    per_year: dict[str, list[float]] = {}
    for u in found:
        cents, count = per_year.setdefault(scenario.label(u.year), [0, 0])
        per_year[scenario.label(u.year)] = [cents + u.cents / 100, count + 1]
    lines = [r[:3] for r in values[3:] if r[0] is not None and r[1] is not None]
    assert lines == [[year, cents, count] for year, (cents, count) in per_year.items()]
    note = next(str(r[0]) for r in values if "register.uncovered.csv" in str(r[0]))
    assert "more than the 2 listed one by one" in note
    with listed.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0] == [
        "recipient", "year", "year_label", "currency", "uncovered", "uncovered_cents"
    ]  # fmt: skip
    assert table[1:] == [
        [u.recipient, str(u.year), scenario.label(u.year), "GBP",
         f"{u.cents // 100}.{u.cents % 100:02d}", str(u.cents)]
        for u in found
    ]  # fmt: skip


def test_the_uncovered_sheet_lists_every_line_below_register_scale(tmp_path: Path) -> None:
    path = tmp_path / "small.xlsx"
    result = CliRunner().invoke(cli, ["run", str(UK), "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "small.uncovered.csv").exists()
    values = _cells(openpyxl.load_workbook(path, data_only=True)["Uncovered shortfall"])
    assert values[2][:3] == ["Recipient", "Year", "Uncovered"]


def test_a_book_that_is_not_saved_lists_every_line(summarised: None) -> None:
    from budget.render.workbook.ledger_sheet import add_ledger_sheet

    scenario = as_run(UK)
    book = budget.render.workbook.new_workbook()  # no target: no file to put the list in
    add_ledger_sheet(book, scenario, budget.project(scenario))
    assert book.beside == []
    assert book["Uncovered shortfall"].rows[3][1][0] == "Recipient"


def test_the_actuals_table_reads_max_listed_where_it_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only budget.reports.overview.MAX_LISTED is set: every module reads it there, at use
    # (a copy taken at import would keep 10,000 and make the test depend on their order).
    monkeypatch.setattr("budget.reports.overview.MAX_LISTED", 1)
    result = CliRunner().invoke(cli, ["actuals", str(SCENARIOS / "letter-2014-realised.toml")])
    assert result.exit_code == 0, result.output
    assert "more than the 1 listed one by one" in result.stdout
    run = CliRunner().invoke(cli, ["run"])
    assert "more than the 1 listed one by one: a line per funder" in run.stdout
