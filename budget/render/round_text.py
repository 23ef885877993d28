"""`budget round`: the RBV 2.15 tables as text, the list of mutations, and the rows."""

from __future__ import annotations

import pandas as pd

from budget.core.model import Scenario
from budget.core.money import format_euros_grouped
from budget.reports.budget_round import BudgetRound, RoundLine, Tranche, mutation_totals

ROUND_COLUMNS = [
    "version",
    "stage",
    "mutation",
    "type",
    "kind",
    "reason",
    "funder",
    "chapter",
    "article",
    "basis",
    "vuo",
    "year",
    "amount_cents",
    "amount_thousands",
]
VUO_NAMES = {"V": "Verplichtingen", "U": "Uitgaven", "O": "Ontvangsten"}
WIDTH = 9


def _columns(report: BudgetRound) -> list[str]:
    heads = [f"({report.versions[0].column})"]
    for version in report.versions[1:]:
        heads += [f"({version.column - 1})", f"({version.column})"]
    return heads + list((report.labels or tuple(map(str, report.years)))[2:])


def _line_cells(report: BudgetRound, line: RoundLine) -> list[str]:
    t = 1  # the index of year T in report.years
    cells = [f"{line.shown[0][t]:,}"]
    for i in range(1, len(report.versions)):
        cells += [f"{line.shown[i][t] - line.shown[i - 1][t]:,}", f"{line.shown[i][t]:,}"]
    last = len(report.versions) - 1
    later = [line.shown[last][y] - line.shown[last - 1][y] if last else 0 for y in range(2, 6)]
    return cells + [f"{v:,}" for v in later]


def _effect_cells(report: BudgetRound, by_version: dict[int, list[int]]) -> list[str]:
    cells = [""]
    for i in range(1, len(report.versions)):
        values = by_version.get(i)
        cells += [f"{values[1]:,}" if values else "", ""]
    last = by_version.get(len(report.versions) - 1)
    return cells + [f"{v:,}" if last else "" for v in (last or [0] * 6)[2:6]]


def heads_year(report: BudgetRound) -> str:
    """Year T as the scenario names it."""
    return report.labels[1] if report.labels else str(report.budget_year)


def round_text(report: BudgetRound) -> str:
    heads = _columns(report)
    labels = " -> ".join(f"{v.label} ({v.stage})" for v in report.versions)
    out = [
        f"Budget round {heads_year(report)}: {labels} (x {report.currency} 1,000)",
    ]
    article = None
    for line in report.lines:
        if (line.funder, line.article) != article:
            article = (line.funder, line.article)
            head = f"{'':<28}" + "".join(f"{h:>{WIDTH}}" for h in heads)
            out += ["", f"{line.chapter} {line.funder_name}, article {line.article}", head]
            out.append("-" * len(head))
        cells = _line_cells(report, line)
        out.append(f"{line.label:<28}" + "".join(f"{c:>{WIDTH}}" for c in cells))
        for row in line.mutation_rows():
            cells = _effect_cells(report, {v: list(shown) for v, shown in row.shown.items()})
            out.append(f"  {row.label[:26]:<26}" + "".join(f"{c:>{WIDTH}}" for c in cells))
    out += ["", "Mutations (exact, all funders and articles):"]
    totals = mutation_totals(report)
    for i, version in enumerate(report.versions[1:], 1):
        out.append(f"  {version.label} ({version.stage}):")
        for mutation in version.mutations:
            kind = f", {mutation.kind}" if mutation.kind else ""
            out.append(
                f"    {mutation.id or '(unnamed)'} ({mutation.type}{kind}): "
                f"{mutation.reason or 'the whole file (it lists no [[mutations]])'}"
            )
            for vuo, name in VUO_NAMES.items():
                values = totals.get((i, mutation.id, vuo))
                if values and any(values):
                    years = ", ".join(
                        f"{y}: {format_euros_grouped(v)}"
                        for y, v in zip(report.years, values, strict=True)
                        if v
                    )
                    out.append(f"      {name}: {years}")
                    out += tranche_lines(report, report.tranches.get((i, mutation.id, vuo), ()))
    return "\n".join(out)


def tranche_lines(report: BudgetRound, tranches: tuple[Tranche, ...]) -> list[str]:
    """An indexation mutation's tranches, one line each: "tranche 2015: +900.00 from 2015
    on" where it is the same in every year from its own to the last it reaches, else
    its amount per year; the other changes (besides the rates) only where there are any."""
    out = []
    for tranche in tranches:
        paid = [(y, c) for y, c in zip(report.years, tranche.cents, strict=True) if c]
        if not paid:
            continue
        label = "other changes" if tranche.year is None else f"tranche {tranche.year}"
        span = range(paid[0][0], paid[-1][0] + 1)
        later = [c for y, c in zip(report.years, tranche.cents, strict=True) if y in span]
        if tranche.year is not None and paid[0][0] == tranche.year and len(set(later)) == 1:
            amount = format_euros_grouped(later[0])
            sign = "+" if later[0] > 0 else ""
            out.append(f"        {label}: {sign}{amount} from {tranche.year} on")
        else:
            years = ", ".join(f"{y}: {format_euros_grouped(c)}" for y, c in paid)
            out.append(f"        {label}: {years}")
    return out


def round_rows(report: BudgetRound) -> pd.DataFrame:
    records: list[dict[str, object]] = []
    for line in report.lines:
        base = {
            "funder": line.funder,
            "chapter": line.chapter,
            "article": line.article,
            "basis": line.basis,
            "vuo": line.vuo,
        }
        for i, version in enumerate(report.versions):
            head = {"version": version.label, "stage": version.stage}
            for y, year in enumerate(report.years):
                records.append(
                    {
                        **head,
                        "mutation": "",
                        "type": "",
                        "kind": "",
                        "reason": "",
                        **base,
                        "year": year,
                        "amount_cents": line.stands[i][y],
                        "amount_thousands": line.shown[i][y],
                    }
                )
            for effect in line.effects:
                if effect.version != i:
                    continue
                m = effect.mutation
                for y, year in enumerate(report.years):
                    records.append(
                        {
                            **head,
                            "mutation": m.id or "(unnamed)",
                            "type": str(m.type),
                            "kind": m.kind,
                            "reason": m.reason,
                            **base,
                            "year": year,
                            "amount_cents": effect.cents[y],
                            "amount_thousands": effect.shown[y],
                        }
                    )
    return pd.DataFrame(records, columns=ROUND_COLUMNS)


def cash_shift_text(scenario: Scenario) -> str:
    """The scenario's cash shifts, one line each, for the outputs that apply them (`budget
    run`); empty without any."""
    if not scenario.cash_shifts:
        return ""
    lines = [f"Cash shifts (kasschuiven) applied to the cash basis ({scenario.currency}):"]
    for s in scenario.cash_shifts:
        owner = f" (mutation {s.mutation})" if s.mutation else ""
        lines.append(
            f"  {s.commitment}: {format_euros_grouped(s.amount)} from "
            f"{scenario.label(s.from_year)} to {scenario.label(s.to_year)}{owner}"
        )
    return "\n".join(lines)
