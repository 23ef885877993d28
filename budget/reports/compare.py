"""What-if comparison: each scenario's amounts against a base, and what caused the differences.

The long form has one row per scenario, commitment, funder, basis and year, with the
scenario's amount and its delta from the base (the scenario's amount minus the base's for the
same commitment, funder, basis and year; a commitment missing on one side counts as 0 there;
the base's own rows have delta 0). The side-by-side form sums it per basis, funder and year,
and attributes each difference to the commitments that caused it, largest first;
`comparison` groups it per basis with the titles, for the terminal and the workbook.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd

from budget.core.lines import NO_ARTICLE
from budget.core.model import BASES, Basis, Scenario

KEYS = ["commitment", "funder", "basis", "year"]
COLUMNS = ["scenario", "commitment", "funder", "basis", "year", "amount_cents", "delta_cents"]


def scenario_labels(scenarios: list[Scenario]) -> list[str]:
    """Each scenario's name; where two share a name, the file stem (or path) is added, and
    where even that is shared (the same file twice), its position in the list."""
    names = Counter(s.name for s in scenarios)
    labels = [
        s.name if names[s.name] == 1 else f"{s.name} ({Path(s.path).stem})" for s in scenarios
    ]
    again = Counter(labels)
    labels = [
        label if again[label] == 1 else f"{s.name} ({s.path})"
        for s, label in zip(scenarios, labels, strict=True)
    ]
    third = Counter(labels)
    return [label if third[label] == 1 else f"{label} #{i + 1}" for i, label in enumerate(labels)]


def compare_rows(scenarios: list[Scenario], rows: list[pd.DataFrame]) -> pd.DataFrame:
    """The long comparison: the base (first) and every other scenario against it.

    Columns: scenario, commitment, funder, basis, year, amount_cents, delta_cents (int64).
    Rows are ordered by scenario (as given), commitment (in order of first appearance),
    funder (likewise), basis (commitment, cash) and year.
    """
    labels = scenario_labels(scenarios)
    commitments = _first_seen(c.id for s in scenarios for c in s.commitments)
    funders = _first_seen(f for s in scenarios for f in s.funders)
    base = _sums(rows[0])
    frames = []
    for index, (label, frame) in enumerate(zip(labels, rows, strict=True)):
        joined = _against(_sums(frame), None if index == 0 else base)
        joined.insert(0, "scenario", label)
        joined["_s"] = index
        frames.append(joined)
    out = pd.concat(frames, ignore_index=True)
    out["_c"] = out["commitment"].map(commitments)
    out["_f"] = out["funder"].map(funders)
    out["_b"] = out["basis"].map({b: i for i, b in enumerate(BASES)})
    out = out.sort_values(["_s", "_c", "_f", "_b", "year"], kind="stable")
    out = out[COLUMNS].reset_index(drop=True)
    for column in ("year", "amount_cents", "delta_cents"):
        out[column] = out[column].astype("int64")
    return out


def _first_seen(items: Iterable[object]) -> dict[str, int]:
    order: dict[str, int] = {}
    for item in items:
        order.setdefault(str(item), len(order))
    return order


def _sums(rows: pd.DataFrame) -> pd.DataFrame:
    grouped = rows.groupby(KEYS, sort=False)["amount_cents"].sum()
    return grouped.reset_index()


@dataclass(frozen=True, slots=True)
class SideRow:
    """One funder and year on one basis: every scenario's amount side by side.

    amounts: one per scenario, the base first; deltas: amount minus the base's;
    causes: per scenario, (commitment, delta) pairs with a non-zero delta, largest first.
    """

    basis: str
    funder: str
    year: int
    amounts: tuple[int, ...]
    deltas: tuple[int, ...]
    causes: tuple[tuple[tuple[str, int], ...], ...]


def side_by_side(long: pd.DataFrame, labels: list[str]) -> list[SideRow]:
    """Per basis, funder and year (in the long form's order): amounts, deltas, causes."""
    funder_order = _first_seen(long["funder"])
    slot = {label: i for i, label in enumerate(labels)}
    n = len(labels)
    frame = long.astype({"scenario": str, "commitment": str, "funder": str, "basis": str})
    cell_keys = ["basis", "funder", "year", "scenario"]
    # Sums per basis, funder, year and scenario, and per commitment where a delta is not 0:
    # the Python loops below run once per such sum, not once per row.
    sums = frame.groupby(cell_keys, sort=False)[["amount_cents", "delta_cents"]].sum()
    per_cell: dict[tuple[str, str, int], dict[str, list[int]]] = {}
    for (basis, funder, year, scenario), (amount, delta) in zip(
        sums.index, sums.to_numpy().tolist(), strict=True
    ):
        cell = per_cell.setdefault(
            (basis, funder, int(year)), {"amounts": [0] * n, "deltas": [0] * n}
        )
        cell["amounts"][slot[scenario]] += int(amount)
        cell["deltas"][slot[scenario]] += int(delta)
    moved = frame[frame["delta_cents"] != 0]
    by_commitment = moved.groupby([*cell_keys, "commitment"], sort=False)["delta_cents"].sum()
    causes: dict[tuple[str, str, int, str], dict[str, int]] = {}
    for key, delta in by_commitment.items():
        basis, funder, year, scenario, commitment = cast(tuple[str, str, int, str, str], key)
        causes.setdefault((basis, funder, int(year), scenario), {})[commitment] = int(delta)
    out = []
    order = sorted(per_cell, key=lambda k: (BASES.index(k[0]), funder_order[k[1]], k[2]))
    for key in order:
        cell = per_cell[key]
        why = []
        for label in labels:
            found = causes.get((*key, label), {})
            ranked = sorted(
                ((c, d) for c, d in found.items() if d), key=lambda cd: (-abs(cd[1]), cd[0])
            )
            why.append(tuple(ranked))
        out.append(
            SideRow(
                key[0], key[1], key[2], tuple(cell["amounts"]), tuple(cell["deltas"]), tuple(why)
            )
        )
    return out


TITLES = {
    "cash": "cash basis: payments",
    "commitment": "commitment basis: obligations entered",
    "receipts": "receipts basis: money received back",
}


@dataclass(frozen=True, slots=True)
class SideSection:
    """One basis of the side-by-side comparison.

    basis: "cash" or "commitment"; title: the terminal table's title (with the unit);
    sheet_title: the block's title on the Comparison sheet; causes_title: the heading of
    the terminal's list of causes; rows: the funder-years with an amount or a difference;
    totals: per scenario, the sum of its amounts over `rows`; total_deltas: likewise of
    its differences from the base (0 for the base).
    """

    basis: str
    title: str
    sheet_title: str
    causes_title: str
    rows: tuple[SideRow, ...]
    totals: tuple[int, ...]
    total_deltas: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The side-by-side comparison of `budget compare`, for the terminal and the workbook.

    labels: the scenarios' names, the base first; unit: their currencies ("EUR/GBP");
    year_label: how the base names a fiscal year; sheet_title: the Comparison sheet's
    title; causes_sheet_title: the title of the sheet of causes; sections: the cash, then
    the commitment basis; causes: every SideRow, cash basis first (the sheet of causes
    lists each one's causes).
    """

    labels: tuple[str, ...]
    unit: str
    year_label: Callable[[int], str]
    sheet_title: str
    causes_sheet_title: str
    sections: tuple[SideSection, ...]
    causes: tuple[SideRow, ...]


def comparison(
    scenarios: Sequence[Scenario], long: pd.DataFrame, labels: Sequence[str]
) -> Comparison:
    """The comparison of the long rows (`compare_rows`) of `scenarios`, named by `labels`."""
    table = side_by_side(long, list(labels))
    unit = "/".join(dict.fromkeys(s.currency for s in scenarios))
    sections = []
    for basis in ("cash", "commitment", "receipts"):
        rows = tuple(r for r in table if r.basis == basis and (any(r.amounts) or any(r.deltas)))
        if basis == Basis.RECEIPTS and not rows:  # only where a settlement recovers
            continue
        sections.append(
            SideSection(
                basis=basis,
                title=f"Comparison, {TITLES[basis]} ({unit})",
                sheet_title=TITLES[basis].capitalize(),
                causes_title=f"What caused the differences ({basis} basis), largest first:",
                rows=rows,
                totals=tuple(sum(r.amounts[i] for r in rows) for i in range(len(labels))),
                total_deltas=tuple(sum(r.deltas[i] for r in rows) for i in range(len(labels))),
            )
        )
    others = ", ".join(labels[1:])
    return Comparison(
        labels=tuple(labels),
        unit=unit,
        year_label=scenarios[0].label,
        sheet_title=f"Comparison: {others} against {labels[0]}",
        causes_sheet_title=f"What caused the differences from {labels[0]}",
        sections=tuple(sections),
        causes=tuple(sorted(table, key=lambda r: r.basis != Basis.CASH)),  # cash first, as above
    )


def by_article(long: pd.DataFrame, scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """The long comparison per article instead of per commitment (`compare --by article`):
    the `commitment` column names each scenario's article of the commitment ("article 33",
    or "(no article)"), amounts are summed per article, and each delta is taken again
    against the base's amount of the same article, so a commitment that moved to another
    article shows as a difference of both."""
    labels = scenario_labels(list(scenarios))
    frames = []
    for label, scenario in zip(labels, scenarios, strict=True):
        names = {
            c.id: (f"article {line.article}" if line and line.article else NO_ARTICLE)
            for c in scenario.commitments
            for line in [scenario.budget_lines.get(c.id)]
        }
        mine = long[long["scenario"] == label].astype({"commitment": str})
        mine = mine.assign(commitment=mine["commitment"].map(names).fillna(NO_ARTICLE))
        frames.append(
            mine.groupby(["commitment", "funder", "basis", "year"], sort=False)["amount_cents"]
            .sum()
            .reset_index()
        )
    base = frames[0]
    out = []
    for index, (label, frame) in enumerate(zip(labels, frames, strict=True)):
        joined = _against(frame, None if index == 0 else base)
        joined.insert(0, "scenario", label)
        out.append(joined)
    result = pd.concat(out, ignore_index=True)[COLUMNS]
    for column in ("year", "amount_cents", "delta_cents"):
        result[column] = result[column].astype("int64")
    return result


def _against(frame: pd.DataFrame, base: pd.DataFrame | None) -> pd.DataFrame:
    """`frame` with its `delta_cents` against `base` on KEYS (an outer join: a key in one
    of the two only counts 0 in the other); 0 throughout for the base itself (None)."""
    if base is None:
        return frame.assign(delta_cents=0)
    joined = frame.merge(base, on=KEYS, how="outer", suffixes=("", "_base"))
    joined = joined.fillna({"amount_cents": 0, "amount_cents_base": 0})
    joined["delta_cents"] = joined["amount_cents"] - joined["amount_cents_base"]
    return joined.drop(columns="amount_cents_base")
