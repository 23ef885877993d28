"""The ledger and the headroom as terminal text: the commitment-cash view per funder and
year (`budget.reports.ledger`) and each limit's headroom (`budget.engine.limits`)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from budget.core.money import format_euros_grouped, round_half_away
from budget.engine.limits import LimitYear
from budget.render.text import amount_text, text_table
from budget.reports.ledger import LedgerYear


def share_text(share: Fraction | None) -> str:
    """A share as a percentage with one decimal ("62.5%"), or "-" when there is no cash."""
    if share is None:
        return "-"
    tenths = share * 1000
    rounded = round_half_away(tenths.numerator, tenths.denominator)
    return f"{rounded // 10}.{rounded % 10}%"


def ledger_text(entries: list[LedgerYear], title: str, label: Callable[[int], str] = str) -> str:
    """The ledger as an aligned text table; funder-years with nothing in them are left out.
    label: how a year is named (e.g. Scenario.label)."""
    # a recovered column only where money came back (a settled grant's recovery)
    recovered = any(e.recovered for e in entries)
    header = ["funder", "year", "opening", "entered", "paid", "closing", "paid on earlier"]
    if recovered:
        header.insert(5, "recovered")
    lines = []
    for e in entries:
        if not (e.opening or e.entered or e.paid or e.closing or e.recovered):
            continue
        line = [
            e.funder,
            label(e.year),
            amount_text(e.opening),
            amount_text(e.entered),
            amount_text(e.paid),
            amount_text(e.closing),
            share_text(e.committed_share),
        ]
        if recovered:
            line.insert(5, amount_text(e.recovered))
        lines.append(line)
    rule = "opening + entered - paid + recovered" if recovered else "opening + entered - paid"
    return text_table(title, header, lines, left=2) + (
        f"\n({rule} = closing: commitments outstanding at year end; "
        "'paid on earlier': the share of the year's cash that settles commitments "
        "entered in earlier years)"
    )


def headroom_text(checks: list[LimitYear], title: str, label: Callable[[int], str] = str) -> str:
    """Each limit and year: the funder's amount, the ceiling and the headroom left."""
    header = ["funder", "basis", "year", "amount", "ceiling", "headroom", ""]
    lines = [
        [
            c.limit.funder,
            c.limit.basis,
            label(c.year),
            format_euros_grouped(c.amount),
            format_euros_grouped(c.ceiling),
            format_euros_grouped(c.headroom),
            "BREACHED" if c.breached else "",
        ]
        for c in checks
    ]
    return text_table(title, header, lines, left=3) + (
        "\n(headroom = ceiling - amount; a limit is breached when the amount is above it)"
    )


def breach_lines(checks: list[LimitYear], label: Callable[[int], str] = str) -> list[str]:
    """One warning line per breached limit and year (years named by `label`)."""
    f = format_euros_grouped
    return [
        f"warning: {c.limit.origin + ': ' if c.limit.origin else ''}limit on {c.limit.funder}, "
        f"{c.limit.basis} basis, {label(c.year)}: {f(c.amount)} is above the ceiling "
        f"{f(c.ceiling)} (by {f(-c.headroom)})"
        for c in checks
        if c.breached
    ]
