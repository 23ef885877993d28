"""What top-ups leave uncovered (`budget.reports.shortfall`), as a terminal table.

With more recipients and years left short than `reports.overview.MAX_LISTED` (a national
register's, issue 21) a line per year: how many recipients are left short and by how much
in all, with a note where each one is listed (the workbook)."""

from __future__ import annotations

from collections.abc import Callable

from budget.core.model import Scenario
from budget.render.text import amount_text, text_table
from budget.reports import overview as listing  # MAX_LISTED read at use: tests set it
from budget.reports.shortfall import Uncovered

MEANING = "(the recipient's shortfall above what its top-ups pay, e.g. above a cap)"


def uncovered_text(
    scenario: Scenario, found: list[Uncovered], label: Callable[[int], str] = str
) -> str:
    """The uncovered shortfalls as a text table, or "" when there are none."""
    if not found:
        return ""
    title = f"{scenario.name}, shortfall not covered by top-ups ({scenario.currency})"
    if len(found) > listing.MAX_LISTED:
        return _per_year(title, found, label)
    lines = [
        [u.recipient, scenario.recipients[u.recipient].name, label(u.year), amount_text(u.cents)]
        for u in found
    ]
    return text_table(title, ["recipient", "name", "year", "uncovered"], lines, left=3) + (
        "\n" + MEANING
    )


def _per_year(title: str, found: list[Uncovered], label: Callable[[int], str]) -> str:
    """The summary at register scale: per year, the recipients left short and the total."""
    years: dict[int, list[int]] = {}  # year -> [recipients, cents]
    for u in found:
        counts = years.setdefault(u.year, [0, 0])
        counts[0] += 1
        counts[1] += u.cents
    lines = [
        [label(year), f"{years[year][0]:,}", amount_text(years[year][1])] for year in sorted(years)
    ]
    total = [["total", f"{len(found):,}", amount_text(sum(u.cents for u in found))]]
    table = text_table(title, ["year", "recipients", "uncovered"], lines, left=1, footer=total)
    return (
        f"{table}\n{MEANING}\n({len(found):,} recipients and years, more than the "
        f"{listing.MAX_LISTED:,} listed one by one: a line per year. The workbook (run -o "
        "FILE.xlsx) lists each one: on its Uncovered shortfall sheet, or at register scale "
        "in FILE.uncovered.csv beside it.)"
    )
