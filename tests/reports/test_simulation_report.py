"""The simulation report: built once, and both renderers take their titles from it."""

from __future__ import annotations

from dataclasses import replace

from budget.load import load_scenario
from budget.render.uncertainty_text import simulation_text
from budget.render.workbook import new_workbook
from budget.render.workbook.uncertainty import SHEET, add_uncertainty_sheet
from budget.reports.simulation import simulation_report
from budget.uncertainty.simulate import simulate
from tests.helpers import SCENARIOS

UNCERTAIN = SCENARIOS / "letter-2014-uncertain.toml"


def renamed_report():
    """The report of the bundled uncertain scenario, every title replaced by a marker."""
    report = simulation_report(simulate(load_scenario(UNCERTAIN), 50, seed=3))
    assert report.varying.items and report.caps.items and report.limits.items
    return replace(
        report,
        title="T-top",
        sheet_title="S-top",
        funder_totals=tuple(
            replace(s, title=f"T-{s.basis}", sheet_title=f"S-{s.basis}")
            for s in report.funder_totals
        ),
        varying=replace(report.varying, title="T-varying", sheet_title="S-varying"),
        caps=replace(report.caps, title="T-caps", sheet_title="S-caps"),
        limits=replace(report.limits, title="T-limits", sheet_title="S-limits"),
    )


MARKERS = ("top", "cash", "commitment", "varying", "caps", "limits")


def test_the_terminal_takes_every_title_from_the_report():
    lines = simulation_text(renamed_report()).splitlines()
    assert [line for line in lines if line.startswith("T-")] == [f"T-{m}" for m in MARKERS]


def test_the_sheet_takes_every_title_from_the_report():
    book = new_workbook()
    add_uncertainty_sheet(book, renamed_report())
    texts = [
        value
        for _, cells in sorted(book[SHEET].rows.items())
        for value, _ in cells.values()
        if isinstance(value, str) and value.startswith("S-")
    ]
    assert texts == [f"S-{m}" for m in MARKERS]


def test_sections_hold_what_the_simulation_holds():
    sim = simulate(load_scenario(UNCERTAIN), 50, seed=3)
    report = simulation_report(sim)
    cash = report.funder_totals[0]
    assert [item.funder for item in cash.items] == list(
        dict.fromkeys(sim.funder_bands.loc[sim.funder_bands["basis"] == "cash", "funder"])
    )
    capped = {c.commitment: c.chances for c in report.caps.items}
    for row in sim.cap_chances.itertuples():
        assert capped[row.commitment][row.year] == row.p_cap_binds
    assert report.years == tuple(sorted(set(sim.funder_bands["year"])))
