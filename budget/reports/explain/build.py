"""Put an explanation together: the kind's working, the funder split, and the engine's
amounts, which the working must reproduce exactly."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable

import numpy as np
import pandas as pd

from budget.core.errors import Problem, where_commitment
from budget.core.model import Basis, Commitment, Scenario
from budget.core.money import format_euros_grouped
from budget.engine.pending import with_pending
from budget.engine.projection import project
from budget.kinds import KINDS
from budget.kinds.base import spans
from budget.kinds.table import commitment_table
from budget.reports.explain.annual import explain_annual
from budget.reports.explain.cofinanced import explain_cofinanced
from budget.reports.explain.condition import condition_input
from budget.reports.explain.data import Explanation, FunderSplit, Working, YearExplanation
from budget.reports.explain.funders import cumulative_splits, funder_inputs, yearly_split
from budget.reports.explain.grant import explain_grant
from budget.reports.explain.pending import pending_working
from budget.reports.explain.sources import Context
from budget.reports.explain.top_up import explain_top_up

# A kind's explainer: the working of one commitment, every amount it gives reproducing the
# engine's (checked by `_agree`).
Explainer = Callable[[Context], Working]

# One explainer per entry of `budget.kinds.KINDS`; tests/kinds/test_registries.py checks that
# this table names exactly those kinds.
EXPLAINERS: dict[str, Explainer] = {
    "top_up": explain_top_up,
    "annual": explain_annual,
    "grant": explain_grant,
    "cofinanced": explain_cofinanced,  # issue 23
}


class ExplanationMismatch(AssertionError):
    """The step-by-step working does not reproduce the engine's amount: a bug."""


def explain(
    scenario: Scenario,
    commitment_id: str,
    year: int | None = None,
    rows: pd.DataFrame | None = None,
) -> tuple[Explanation | None, list[Problem]]:
    """How each amount of one commitment was computed, per fiscal year (all of them, or
    `year`), or the problems that stop it (an unknown id, a year outside its span).

    rows: the scenario's projection (`budget.project`), if already at hand.
    """
    ids = [c.id for c in scenario.commitments]
    if commitment_id not in ids:
        return None, [unknown_commitment(scenario, commitment_id)]
    position = ids.index(commitment_id)
    c = scenario.commitments[position]
    kind = KINDS[c.kind]
    lo, hi = (int(v) for v in spans(kind, [c.spec], scenario.calendar)[0])
    if year is not None and not lo <= year <= hi:
        return None, [
            Problem(
                scenario.path,
                where_commitment(c.id),
                f"has no amounts in fiscal year {year}",
                f"its years are {lo} to {hi}; leave out --year to see them all",
            )
        ]
    rows = project(affecting(scenario, position)) if rows is None else rows
    engine = _engine_amounts(rows[(rows["commitment"] == c.id).to_numpy()])
    cash_paid = _cash_paid(rows, c.recipient)
    if c.pending is not None:  # its working as decided, with every pending one decided
        cash_paid = _decided_paid(scenario) or cash_paid
    return _explanation(scenario, position, (lo, hi), year, engine, cash_paid), []


def affecting(scenario: Scenario, position: int) -> Scenario:
    """The scenario cut down to the commitments whose amounts the explanation of the one
    at `position` reads (issue 21: one commitment of 100,000 is explained without
    projecting them all): a commitment that derives its amounts from what others pay its
    recipient (`Kind.derived`: a top-up without a shortfall) needs every commitment to
    that recipient, in order; any other only itself. The projection of a commitment
    depends on no other (tests/reports/test_explain_scale.py checks it for every
    commitment of the example scenarios)."""
    table = commitment_table(scenario)
    kind_place = int(table.kind[position])
    kind_rows = table.rows[kind_place]
    at = int(np.searchsorted(kind_rows, position))
    derived = list(KINDS.values())[kind_place].derived(table.columns[kind_place])
    if bool(derived[at]):
        keep = table.of_recipient(int(table.recipient[position])).tolist()
    else:
        keep = [position]
    if len(keep) == len(scenario.commitments):
        return scenario
    commitments = scenario.commitments
    return dataclasses.replace(scenario, commitments=tuple(commitments[i] for i in keep))


def explain_all(scenario: Scenario, rows: pd.DataFrame | None = None) -> list[Explanation]:
    """Every commitment explained (all its years), in the scenario's order, reading the
    projection once: for the workbook's Calculation sheet."""
    rows = project(scenario) if rows is None else rows
    engine = _engine_amounts(rows)
    cash = rows[(rows["basis"] == Basis.CASH).to_numpy()]
    cash_paid = _paid(cash.groupby(["commitment", "year"], observed=True)["amount_cents"].sum())
    found = commitment_table(scenario).spans(scenario.calendar).tolist()
    decided = _decided_paid(scenario)  # for pending commitments (issue 23)
    return [
        _explanation(
            scenario,
            position,
            (lo, hi),
            None,
            engine,
            decided if decided and scenario.commitments[position].pending else cash_paid,
        )
        for position, (lo, hi) in enumerate(found)
    ]


def _decided_paid(scenario: Scenario) -> dict[tuple[str, int], int] | None:
    """What each commitment pays (cash) with every pending commitment decided, when some
    pending one counts at a p below 1: what a pending one's working as decided reads."""
    if not any(c.pending is not None and c.pending.p != 1 for c in scenario.commitments):
        return None
    # From the scenario as loaded: one already counted (`--pending expected` marks it)
    # would stay as counted, and a pending top-up would read the others at p.
    rows = project(with_pending(dataclasses.replace(scenario, pending_counted=""), "all"))
    cash = rows[(rows["basis"] == Basis.CASH).to_numpy()]
    return _paid(cash.groupby(["commitment", "year"], observed=True)["amount_cents"].sum())


def _explanation(
    scenario: Scenario,
    position: int,
    span: tuple[int, int],
    year: int | None,
    engine: dict[tuple[str, str, str, int], int],
    cash_paid: dict[tuple[str, int], int],
) -> Explanation:
    """The explanation of the commitment at `position` from the engine's amounts (of at
    least this commitment) and the cash of the commitments to its recipient."""
    c = scenario.commitments[position]
    kind = KINDS[c.kind]
    lo, hi = span
    paid: Callable[[str, int], int] = lambda cid, y: cash_paid.get((cid, y), 0)  # noqa: E731
    ctx = Context(scenario, c, position, (lo, hi), paid)
    working = EXPLAINERS[c.kind](ctx)
    if "condition" in c.raw and (condition := condition_input(ctx)) is not None:
        working = dataclasses.replace(working, inputs=(*working.inputs, condition))
    if c.pending is not None:  # undecided money, counted at p (issue 23)
        working = pending_working(c, working)

    wanted = range(lo, hi + 1) if year is None else range(year, year + 1)
    cash_splits: dict[int, FunderSplit]
    if kind.commits_up_front:
        all_years = list(range(lo, hi + 1))
        cumulative = cumulative_splits([working.years[y].cash for y in all_years], c.funders)
        cash_splits = dict(zip(all_years, cumulative, strict=True))
    else:
        cash_splits = {
            y: yearly_split(Basis.CASH, working.years[y].cash, c.funders) for y in wanted
        }
    commitment_splits: dict[int, FunderSplit] = {}
    if getattr(c.spec, "settled", None) is not None and len(c.funders) > 1:
        # a settled grant's release is split cumulatively, as its payments are
        all_years = list(range(lo, hi + 1))
        committed = [working.years[y].commitment for y in all_years]
        splitted = cumulative_splits(committed, c.funders, Basis.COMMITMENT)
        commitment_splits = dict(zip(all_years, splitted, strict=True))
    years = []
    for y in wanted:
        w = working.years[y]
        commitment_split = commitment_splits.get(y) or yearly_split(
            Basis.COMMITMENT, w.commitment, c.funders
        )
        splits = (commitment_split, cash_splits[y])
        _agree(engine, c.id, y, {Basis.COMMITMENT: w.commitment, Basis.CASH: w.cash}, splits)
        years.append(
            YearExplanation(
                y,
                scenario.label(y),
                w.inputs,
                w.steps,
                engine[(c.id, "", Basis.COMMITMENT, y)],
                engine[(c.id, "", Basis.CASH, y)],
                splits,
            )
        )
    recipient = scenario.recipients[c.recipient]
    return Explanation(
        scenario.name,
        scenario.path,
        c.id,
        c.title,
        c.kind,
        c.recipient,
        recipient.name,
        c.funders,
        c.source,
        working.inputs + funder_inputs(ctx),
        working.steps,
        tuple(years),
        working.notes,
        scenario.currency,
        budget_line_text(scenario, c),
        cash_shift_texts(scenario, c),
        c.pending is not None,
    )


def _agree(
    engine: dict[tuple[str, str, str, int], int],
    cid: str,
    year: int,
    amounts: dict[Basis, int],
    splits: tuple[FunderSplit, ...],
) -> None:
    """The working's amounts and funder parts must be the engine's, to the cent."""
    found = [((cid, "", basis, year), cents) for basis, cents in amounts.items()]
    found += [((cid, p.funder, s.basis, year), p.part) for s in splits for p in s.parts]
    for key, cents in found:
        if engine.get(key) != cents:
            raise ExplanationMismatch(
                f"{cid}, {year}, {key[2]} basis{', ' + key[1] if key[1] else ''}: the working "
                f"gives {cents} cents, the engine {engine.get(key)} (this is a bug)"
            )


def _cash_paid(rows: pd.DataFrame, recipient: str) -> dict[tuple[str, int], int]:
    """The engine's cash of each commitment to `recipient`, per year, over all funders."""
    mine = rows[((rows["recipient"] == recipient) & (rows["basis"] == Basis.CASH)).to_numpy()]
    return _paid(mine.groupby(["commitment", "year"], observed=True)["amount_cents"].sum())


def _paid(totals: pd.Series) -> dict[tuple[str, int], int]:
    """Sums by (commitment, year) as a dict."""
    keys = zip(
        totals.index.get_level_values(0).astype(str),
        totals.index.get_level_values(1).tolist(),
        strict=True,
    )
    return {
        (cid, int(year)): int(cents)
        for (cid, year), cents in zip(keys, totals.tolist(), strict=True)
    }


def _engine_amounts(mine: pd.DataFrame) -> dict[tuple[str, str, str, int], int]:
    """The engine's amounts of one commitment's rows: (commitment, funder, basis, year) ->
    cents, and with funder "" the total over funders."""
    out: dict[tuple[str, str, str, int], int] = {}
    for cid, funder, basis, year, cents in zip(
        mine["commitment"].astype(str),
        mine["funder"].astype(str),
        mine["basis"].astype(str),
        mine["year"].tolist(),
        mine["amount_cents"].tolist(),
        strict=True,
    ):
        out[(cid, funder, basis, year)] = int(cents)
        total = (cid, "", basis, year)
        out[total] = out.get(total, 0) + int(cents)
    return out


def unknown_commitment(scenario: Scenario, commitment_id: str) -> Problem:
    """No such commitment: name the ids that are close, or else a few that exist."""
    ids = [c.id for c in scenario.commitments]
    close = difflib.get_close_matches(commitment_id, ids, n=5, cutoff=0.5)
    if close:
        hint = "did you mean " + " or ".join(repr(i) for i in close) + "?"
    elif ids:
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        hint = f"the commitments are {shown}"
    else:
        hint = "the scenario has no commitments"
    return Problem(scenario.path, where_commitment(commitment_id), "no such commitment", hint)


def cash_shift_texts(scenario: Scenario, c: Commitment) -> tuple[str, ...]:
    """The scenario's cash shifts of commitment `c`, one sentence each."""
    return tuple(
        f"{format_euros_grouped(s.amount)} of the cash of {scenario.label(s.from_year)} "
        f"moved to {scenario.label(s.to_year)}"
        + (f" (mutation {s.mutation})" if s.mutation else "")
        for s in scenario.cash_shifts
        if s.commitment == c.id
    )


def budget_line_text(scenario: Scenario, c: Commitment) -> str:
    """The commitment's budget line in words: each funder's chapter, then the article,
    article part, instrument, scheme and legal status ("" without any of them)."""
    line = scenario.budget_lines.get(c.id)
    chapters = [
        f"{key} chapter {scenario.funders[key].chapter}"
        for key, _ in c.funders
        if scenario.funders[key].chapter
    ]
    if line is None and not chapters:
        return ""
    parts = chapters[:]
    if line is not None:
        parts.append(f"article {line.article or '(none)'}")
        if line.article_part:
            parts.append(f"article part {line.article_part}")
        if line.instrument:
            parts.append(f"instrument {line.instrument}")
        parts.append(f"scheme {line.scheme or c.recipient}")
        if line.legally_committed is not None:
            parts.append(f"legally committed on {line.legally_committed.isoformat()}")
    return ", ".join(parts)
