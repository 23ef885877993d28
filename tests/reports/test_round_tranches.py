"""`budget round` shows an index update as a mutation of kind "indexation" with its yearly
tranches (issue 23, item 4): each tranche is the increase of one year's rate, applied from
that year on, and the tranches add up to the indexed minus the unindexed amount."""

from __future__ import annotations

import dataclasses
import itertools
import json
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from budget.core.indices import Indexed
from budget.engine.projection import project
from budget.load import load_scenario
from budget.reports.round_tranches import changed_years, levels
from tests.helpers import invoke, write_file

DRAFT = """
[scenario]
name = "Index"
version = "Ontwerpbegroting 2015"
stage = "draft"
budget_year = 2015
first_year = 2014
last_year = 2019

[funders.VenJ]
name = "Justice"
chapter = "VI"

[recipients.SIN]
name = "Stop It Now!"

[[commitments]]
id = "police"
kind = "annual"
recipient = "SIN"
funders = { VenJ = "1" }
first_year = 2015
last_year = 2017
amount = "100000.00"
article = "33"
"""

UPDATE = """
[scenario]
extends = "draft.toml"
version = "1e suppletoire begroting 2015"
stage = "supplementary"

[[mutations]]
id = "lpb"
reason = "Loon- en prijsbijstelling"
type = "technical"
changes = ["pbo", "police"]

[indices.pbo]
2015 = "0.9%"
2016 = "0.6%"
2017 = "1.1%"

[[commitments]]
id = "police"
indexation = { index = "pbo", base_year = 2014 }
"""


def _round(tmp_path, update=UPDATE, *args):
    draft = write_file(tmp_path, DRAFT, "draft.toml")
    supplementary = write_file(tmp_path, update, "update.toml")
    return invoke("round", draft, supplementary, "--year", "2015", *args)


def test_the_worked_tranches_of_the_issue(tmp_path):
    # 100,000.00 at price level 2014 with 0.9%, 0.6%, 1.1%: 2015 +900.00 from 2015 on,
    # 2016 +605.40, 2017 +1,116.56; they add up to 102,621.96 - 100,000.00 in 2017.
    result = _round(tmp_path)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "lpb (technical, indexation): Loon- en prijsbijstelling" in text
    assert "Uitgaven: 2015: 900.00, 2016: 1,505.40, 2017: 2,621.96" in text
    uitgaven = text[text.index("      Uitgaven:") :].splitlines()[1:4]
    assert [line.strip() for line in uitgaven] == [
        "tranche 2015: +900.00 from 2015 on",
        "tranche 2016: +605.40 from 2016 on",
        "tranche 2017: +1,116.56 from 2017 on",
    ]
    assert 90_000 + 60_540 + 111_656 == 10_262_196 - 10_000_000
    assert "other changes" not in text


def test_the_tranches_in_the_report_add_up_to_the_effect(tmp_path):
    from budget.cli.budget_round import _tranche_rows
    from budget.engine.cash_shifts import shift_cash
    from budget.reports.budget_round import budget_round, mutation_totals

    write_file(tmp_path, DRAFT, "draft.toml")
    path = write_file(tmp_path, UPDATE, "update.toml")
    versions = [load_scenario(tmp_path / "draft.toml"), load_scenario(path)]
    rows = [shift_cash(project(v), v)[0] for v in versions]
    report = budget_round(versions, rows, [[]], 2015, False, _tranche_rows(versions, [[]]))
    tranches = report.tranches[(1, "lpb", "U")]
    assert [(t.year, t.cents[1:4]) for t in tranches if any(t.cents)] == [
        (2015, (90_000, 90_000, 90_000)),
        (2016, (0, 60_540, 60_540)),
        (2017, (0, 0, 111_656)),
    ]
    effect = mutation_totals(report)[(1, "lpb", "U")]
    assert [sum(t.cents[y] for t in tranches) for y in range(6)] == effect


def test_an_index_series_of_a_version_needs_a_mutation_that_owns_it(tmp_path):
    result = _round(tmp_path, UPDATE.replace('changes = ["pbo", "police"]', 'changes = ["police"]'))
    assert result.exit_code == 1
    assert "index 'pbo'" in result.output
    assert "no mutation owns the change" in result.output


def test_a_kind_given_is_kept_and_a_rate_update_splits_too(tmp_path):
    # The draft is already indexed at 0.9% in 2015 and 0%, 0% after; the update publishes
    # 0.6% and 1.1%: tranches of 2016 and 2017 only, nothing else changed.
    draft = DRAFT + '\nindexation = { index = "pbo", base_year = 2014 }\n'
    draft += '\n[indices.pbo]\n2015 = "0.9%"\n2016 = "0%"\n2017 = "0%"\n'
    write_file(tmp_path, draft, "draft.toml")
    update = UPDATE.replace('type = "technical"', 'type = "technical"\nkind = "indexation"')
    update = update.replace('changes = ["pbo", "police"]', 'changes = ["pbo"]')
    update = update[: update.index("[[commitments]]")]
    path = write_file(tmp_path, update, "update.toml")
    result = invoke("round", tmp_path / "draft.toml", path, "--year", "2015")
    assert result.exit_code == 0, result.output
    assert "lpb (technical, indexation)" in result.stdout
    # old 2016 and 2017: 100,900.00; new: 101,505.40 and 102,621.96
    assert "Uitgaven: 2016: 605.40, 2017: 1,721.96" in result.stdout
    assert "tranche 2016: +605.40 from 2016 on" in result.stdout
    # 102,621.96 - 101,505.40 (the rates of 2015 and 2016 new, 2017 still 0%)
    assert "tranche 2017: +1,116.56 from 2017 on" in result.stdout
    assert "tranche 2015" not in result.stdout


def test_the_json_rows_are_as_before_with_the_kind(tmp_path):
    result = _round(tmp_path, UPDATE, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    kinds = {r["kind"] for r in rows if r["mutation"] == "lpb"}
    assert kinds == {"indexation"}


rates = st.lists(st.integers(-500, 1000).map(lambda r: Fraction(r, 10_000)), min_size=1, max_size=5)


@settings(max_examples=25, deadline=None)
@given(rates=rates, amount=st.integers(1, 10**11), extra=st.integers(0, 3))
def test_tranches_add_up_to_the_indexed_minus_the_unindexed_amount(
    rates, amount, extra, tmp_path_factory
):
    """In every year, in cents: the sum of the tranches (the all-old level plus each
    year's step) is the indexed minus the unindexed amount of that year."""
    folder = tmp_path_factory.mktemp("tranches")
    last = 2015 + len(rates) - 1 + extra
    text = DRAFT.replace('"100000.00"', f'"{amount // 100}.{amount % 100:02d}"')
    text = text.replace("last_year = 2019", "last_year = 2025")
    before = load_scenario(
        write_file(folder, text.replace("last_year = 2017", f"last_year = {last}"))
    )
    police = before.commitments[0]
    series = tuple((2015 + i, r) for i, r in enumerate(rates + [Fraction(0)] * extra))
    indexed = dataclasses.replace(police.spec, index=Indexed("pbo", 2014, series))
    after = dataclasses.replace(before, commitments=(dataclasses.replace(police, spec=indexed),))
    old, steps = levels(before, after)
    assert [j for j, _ in steps] == changed_years(before, after)

    def cash(scenario):
        rows = project(scenario)
        rows = rows[rows["basis"] == "cash"]
        return dict(zip(rows["year"].tolist(), rows["amount_cents"].tolist(), strict=True))

    unindexed, indexed_cash = cash(before), cash(after)
    chain = [cash(old), *(cash(s) for _, s in steps)]
    for year in range(2015, last + 1):
        tranches = [b[year] - a[year] for a, b in itertools.pairwise(chain)]
        other = chain[0][year] - unindexed[year]
        assert other == 0
        assert sum(tranches) == indexed_cash[year] - unindexed[year]
        # each tranche reaches only the years from its own on
        for (j, _), tranche in zip(steps, tranches, strict=True):
            if j > year:
                assert tranche == 0
    factor = Fraction(1)
    for _, r in series:
        factor *= 1 + r
    exact = amount * factor
    assert chain[-1][last] == indexed_cash[last]
    assert abs(indexed_cash[last] - exact) <= Fraction(1, 2)
