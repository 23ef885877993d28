"""The plan-vs-actual report: built once, and both renderers take their titles from it."""

from __future__ import annotations

from dataclasses import replace

from budget.engine.realised import plan_vs_actual
from budget.load import load_scenario
from budget.render.realisation_text import realisation_text
from budget.render.workbook import new_workbook
from budget.render.workbook.plan_actual_sheet import SHEET, add_plan_actual_sheet
from budget.reports.realisation import plan_vs_actual_report
from tests.helpers import SCENARIOS

REALISED = SCENARIOS / "letter-2014-realised.toml"


def report_of_the_letter():
    scenario = load_scenario(REALISED)
    return scenario, plan_vs_actual_report(scenario, plan_vs_actual(scenario))


def renamed():
    _, report = report_of_the_letter()
    assert [b.basis for b in report.bases] == ["cash", "commitment"]
    return replace(
        report,
        sheet_title="S-top",
        bases=tuple(
            replace(
                b, title=f"T-{b.basis}", forecast_title=f"F-{b.basis}", sheet_title=f"S-{b.basis}"
            )
            for b in report.bases
        ),
    )


def test_the_terminal_takes_its_titles_from_the_report():
    lines = realisation_text(renamed()).splitlines()
    titles = [line for line in lines if line[:2] in ("T-", "F-")]
    assert titles == ["T-cash", "T-commitment", "F-cash", "F-commitment"]


def test_the_sheet_takes_its_titles_from_the_report():
    book = new_workbook()
    add_plan_actual_sheet(book, renamed())
    texts = [
        value
        for _, cells in sorted(book[SHEET].rows.items())
        for value, _ in cells.values()
        if isinstance(value, str) and value.startswith("S-")
    ]
    assert texts == ["S-top", "S-cash", "S-commitment"]


def test_the_lines_add_up_to_the_rows():
    scenario = load_scenario(REALISED)
    rows = plan_vs_actual(scenario)
    report = plan_vs_actual_report(scenario, rows)
    for basis in report.bases:
        mine = rows[rows["basis"] == basis.basis]
        assert sum(basis.total.planned) == int(mine["planned_cents"].sum())
        assert sum(basis.total.actual) == int(mine["actual_cents"].sum())
        assert sum(basis.total.forecast) == int(mine["forecast_cents"].sum())
        for funder in basis.funders:
            lines = [c.measures.planned for c in funder.commitments]
            assert tuple(map(sum, zip(*lines, strict=True))) == funder.total.planned
