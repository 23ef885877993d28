"""RBV model 2.15 for a budget round: each version's stand and the mutations between them.

Per funder (chapter), article and basis (V, U, O), for budget year T: the stand of every
version in its RBV column ((1) the draft, (3) the adopted budget, (5) the supplementary
budget; the mutations leading to a stand in the column before it), and the effect of the
last version's mutations on T+1 .. T+4. A mutation's effect is the difference it makes
when the version's mutations are applied one by one in the order listed, so the effects
add up to the difference between the versions exactly. In thousands: the stands are
rounded half away from zero, a mutation column is the difference of the printed stands,
and the mutations split it by largest remainder (`budget.reports.thousands`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from budget.core.lines import STAGE_COLUMN, Mutation, MutationType, Stage
from budget.core.model import Scenario
from budget.reports.budget_tables import VUO, chapter_of, line_frame
from budget.reports.thousands import split_shown, top_row

MILLION = 100_000_000  # cents
# The staffel: (article size below, in millions) -> (policy, technical) thresholds in millions.
STAFFEL: tuple[tuple[int | None, int, int], ...] = (
    (50, 1, 2),
    (200, 2, 4),
    (1000, 5, 10),
    (None, 10, 20),
)

Key = tuple[str, str, str]  # funder, article, basis


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the budget: its name, stage, RBV column and mutations."""

    label: str
    stage: str
    column: int
    mutations: tuple[Mutation, ...]


@dataclass(frozen=True, slots=True)
class Effect:
    """One mutation's effect on one line: exact cents and printed thousands per year."""

    version: int
    mutation: Mutation
    cents: tuple[int, ...]
    shown: tuple[int, ...]
    explained: bool  # above the staffel threshold of its article (shown on its own)


@dataclass(frozen=True, slots=True)
class MutationRow:
    """A printed row beneath a line: one mutation above the staffel, or "other mutations".

    shown: per version index, the printed thousands per year of the report's years.
    """

    label: str
    shown: Mapping[int, tuple[int, ...]]


OTHER = "other mutations"


@dataclass(frozen=True, slots=True)
class RoundLine:
    """One funder, article and basis: each version's stand and the mutations' effects."""

    funder: str
    funder_name: str
    chapter: str
    article: str
    vuo: str
    basis: str
    label: str
    stands: tuple[tuple[int, ...], ...]
    shown: tuple[tuple[int, ...], ...]
    effects: tuple[Effect, ...]

    def mutation_rows(self) -> list[MutationRow]:
        """The rows beneath the line: each explained mutation with an effect, then the
        others added up under "other mutations" (when any has an effect)."""
        rows: list[MutationRow] = []
        other: dict[int, list[int]] = {}
        for effect in self.effects:
            if not any(effect.cents):
                continue
            if effect.explained:
                rows.append(
                    MutationRow(effect.mutation.id or "(unnamed)", {effect.version: effect.shown})
                )
                continue
            found = other.setdefault(effect.version, [0] * len(effect.shown))
            other[effect.version] = [a + b for a, b in zip(found, effect.shown, strict=True)]
        if other:
            rows.append(MutationRow(OTHER, {v: tuple(s) for v, s in other.items()}))
        return rows


@dataclass(frozen=True, slots=True)
class Tranche:
    """One yearly tranche of an indexation mutation (budget.reports.round_tranches), over
    every funder and article, per year of the report; year None: the mutation's other
    changes (besides the rates)."""

    year: int | None
    cents: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BudgetRound:
    budget_year: int
    years: tuple[int, ...]
    currency: str
    versions: tuple[Version, ...]
    lines: tuple[RoundLine, ...]
    labels: tuple[str, ...] = ()  # the years as the last version names them (year_label)
    # Per (version, mutation id, V/U/O): the tranches of an indexation mutation, in year
    # order; they add up to the mutation's effect (mutation_totals) exactly.
    tranches: Mapping[tuple[int, str, str], tuple[Tranche, ...]] = field(default_factory=dict)


def threshold(size_cents: int, kind: MutationType) -> int:
    """The staffel's threshold (cents) for a mutation on an article of `size_cents`."""
    for below, policy, technical in STAFFEL:
        if below is None or abs(size_cents) < below * MILLION:
            return (policy if kind is MutationType.POLICY else technical) * MILLION
    raise AssertionError("unreachable")


def version_of(scenario: Scenario, index: int, previous: int) -> Version:
    stage = scenario.stage or (Stage.DRAFT if index == 0 else Stage.SUPPLEMENTARY)
    column = max(STAGE_COLUMN[Stage(stage)], previous + 2 if index else 1)
    mutations = scenario.mutations if index else ()
    return Version(scenario.version or scenario.name, str(stage), column, mutations)


def _sums(scenario: Scenario, rows: pd.DataFrame, years: Sequence[int]) -> dict[Key, list[int]]:
    frame = line_frame(scenario, rows)
    frame = frame[frame["year"].isin(years)]
    out: dict[Key, list[int]] = {}
    grouped = frame.groupby(["funder", "article", "basis", "year"], sort=False)["amount_cents"]
    summed = grouped.sum()
    for group, cents in zip(summed.index.tolist(), summed.tolist(), strict=True):
        key = (str(group[0]), str(group[1]), str(group[2]))
        out.setdefault(key, [0] * len(years))[list(years).index(int(group[3]))] += int(cents)
    return out


def budget_round(
    versions: Sequence[Scenario],
    rows: Sequence[pd.DataFrame],
    steps: Sequence[Sequence[tuple[Scenario, pd.DataFrame]]],
    year: int | None = None,
    every: bool = False,
    tranches: Mapping[tuple[int, int], Levels] | None = None,
) -> BudgetRound:
    """The report of `budget round`. rows: each version's tidy rows (cash shifts applied);
    steps[i]: for version i >= 1, the scenario and rows after each of its first k
    mutations, k = 1 .. n - 1. every: show each mutation, whatever the staffel.
    tranches: per (version i, mutation index k) of an indexation mutation, its levels
    (budget.reports.round_tranches.levels) as rows."""
    given = [v.budget_year for v in versions if v.budget_year is not None]
    t = (given[0] if given else versions[0].first_year) if year is None else year
    years = tuple(range(t - 1, t + 5))
    made: list[Version] = []
    for i, scenario in enumerate(versions):
        made.append(version_of(scenario, i, made[-1].column if made else 0))
    sums = [_sums(s, r, years) for s, r in zip(versions, rows, strict=True)]
    step_sums = [[_sums(s, r, years) for s, r in found] for found in steps]
    keys = list(dict.fromkeys(k for found in sums for k in found))
    funders: dict[str, str] = {}
    for scenario in versions:
        for name, entry in scenario.funders.items():
            funders.setdefault(name, entry.name)
    order = {f: i for i, f in enumerate(funders)}
    articles = sorted({(k[0], k[1]) for k in keys}, key=lambda fa: (order[fa[0]], fa[1]))
    lines: list[RoundLine] = []
    zero = [0] * len(years)
    for funder, article in articles:
        size = sums[0].get((funder, article, "cash"), zero)[1]
        for vuo, basis, label in VUO:
            key = (funder, article, basis)
            stands = [tuple(found.get(key, zero)) for found in sums]
            shown = [tuple(top_row(s)) for s in stands]
            effects: list[Effect] = []
            for i in range(1, len(versions)):
                chain = [sums[i - 1], *step_sums[i - 1], sums[i]]
                exact = [
                    [
                        a - b
                        for a, b in zip(after.get(key, zero), before.get(key, zero), strict=True)
                    ]
                    for before, after in itertools.pairwise(chain)
                ]
                printed = [
                    split_shown(shown[i][y] - shown[i - 1][y], [e[y] for e in exact])
                    for y in range(len(years))
                ]
                for k, mutation in enumerate(made[i].mutations):
                    cents = tuple(exact[k]) if k < len(exact) else tuple(zero)
                    big = max(abs(c) for c in cents[1:]) >= threshold(size, mutation.type)
                    effects.append(
                        Effect(i, mutation, cents, tuple(p[k] for p in printed), every or big)
                    )
            lines.append(
                RoundLine(
                    funder,
                    funders[funder],
                    chapter_of(versions[-1], funder),
                    article,
                    vuo,
                    basis,
                    label,
                    tuple(stands),
                    tuple(shown),
                    tuple(effects),
                )
            )
    labels = tuple(versions[-1].label(y) for y in years)
    found_tranches: dict[tuple[int, str, str], tuple[Tranche, ...]] = {}
    for (i, k), level_rows in (tranches or {}).items():
        chain = [sums[i - 1], *step_sums[i - 1], sums[i]]
        mutation = made[i].mutations[k]
        for vuo, values in _tranches(versions[i], level_rows, chain[k], years).items():
            found_tranches[(i, mutation.id, vuo)] = values
    return BudgetRound(
        t, years, versions[-1].currency, tuple(made), tuple(lines), labels, found_tranches
    )


# An indexation mutation's levels as rows: the all-old level, then (year j, rows) per year.
Levels = tuple[pd.DataFrame, Sequence[tuple[int, pd.DataFrame]]]


def _by_vuo(found: Mapping[Key, list[int]], width: int) -> dict[str, list[int]]:
    vuo_of = {basis: vuo for vuo, basis, _ in VUO}
    out = {vuo: [0] * width for vuo, _, _ in VUO}
    for (_, _, basis), cents in found.items():
        if basis in vuo_of:
            out[vuo_of[basis]] = [a + b for a, b in zip(out[vuo_of[basis]], cents, strict=True)]
    return out


def _tranches(
    scenario: Scenario, level_rows: Levels, before: Mapping[Key, list[int]], years: tuple[int, ...]
) -> dict[str, tuple[Tranche, ...]]:
    """Per V/U/O: the other changes (before -> all-old level), then each year's tranche."""
    old, steps = level_rows
    chain: list[tuple[int | None, dict[str, list[int]]]] = [
        (None, _by_vuo(before, len(years))),
        (None, _by_vuo(_sums(scenario, old, years), len(years))),
    ]
    chain += [(j, _by_vuo(_sums(scenario, rows, years), len(years))) for j, rows in steps]
    out: dict[str, tuple[Tranche, ...]] = {}
    for vuo, _, _ in VUO:
        out[vuo] = tuple(
            Tranche(j, tuple(a - b for a, b in zip(after[vuo], was[vuo], strict=True)))
            for (_, was), (j, after) in itertools.pairwise(chain)
        )
    return out


def mutation_totals(report: BudgetRound) -> Mapping[tuple[int, str, str], list[int]]:
    """Per (version, mutation id, basis): its effect per year over every funder and article."""
    out: dict[tuple[int, str, str], list[int]] = {}
    for line in report.lines:
        for effect in line.effects:
            key = (effect.version, effect.mutation.id, line.vuo)
            found = out.setdefault(key, [0] * len(report.years))
            for y, c in enumerate(effect.cents):
                found[y] += c
    return out
