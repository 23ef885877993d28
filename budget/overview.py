"""Overview tables computed from tidy rows: years across, funders and commitments down.

Reports compute tables here; renderers (text, workbook) only draw them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd

from budget.model import Scenario

EARLIER, LATER = "earlier", "later"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an overview.

    level: "item" (a commitment under a funder), "subtotal" (a funder) or "total".
    group: the funder (or recipient) key; item: the commitment id, or "" for (sub)totals.
    label: what the line shows; cents: one amount per column.
    """

    level: str
    group: str
    item: str
    label: str
    cents: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Overview:
    """columns: "earlier", the horizon's years, "later" (the outer two only when they hold
    amounts), then "total"."""

    basis: str
    by: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    names: dict[str, str]


def column_of(year: int, scenario: Scenario) -> str:
    if year < scenario.first_year:
        return EARLIER
    if year > scenario.last_year:
        return LATER
    return str(year)


def overview(rows: pd.DataFrame, scenario: Scenario, basis: str, by: str = "funder") -> Overview:
    """Amounts per `by` ("funder" or "recipient") and commitment, for one basis."""
    data = rows[rows["basis"] == basis]
    years = [str(y) for y in scenario.years]
    outside = {column_of(int(y), scenario) for y in data["year"].unique()}
    columns = (
        ([EARLIER] if EARLIER in outside else []) + years + ([LATER] if LATER in outside else [])
    )
    position = {c: i for i, c in enumerate(columns)}
    groups = list(scenario.funders) if by == "funder" else list(scenario.recipients)
    order = [c.id for c in scenario.commitments]
    titles = {c.id: c.title for c in scenario.commitments}
    names = (
        {k: f.name for k, f in scenario.funders.items()}
        if by == "funder"
        else {k: r.name for k, r in scenario.recipients.items()}
    )
    sums: dict[tuple[str, str], list[int]] = {}
    if len(data):
        col = [position[column_of(int(y), scenario)] for y in data["year"]]
        frame = pd.DataFrame(
            {
                "group": data[by].to_numpy(),
                "item": data["commitment"].to_numpy(),
                "col": col,
                "cents": data["amount_cents"].to_numpy(),
            }
        )
        grouped = frame.groupby(["group", "item", "col"], sort=False)["cents"].sum()
        for key, cents in grouped.items():
            g_key, i_key, c_key = cast(tuple[str, str, int], key)
            sums.setdefault((str(g_key), str(i_key)), [0] * len(columns))[int(c_key)] += int(cents)
    out: list[Row] = []
    grand = [0] * len(columns)
    for group in groups:
        items = [cid for cid in order if (group, cid) in sums]
        if not items:
            continue
        subtotal = [0] * len(columns)
        for cid in items:
            values = sums[(group, cid)]
            subtotal = [a + b for a, b in zip(subtotal, values, strict=True)]
            out.append(Row("item", group, cid, titles[cid], (*values, sum(values))))
        grand = [a + b for a, b in zip(grand, subtotal, strict=True)]
        out.append(Row("subtotal", group, "", names[group], (*subtotal, sum(subtotal))))
    out.append(Row("total", "", "", "Total", (*grand, sum(grand))))
    return Overview(basis, by, (*columns, "total"), tuple(out), names)
