"""The tables of `budget run` as text: overviews per basis (exact, or in thousands), the
shortfall top-ups leave, the ledger and the headroom, named in the scenario's currency
and fiscal-year labels."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from budget.core.model import Basis, Scenario
from budget.engine.limits import check_rows
from budget.render.ledger_text import headroom_text, ledger_text
from budget.render.shortfall_text import uncovered_text
from budget.render.text import column_label, overview_text
from budget.reports import overview as listing  # MAX_LISTED read at use: tests set it
from budget.reports.ledger import ledger
from budget.reports.overview import funder_summary, overview
from budget.reports.shortfall import Uncovered, uncovered_shortfalls

BASIS_TITLES = (
    (Basis.CASH, "cash basis: payments"),
    (Basis.COMMITMENT, "commitment basis: obligations entered"),
)


def unit(scenario: Scenario, thousands: str | None = None) -> str:
    """How a title names the amounts' unit: "(GBP)", or "(x GBP 1,000)"."""
    return f"(x {scenario.currency} 1,000)" if thousands else f"({scenario.currency})"


def run_tables(
    scenario: Scenario,
    rows: Any,
    forecast: Any = None,
    thousands: str | None = None,
    uncovered: list[Uncovered] | None = None,
) -> list[str]:
    """The text tables of `budget run`: the overview per basis (in thousands when
    `thousands` is "plain" or "controlled"), the shortfall not covered by top-ups (of the
    projection: `uncovered` when given, which must be `uncovered_shortfalls(scenario,
    rows)`), the ledger (of the forecast, with actuals) and, with limits, the headroom."""
    projected, rows = rows, (rows if forecast is None else forecast)
    parts = []
    # Register scale (issue 21): a line per funder, as on the workbook's Overview.
    summary = len(scenario.commitments) > listing.MAX_LISTED
    report = funder_summary if summary else overview
    titles = list(BASIS_TITLES)
    if (projected["basis"] == Basis.RECEIPTS).any():  # only where a settlement recovers
        titles.append((Basis.RECEIPTS, "receipts basis: money received back"))
    for basis, title in titles:
        parts.append(
            overview_text(
                report(projected, scenario, basis),
                f"{scenario.name}, {title} {unit(scenario, thousands)}",
                lambda c: column_label(c, scenario.label),
                thousands,
            )
        )
    if summary:
        parts.append(
            f"({len(scenario.commitments):,} commitments, more than the "
            f"{listing.MAX_LISTED:,} listed one by one: a line per funder. `--format csv` "
            "gives every commitment's amounts, "
            "`budget explain SCENARIO COMMITMENT` any one.)"
        )
    if uncovered is None:
        uncovered = uncovered_shortfalls(scenario, projected)
    gaps = uncovered_text(scenario, uncovered, scenario.label)
    if gaps:
        parts.append(gaps)
    parts.append(
        ledger_text(
            ledger(rows, list(scenario.funders)),
            f"{scenario.name}, commitments and cash per funder {unit(scenario)}",
            scenario.label,
        )
    )
    checks = check_rows(scenario, rows)
    if checks:
        parts.append(
            headroom_text(
                checks,
                f"{scenario.name}, budget ceilings: headroom per year {unit(scenario)}",
                scenario.label,
            )
        )
    return parts


LONG_WRITE_ROWS = 20_000  # tidy rows from which a workbook write shows progress


@contextlib.contextmanager
def workbook_progress(
    target: str, rows: int, terminal: bool | None = None
) -> Iterator[Callable[[int, int], None]]:
    """A progress(done, total) callback for `write_workbook`: a bar on stderr ("Writing
    FILE") when stderr is a terminal and the workbook holds at least LONG_WRITE_ROWS rows,
    as `budget simulate` shows one; otherwise it shows nothing."""
    show = (sys.stderr.isatty() if terminal is None else terminal) and rows >= LONG_WRITE_ROWS
    with click.progressbar(
        length=1, label=f"Writing {target}", hidden=not show, file=sys.stderr
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        yield progress
