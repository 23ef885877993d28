"""Overview tables computed from tidy rows: years across, funders and commitments down.

Reports compute tables here; renderers (text, workbook) only draw them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.model import Commitment, Scenario
from budget.reports.grouping import basis_mask, codes_of, group_numbers, group_texts

EARLIER, LATER = "earlier", "later"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an overview.

    level: "item" (a commitment under a funder), "subtotal" (a funder) or "total".
    group: the funder (or recipient) key; item: the commitment id, or "" for (sub)totals.
    label: what the line shows; cents: one amount per column.
    funder: by recipient, the funder that pays the item ("" otherwise).
    """

    level: str
    group: str
    item: str
    label: str
    cents: tuple[int, ...]
    funder: str = ""


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


def overview_columns(rows: pd.DataFrame, scenario: Scenario) -> list[str]:
    """The horizon's years, with "earlier"/"later" when any of `rows` falls outside it."""
    return _columns(rows["year"].to_numpy(), scenario)


def _columns(years: np.ndarray, scenario: Scenario) -> list[str]:
    shown = [str(y) for y in scenario.years]
    found = pd.unique(years)
    earlier = bool(len(found)) and int(found.min()) < scenario.first_year
    later = bool(len(found)) and int(found.max()) > scenario.last_year
    return ([EARLIER] if earlier else []) + shown + ([LATER] if later else [])


def _sums(
    rows: pd.DataFrame,
    mask: npt.NDArray[np.bool_],
    keys: Sequence[str],
    columns: Sequence[str],
    scenario: Scenario,
) -> dict[tuple[str, ...], list[int]]:
    """Cents per combination of `keys` (as text) and column, of the rows where `mask`:
    {keys: [cents per column]}, for the combinations that have rows (in the order of
    their first row; rows with a missing key are left out).

    One pass over arrays: the keys' codes are combined into one group number per row
    (factorized after each key, so that the numbers stay below the rows' count), and the
    cents summed into a groups x columns grid of int64 (exact)."""
    if not mask.any():
        return {}
    position = {c: i for i, c in enumerate(columns)}
    years = rows["year"].to_numpy()[mask]
    distinct = np.unique(years)
    places = np.array([position[column_of(int(y), scenario)] for y in distinct], dtype=np.int64)
    place = places[np.searchsorted(distinct, years)]
    cents = rows["amount_cents"].to_numpy(dtype=np.int64)[mask]
    coded = [codes_of(rows[key], mask) for key in keys]
    keep = np.ones(len(cents), dtype=bool)
    for codes, _ in coded:
        keep &= codes >= 0
    if not keep.all():  # a missing key: its rows are not counted (as groupby drops them)
        coded = [(codes[keep], texts) for codes, texts in coded]
        place, cents = place[keep], cents[keep]
    group, per_group = group_numbers(coded, len(cents))
    labels = group_texts(coded, per_group)
    width = len(columns)
    grid = np.zeros(len(labels) * width, dtype=np.int64)
    np.add.at(grid, group * width + place, cents)
    return dict(zip(labels, grid.reshape(len(labels), width).tolist(), strict=True))


def overview(
    rows: pd.DataFrame,
    scenario: Scenario,
    basis: str,
    by: str = "funder",
    columns: Sequence[str] | None = None,
) -> Overview:
    """Amounts per `by` ("funder" or "recipient") and commitment, for one basis. columns:
    the columns to show (default: `overview_columns` of this basis's rows)."""
    mask = basis_mask(rows, basis)
    if columns is None:
        columns = _columns(rows["year"].to_numpy()[mask], scenario)
    columns = list(columns)
    groups = list(scenario.funders) if by == "funder" else list(scenario.recipients)
    order = [c.id for c in scenario.commitments]
    titles = {c.id: c.title for c in scenario.commitments}
    names = (
        {k: f.name for k, f in scenario.funders.items()}
        if by == "funder"
        else {k: r.name for k, r in scenario.recipients.items()}
    )
    sums = _sums(rows, mask, [by, "commitment"], columns, scenario)
    out: list[Row] = []
    grand = [0] * len(columns)
    by_group: dict[str, list[str]] = {}
    for group, cid in sums:
        by_group.setdefault(group, []).append(cid)
    rank = {cid: i for i, cid in enumerate(order)}
    for group in groups:
        items = sorted((c for c in by_group.get(group, ()) if c in rank), key=rank.__getitem__)
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


def recipient_overview(
    rows: pd.DataFrame, scenario: Scenario, basis: str, columns: Sequence[str] | None = None
) -> Overview:
    """What each recipient receives, from whom, for one basis: per recipient (in the
    scenario's order) one item per commitment and funder that has rows (commitments in
    the scenario's order, funders in the commitment's order), its subtotal, then the
    total. An item's label is "<commitment title> (from <funder>)"."""
    mask = basis_mask(rows, basis)
    if columns is None:
        columns = _columns(rows["year"].to_numpy()[mask], scenario)
    columns = list(columns)
    sums = _sums(rows, mask, ["recipient", "commitment", "funder"], columns, scenario)
    by_recipient: dict[str, list[Commitment]] = {}
    for c in scenario.commitments:
        by_recipient.setdefault(c.recipient, []).append(c)
    out: list[Row] = []
    grand = [0] * len(columns)
    for key in scenario.recipients:
        items = [
            (c, funder)
            for c in by_recipient.get(key, [])
            for funder, _share in c.funders
            if (key, c.id, funder) in sums
        ]
        if not items:
            continue
        subtotal = [0] * len(columns)
        for c, funder in items:
            values = sums[(key, c.id, funder)]
            subtotal = [a + b for a, b in zip(subtotal, values, strict=True)]
            label = f"{c.title} (from {funder})"
            out.append(Row("item", key, c.id, label, (*values, sum(values)), funder))
        grand = [a + b for a, b in zip(grand, subtotal, strict=True)]
        name = scenario.recipients[key].name
        out.append(Row("subtotal", key, "", name, (*subtotal, sum(subtotal))))
    out.append(Row("total", "", "", "Total", (*grand, sum(grand))))
    names = {k: r.name for k, r in scenario.recipients.items()}
    return Overview(basis, "recipient", (*columns, "total"), tuple(out), names)


# Register scale (issue 21): above this many commitments the workbook's overviews show one
# line per funder (by recipient: per recipient and funder) instead of one per commitment;
# the Data sheet (or its CSV) still holds every commitment's amounts.
MAX_LISTED = 10_000


def funder_summary(
    rows: pd.DataFrame, scenario: Scenario, basis: str, columns: Sequence[str] | None = None
) -> Overview:
    """Amounts per funder for one basis, without the commitments: one "item" line per
    funder that has rows (in the scenario's order; its item and funder are the funder's
    key, its label the funder's name, its group "": the lines form one group whose total
    is the last line), then the total. One grouping of the rows, whatever their number."""
    mask = basis_mask(rows, basis)
    if columns is None:
        columns = _columns(rows["year"].to_numpy()[mask], scenario)
    columns = list(columns)
    sums = _sums(rows, mask, ["funder"], columns, scenario)
    names = {k: f.name for k, f in scenario.funders.items()}
    out: list[Row] = []
    grand = [0] * len(columns)
    for key in scenario.funders:
        values = sums.get((key,))
        if values is None:
            continue
        grand = [a + b for a, b in zip(grand, values, strict=True)]
        out.append(Row("item", "", key, names[key], (*values, sum(values)), key))
    out.append(Row("total", "", "", "Total", (*grand, sum(grand))))
    return Overview(basis, "funder", (*columns, "total"), tuple(out), names)


def recipient_summary(
    rows: pd.DataFrame, scenario: Scenario, basis: str, columns: Sequence[str] | None = None
) -> Overview:
    """What each recipient receives from each funder, for one basis, without the
    commitments: per recipient (scenario order) one item per funder (scenario order) that
    pays it, labelled "from <funder name>", its subtotal, then the total."""
    mask = basis_mask(rows, basis)
    if columns is None:
        columns = _columns(rows["year"].to_numpy()[mask], scenario)
    columns = list(columns)
    sums = _sums(rows, mask, ["recipient", "funder"], columns, scenario)
    names = {k: r.name for k, r in scenario.recipients.items()}
    funder_names = {k: f.name for k, f in scenario.funders.items()}
    out: list[Row] = []
    grand = [0] * len(columns)
    for key in scenario.recipients:
        items = [(f, sums[(key, f)]) for f in scenario.funders if (key, f) in sums]
        if not items:
            continue
        subtotal = [0] * len(columns)
        for funder, values in items:
            subtotal = [a + b for a, b in zip(subtotal, values, strict=True)]
            label = f"from {funder_names[funder]}"
            out.append(Row("item", key, funder, label, (*values, sum(values)), funder))
        grand = [a + b for a, b in zip(grand, subtotal, strict=True)]
        out.append(Row("subtotal", key, "", names[key], (*subtotal, sum(subtotal))))
    out.append(Row("total", "", "", "Total", (*grand, sum(grand))))
    return Overview(basis, "recipient", (*columns, "total"), tuple(out), names)
