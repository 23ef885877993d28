"""The uncovered shortfall is worked out once per `budget run`, passed to the table and the
workbook, and kept nowhere: no module holds the last projection alive."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings

from budget.engine.projection import project
from budget.render.present import run_tables
from budget.reports import shortfall
from budget.reports.shortfall import uncovered_shortfalls
from budget.testing.strategies import scenarios
from tests.helpers import SCENARIOS, as_run, invoke

UK = SCENARIOS / "uk-april-gbp.toml"


def test_nothing_keeps_the_rows_alive() -> None:
    scenario = as_run(UK)
    rows = project(scenario)
    found = uncovered_shortfalls(scenario, rows)
    assert found  # FoodBank: 2,500 and 9,000 above its cap
    alive = weakref.ref(rows)
    del rows
    gc.collect()
    assert alive() is None
    assert not any(
        isinstance(value, list) and value and isinstance(value[0], tuple)
        for name, value in vars(shortfall).items()
        if not name.startswith("__")
    )  # no cache of (scenario, rows, answer) left in the module


def test_given_or_worked_out_the_tables_are_the_same() -> None:
    scenario = as_run(UK)
    rows = project(scenario)
    given = run_tables(scenario, rows, uncovered=uncovered_shortfalls(scenario, rows))
    assert given == run_tables(scenario, rows)
    assert any("shortfall not covered by top-ups" in part for part in given)


def test_run_works_it_out_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[int] = []

    def counted(scenario, rows):  # type: ignore[no-untyped-def]
        calls.append(len(rows))
        return uncovered_shortfalls(scenario, rows)

    for where in (
        "budget.cli.run",
        "budget.render.present",
        "budget.render.workbook.ledger_sheet",
    ):
        monkeypatch.setattr(f"{where}.uncovered_shortfalls", counted)
    target = tmp_path / "out.xlsx"
    result = invoke("run", UK, "-o", target)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    assert "shortfall not covered by top-ups" in result.stdout
    sheet = openpyxl.load_workbook(target, data_only=True)["Uncovered shortfall"]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "FoodBank" in cells  # the sheet got the same answer as the table

    calls.clear()  # rows only: nothing shows the shortfall, nothing works it out
    assert invoke("run", UK, "--format", "csv").exit_code == 0
    assert calls == []


def reference(scenario, rows):  # type: ignore[no-untyped-def]
    """The uncovered shortfall from the rows' records, in plain Python integers."""
    from budget.reports.shortfall import Uncovered, _value

    received: dict[tuple[str, int], int] = {}
    paid: dict[tuple[str, int], int] = {}
    for r in rows.to_dict("records"):
        if r["basis"] != "cash":
            continue
        key = (str(r["recipient"]), int(r["year"]))
        received[key] = received.get(key, 0) + int(r["amount_cents"])
        if r["kind"] == "top_up":
            own = (str(r["commitment"]), int(r["year"]))
            paid[own] = paid.get(own, 0) + int(r["amount_cents"])
    gaps: dict[tuple[str, int], int] = {}
    derived = set()
    for c in scenario.commitments:
        if c.kind != "top_up":
            continue
        for year in range(c.spec.first_year, c.spec.last_year + 1):
            key = (c.recipient, year)
            if c.spec.shortfall is None:
                if key in derived:
                    continue
                derived.add(key)
                r = scenario.recipients[c.recipient]
                gap = _value(r.costs, year) - _value(r.income, year) - received.get(key, 0)
            else:
                gap = max(0, _value(c.spec.shortfall, year)) - paid.get((c.id, year), 0)
            if gap > 0:
                gaps[key] = gaps.get(key, 0) + gap
    order = list(scenario.recipients)
    ranked = sorted(gaps.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1]))
    return [Uncovered(r, y, v) for (r, y), v in ranked]


@settings(max_examples=80, deadline=None)
@given(scenarios(max_commitments=6))
def test_the_shortfall_is_the_records_reference(scenario) -> None:  # type: ignore[no-untyped-def]
    rows = project(scenario)
    assert uncovered_shortfalls(scenario, rows) == reference(scenario, rows)
