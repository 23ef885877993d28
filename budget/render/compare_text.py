"""`budget compare` as terminal text: the side-by-side tables with what caused each
difference (`budget.reports.compare.Comparison`), the totals per year and per funder and
every scenario's limits (`budget.reports.compare_summary.CompareSummary`)."""

from __future__ import annotations

from budget.core.money import format_euros_grouped
from budget.render.text import amount_text, text_table
from budget.reports.compare import Comparison
from budget.reports.compare_summary import CompareSummary, LimitsTable, TotalsTable


def comparison_text(report: Comparison) -> str:
    """Side-by-side tables per basis, then what caused each difference, largest first."""
    labels, label = report.labels, report.year_label
    parts = []
    for section in report.sections:
        header = ["funder", "year", labels[0]]
        for other in labels[1:]:
            header += [other, "difference"]
        lines = []
        for r in section.rows:
            cells = [r.funder, label(r.year), amount_text(r.amounts[0])]
            for amount, delta in zip(r.amounts[1:], r.deltas[1:], strict=True):
                cells += [amount_text(amount), signed(delta)]
            lines.append(cells)
        totals = ["Total", "", amount_text(section.totals[0])]
        for amount, delta in zip(section.totals[1:], section.total_deltas[1:], strict=True):
            totals += [amount_text(amount), signed(delta)]
        text = [text_table(section.title, header, lines, 2, footer=[totals])]
        why = [
            f"  {name}, {r.funder} {label(r.year)}: {signed(r.deltas[i])} = "
            + ", ".join(f"{c} {signed(d)}" for c, d in r.causes[i])
            for i, name in enumerate(labels)
            for r in section.rows
            if i and (r.deltas[i] or r.causes[i])
        ]
        if why:
            text += ["", section.causes_title, *why]
        else:
            text += ["", f"No differences on the {section.basis} basis."]
        parts.append("\n".join(text))
    return "\n\n".join(parts)


def signed(cents: int) -> str:
    """A difference with its sign ("+1,000.00", "-5.00"), or "-" for none."""
    if cents == 0:
        return "-"
    return ("+" if cents > 0 else "") + format_euros_grouped(cents)


def totals_text(tables: tuple[TotalsTable, ...], report: Comparison) -> str:
    """Per basis: every scenario's total per year, then per funder (all years), each other
    scenario with its difference from the base."""
    header_amounts = [report.labels[0]]
    for label in report.labels[1:]:
        header_amounts += [label, "difference"]
    parts = []
    for table in tables:
        lines = []
        for line in table.lines:
            key = line.key
            cells = [report.year_label(key) if isinstance(key, int) else str(key)]
            cells += _amounts(line.amounts, line.differences)
            lines.append(cells)
        footer = ["Total", *_amounts(table.total.amounts, table.total.differences)]
        parts.append(text_table(table.title, [table.by, *header_amounts], lines, 1, [footer]))
    return "\n\n".join(parts)


def _amounts(amounts: tuple[int, ...], differences: tuple[int, ...]) -> list[str]:
    cells = [amount_text(amounts[0])]
    for amount, difference in zip(amounts[1:], differences[1:], strict=True):
        cells += [amount_text(amount), signed(difference)]
    return cells


def limits_text(limits: LimitsTable) -> str:
    """Every scenario's limits per year; breaches marked BREACHED. "" when there are none."""
    if not limits.lines:
        return ""
    f = format_euros_grouped
    lines = [
        [
            line.scenario,
            line.check.limit.funder,
            line.check.limit.basis,
            line.year_label,
            f(line.check.amount),
            f(line.check.ceiling),
            f(line.check.headroom),
            "BREACHED" if line.check.breached else "",
        ]
        for line in limits.lines
    ]
    breached = limits.breached
    header = ["scenario", "funder", "basis", "year", "amount", "ceiling", "headroom", ""]
    verdict = (
        f"{breached} limit-year{'s' if breached != 1 else ''} breached."
        if breached
        else "Every scenario is within its limits."
    )
    return text_table(limits.title, header, lines, left=4) + f"\n{verdict}"


def compare_text(report: Comparison, summary: CompareSummary) -> str:
    """`budget compare`'s table output: side by side with causes, totals, limits."""
    parts = [comparison_text(report), totals_text(summary.totals, report)]
    limits = limits_text(summary.limits)
    if limits:
        parts.append(limits)
    return "\n\n".join(parts)
