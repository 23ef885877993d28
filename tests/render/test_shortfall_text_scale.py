"""`budget run`'s uncovered shortfall with more recipients and years than are listed one by
one (issue 21): a line per year, whose counts and amounts are those it stands for."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.engine.projection import project
from budget.render.shortfall_text import uncovered_text
from budget.reports import overview
from budget.reports.shortfall import Uncovered, uncovered_shortfalls
from tests.helpers import SCENARIOS, as_run

UK = SCENARIOS / "uk-april-gbp.toml"


def _lines(text: str) -> dict[str, tuple[int, int]]:
    """The table's lines by their first cell (the year, or "total"): the recipients and
    the cents, read back from the text ("1,234.50" is 123450 cents)."""
    found = {}
    for line in text.splitlines():
        cells = line.split()
        if cells and (cells[0].isdigit() or cells[0] == "total"):
            count, amount = cells[1:]
            whole, cents = amount.replace(",", "").split(".")
            found[cells[0]] = (int(count.replace(",", "")), int(whole) * 100 + int(cents))
    return found


def test_listed_one_by_one_below_register_scale() -> None:
    scenario = as_run(UK)
    found = uncovered_shortfalls(scenario, project(scenario))
    text = uncovered_text(scenario, found)
    assert "FoodBank" in text and "a line per year" not in text


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(2015, 2020), st.integers(1, 10**9)), min_size=1))
def test_a_line_per_year_adds_up_the_recipients_and_years(gaps) -> None:
    scenario = as_run(UK)
    recipients = list(scenario.recipients)
    found = [Uncovered(recipients[i % len(recipients)], y, c) for i, (y, c) in enumerate(gaps)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(overview, "MAX_LISTED", 0)  # more than it: a line per year
        text = uncovered_text(scenario, found)
    lines = _lines(text)
    for year in {y for y, _ in gaps}:
        mine = [c for y, c in gaps if y == year]
        assert lines[str(year)] == (len(mine), sum(mine))
    assert lines["total"] == (len(gaps), sum(c for _, c in gaps))
    assert f"({len(gaps):,} recipients and years, more than the 0 listed" in text
