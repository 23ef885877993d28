"""Where the numbers come from, as the end of `budget run`'s table: the assumptions and
sources of `budget.reports.provenance`.

At register scale (more than `reports.overview.MAX_LISTED` commitments, issue 21) the
commitments' assumptions and sources are not listed one by one: a line per funder counts
the commitments it funds that have an assumed value or a source, and a line says so (the
workbook's Assumptions CSV lists them all). Recipients' assumptions stay listed."""

from __future__ import annotations

from budget.core.model import Scenario, rows_of
from budget.reports import overview
from budget.reports.provenance import Assumed, assumptions, recipient_value


def provenance_text(scenario: Scenario) -> str:
    """Assumptions and sources, for the end of `budget run`'s table."""
    if len(scenario.commitments) > overview.MAX_LISTED:
        return _per_funder(scenario)
    lines = []
    assumed = assumptions(scenario)
    if assumed:
        lines.append("Assumptions (values the sources do not give):")
        lines += [f"  {a.owner} {a.key}, {a.field}: {a.value}" for a in assumed]
    sourced = [c for c in scenario.commitments if c.source]
    if sourced:
        lines.append("Sources:")
        lines += [f"  {c.id}: {c.source}" for c in sourced]
    return "\n".join(lines)


def _per_funder(scenario: Scenario) -> str:
    """The summary at register scale (see the module docstring)."""
    keys = list(scenario.funders)
    assumed: dict[str, list[int]] = {}  # funder -> [commitments, assumed values]
    sourced: dict[str, int] = {}
    rows = rows_of(scenario.commitments)  # no Commitment objects made (issue 21)
    for funders, assumed_fields, source in zip(
        rows.funders, rows.assumptions, rows.sources, strict=True
    ):
        for funder, _ in funders:
            if assumed_fields:
                counts = assumed.setdefault(funder, [0, 0])
                counts[0] += 1
                counts[1] += len(assumed_fields)
            if source:
                sourced[funder] = sourced.get(funder, 0) + 1
    order = {key: i for i, key in enumerate(keys)}

    def ranked(found: dict[str, int] | dict[str, list[int]]) -> list[str]:
        return sorted(found, key=lambda k: (order.get(k, len(order)), k))

    lines = []
    recipients = [
        Assumed("recipient", r.key, field, recipient_value(r, field))
        for r in scenario.recipients.values()
        for field in r.assumptions
    ]
    if assumed or recipients:
        lines.append("Assumptions (values the sources do not give):")
        lines += [
            f"  funder {key}: {assumed[key][1]:,} assumed value"
            f"{'s' if assumed[key][1] != 1 else ''} in {assumed[key][0]:,} commitment"
            f"{'s' if assumed[key][0] != 1 else ''}"
            for key in ranked(assumed)
        ]
        lines += [f"  {a.owner} {a.key}, {a.field}: {a.value}" for a in recipients]
    if sourced:
        lines.append("Sources:")
        lines += [
            f"  funder {key}: {sourced[key]:,} commitment{'s' if sourced[key] != 1 else ''} "
            "with a source"
            for key in ranked(sourced)
        ]
    if assumed or sourced:
        lines.append(
            f"({len(scenario.commitments):,} commitments, more than the "
            f"{overview.MAX_LISTED:,} listed one by one: a line per funder; each "
            "commitment's assumptions and source are in the workbook's Assumptions CSV "
            "(run -o FILE.xlsx) and in budget explain ID.)"
        )
    return "\n".join(lines)
