"""Commitment objects made only where a command reads one (issue 21).

A register whose rows are all read as columns (and a TOML file of many plain tables) keeps
its commitments' fields as columns (`budget.core.model.Commitments.rows`): the engine's
table, the checks, `run`'s tables and the pending views read those; the objects are made
when a command reads one (explain, the workbook's Assumptions sheet, the exports).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pandas as pd
from hypothesis import HealthCheck, given, settings

from budget.core.model import Commitments, rows_of
from budget.engine.projection import project
from budget.engine.realised import realise
from budget.kinds.spec_columns import SpecList, field_of
from budget.load import read_scenario
from tests.load.test_register_columns import GOOD, registers, write


def _made_again(scenario):
    """The scenario with its commitments as the tuple of their objects."""
    return dataclasses.replace(scenario, commitments=tuple(scenario.commitments))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(registers)
def test_the_rows_kept_as_columns_are_the_commitments_made_from_them(tmp_path, rows):
    path = write(tmp_path, rows)
    scenario, _ = read_scenario(path)
    if scenario is None or not isinstance(scenario.commitments, Commitments):
        return
    lazy = scenario.commitments
    # Projected from the columns alone, before any Commitment object exists.
    planned = project(scenario)
    held = rows_of(lazy)
    settled, policies = field_of(held.specs, "settled"), held.unpaid_policies()
    assert lazy._made is None
    objects = _made_again(scenario)
    assert rows_of(lazy) == rows_of(objects.commitments)
    assert settled == [getattr(c.spec, "settled", None) for c in objects.commitments]
    assert policies == [c.unpaid_policy for c in objects.commitments]
    pd.testing.assert_frame_equal(planned, project(objects))
    assert lazy == objects.commitments and objects.commitments == tuple(lazy)


def _register(tmp_path, count):
    plain = tuple(
        {"id": f"c{i}", "kind": kind, "recipient": "SIN", "funders": "VenJ", **GOOD[kind]}
        for i, kind in zip(range(count), ["annual", "top_up", "grant"] * count, strict=False)
    )
    return write(tmp_path, plain)


def test_a_plain_register_is_read_without_a_commitment_object(tmp_path):
    scenario, problems = read_scenario(_register(tmp_path, 9))
    assert not problems and scenario is not None
    commitments = scenario.commitments
    assert isinstance(commitments, Commitments) and commitments._made is None
    assert len(commitments) == 9 and commitments._made is None
    assert rows_of(commitments).ids == [f"c{i}" for i in range(9)]
    assert commitments[0].id == "c0" and commitments[-1].id == "c8"
    assert [c.id for c in commitments[2:4]] == ["c2", "c3"]
    assert pickle.loads(pickle.dumps(commitments)) == tuple(commitments)


def test_run_reads_the_columns_and_the_workbook_makes_the_objects(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from budget.cli import cli
    from budget.reports import overview

    # At register scale (more than MAX_LISTED commitments) `run` lists no commitment one
    # by one, so it needs no Commitment object; below it, its table names each one.
    monkeypatch.setattr(overview, "MAX_LISTED", 10)
    made = []
    original = Commitments.made

    def counted(self):
        if self._made is None:
            made.append(len(self))
        return original(self)

    monkeypatch.setattr(Commitments, "made", counted)
    path = _register(tmp_path, 30)
    for args in (["run", str(path)], ["run", str(path), "--format", "csv"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    assert made == []
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert made == [30]  # the Assumptions sheet lists every commitment's inputs


def test_a_row_read_field_by_field_makes_every_object_at_load(tmp_path):
    rows = [
        {"id": f"c{i}", "kind": "annual", "recipient": "SIN", "funders": "VenJ", **GOOD["annual"]}
        for i in range(3)
    ]
    rows[1]["assumptions"] = "amount"  # read by the FieldReader, not the columns
    scenario, problems = read_scenario(write(tmp_path, tuple(rows)))
    assert not problems and scenario is not None
    assert type(scenario.commitments) is tuple
    assert [c.assumptions for c in scenario.commitments] == [(), ("amount",), ()]


def test_the_actuals_are_compared_from_the_columns_as_from_the_objects(tmp_path):
    """`actuals` reads each commitment's id, kind, recipient, unpaid policy and settlement
    from the columns: the rows are those of the same commitments as objects, and no
    Commitment or spec object is made."""
    path = _register(tmp_path, 9)
    bookings = tmp_path / "actuals.csv"
    bookings.write_text(
        "date,commitment,funder,basis,amount\n"
        "2015-05-01,c0,VenJ,cash,700.00\n"  # annual: the rest of 2015 lapses
        "2015-06-01,c2,VenJ,cash,1000.00\n"  # grant: the rest slips
        "2016-02-01,c4,VenJ,commitment,400.00\n",
        encoding="utf-8",
    )
    scenario, problems = read_scenario(path)
    assert not problems and scenario is not None
    lazy = scenario.commitments
    assert isinstance(lazy, Commitments)
    specs = rows_of(lazy).specs
    assert isinstance(specs, SpecList)
    frame, problems, _ = realise(scenario, [str(bookings)], dt.date(2016, 6, 30))
    assert not problems and frame is not None
    assert lazy._made is None and specs.kept()
    again, _, _ = realise(_made_again(scenario), [str(bookings)], dt.date(2016, 6, 30))
    pd.testing.assert_frame_equal(frame, again)

    def forecast(cid: str, year: int) -> int:
        rows = frame.query("commitment == @cid and basis == 'cash' and year == @year")
        return int(rows["forecast_cents"].sum())

    # The grant (GOOD: 200,000.00, an 80% advance) planned 160,000.00 in 2015 and paid
    # 1,000.00: its unpaid 159,000.00 slips into 2016, the current year, where it planned 0.
    assert forecast("c2", 2016) == 159_000_00
    # The annual commitment (1,000.50 a year) paid 700.00 in 2015: the rest lapses, and
    # 2016 forecasts its plan.
    assert forecast("c0", 2015) == 700_00 and forecast("c0", 2016) == 1_000_50
