"""Text renderings for the terminal: overview tables, tidy rows as CSV and JSON."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from budget.core.money import format_euros_grouped, round_half_away
from budget.core.rounding import controlled_round
from budget.render.csvtext import euros_category, euros_column, frame_csv, frame_csv_blocks
from budget.render.jsontext import records_json
from budget.reports.overview import Overview

THOUSAND_CENTS = 100_000
ROUNDINGS = ("plain", "controlled")
THOUSANDS_NOTE = (
    "Amounts in thousands, rounded from the exact amounts: a total may differ from the sum "
    "of the rounded rows above it."
)
CONTROLLED_NOTE = (
    "Amounts in thousands, with controlled rounding: every column adds up to its total and "
    "every line's years to its Total column; each figure differs from its exact amount by "
    "less than 1 thousand."
)


def overview_text(
    table: Overview,
    title: str,
    label: Callable[[str], str] = str,
    thousands: str | None = None,
) -> str:
    """An aligned text table: funders with their commitments beneath, totals last.

    label: how a column ("2015", "earlier", "total") is headed (see `column_label`).
    thousands: None (exact amounts), "plain" (each amount rounded to thousands by itself)
    or "controlled" (`controlled_thousands`); with thousands a note is added below.
    """
    header = ["", *(label(c) for c in table.columns)]
    shown = _shown_amounts(table, thousands)
    lines: list[list[str]] = []
    for row, amounts in zip(table.rows, shown, strict=True):
        name = (
            f"  {row.item}"
            if row.level == "item"
            else (f"  {row.group} total" if row.level == "subtotal" else row.label)
        )
        cells = [amount_text(c) if thousands is None else _whole_text(c) for c in amounts]
        lines.append([name, *cells])
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    widths[0] = min(widths[0], 48)

    def fmt(cells: list[str]) -> str:
        first = cells[0][: widths[0]].ljust(widths[0])
        return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    rule = "-" * len(fmt(header))
    body = []
    group = None
    for row, cells in zip(table.rows, lines, strict=True):
        if row.level == "total":
            body.append(rule)
        elif row.group != group:
            group = row.group
            if group:  # a summary's lines (reports.overview.funder_summary) have none
                body.append(f"{group}: {table.names.get(group, group)}")
        body.append(fmt(cells))
        if row.level == "subtotal":
            body.append("")
    note = []
    if thousands is not None:
        text = CONTROLLED_NOTE if thousands == "controlled" else THOUSANDS_NOTE
        note = ["", *textwrap.wrap(text, 88)]
    return "\n".join([title, fmt(header), rule, *body, *note])


def column_label(column: str, label: Callable[[int], str]) -> str:
    """An overview column's heading: a year by `label` (e.g. Scenario.label), other
    columns ("earlier", "later", "total") as they are."""
    return label(int(column)) if column.isdigit() else column


def _whole_text(units: int) -> str:
    return "-" if units == 0 else f"{units:,}"


def _shown_amounts(table: Overview, thousands: str | None) -> list[tuple[int, ...]]:
    """Each row's amounts as shown: cents, or whole thousands (plain or controlled)."""
    if thousands is None:
        return [row.cents for row in table.rows]
    if thousands == "plain":
        return [tuple(round_half_away(c, THOUSAND_CENTS) for c in row.cents) for row in table.rows]
    return controlled_thousands(table)


def controlled_thousands(table: Overview) -> list[tuple[int, ...]]:
    """The overview in whole thousands, rounded so that it adds up on paper both ways
    (`budget.core.rounding.controlled_round`): in every column the commitments add up to
    their funder's subtotal and the subtotals to the total; across, every line's years
    add up to its Total column; each figure is within one thousand of its exact amount."""
    rows = table.rows
    if not rows:
        return []
    width = len(rows[0].cents) - 1  # the last column is the line's total
    items = [i for i, row in enumerate(rows) if row.level == "item"]
    subtotals = {row.group: i for i, row in enumerate(rows) if row.level == "subtotal"}
    totals = [i for i, row in enumerate(rows) if row.level == "total"]
    order = list(dict.fromkeys(rows[i].group for i in items))
    if items and order == [""] and not subtotals and len(totals) == 1:  # a funder summary
        subtotals, totals = {"": totals[0]}, []  # its items add up to the total
    if not items or any(g not in subtotals for g in order):
        return [tuple(round_half_away(c, THOUSAND_CENTS) for c in row.cents) for row in rows]
    groups = [[k for k, i in enumerate(items) if rows[i].group == g] for g in order]
    found = controlled_round([rows[i].cents[:width] for i in items], THOUSAND_CENTS, groups)
    out: list[tuple[int, ...]] = [()] * len(rows)
    for k, i in enumerate(items):
        out[i] = (*found.cells[k].tolist(), int(found.rows[k]))
    for k, group in enumerate(order):
        out[subtotals[group]] = (*found.groups[k].tolist(), int(found.group_totals[k]))
    for t in totals:
        out[t] = (*found.columns.tolist(), found.total)
    for i, row in enumerate(rows):  # a line outside the table (none today): by itself
        if not out[i]:
            out[i] = tuple(round_half_away(c, THOUSAND_CENTS) for c in row.cents)
    return out


def amount_text(cents: int) -> str:
    """An amount for a text table: grouped euros, "-" for nothing."""
    return "-" if cents == 0 else format_euros_grouped(cents)


def text_table(
    title: str,
    header: list[str],
    lines: list[list[str]],
    left: int,
    footer: list[list[str]] | None = None,
) -> str:
    """An aligned text table: the first `left` columns to the left, the others (amounts)
    to the right; `footer` lines (totals) go below a rule."""
    footer = footer or []
    widths = [max(len(row[i]) for row in [header, *lines, *footer]) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        out = [c.ljust(w) for c, w in zip(cells[:left], widths[:left], strict=True)]
        out += [c.rjust(w) for c, w in zip(cells[left:], widths[left:], strict=True)]
        return "  ".join(out).rstrip()

    rule = "-" * len(fmt(header))
    below = [rule, *(fmt(c) for c in footer)] if footer else []
    return "\n".join([title, fmt(header), rule, *(fmt(c) for c in lines), *below])


def with_euros(
    rows: pd.DataFrame, cents_columns: tuple[str, ...] = ("amount_cents",), category: bool = False
) -> pd.DataFrame:
    """The rows with a euro column (two decimals, as text) before each *_cents column.
    category: the euro columns as categoricals of the same texts (for the CSV writer)."""
    out = rows.copy(deep=False)  # copy on write: the columns are shared until written
    for column in cents_columns:
        euros = column.removesuffix("_cents")
        position = out.columns.get_loc(column)
        assert isinstance(position, int)
        cents = out[column].to_numpy()
        if category:  # once per amount
            out.insert(position, euros, euros_category(cents, out.index))
        else:
            out.insert(position, euros, euros_column(cents))
    return out


def with_conventions(
    rows: pd.DataFrame,
    currency: str | pd.Series,
    label: Callable[[int], str],
    category: bool = False,
) -> pd.DataFrame:
    """The rows with `year_label` (each year as `label` names it, e.g. Scenario.label)
    after `year`, and `currency` before the first amount column (or last when none).
    category: both as categoricals of the same texts (for the CSV and JSON writers: a
    code per row, not a text to hash again; issue 21)."""
    out = rows.copy(deep=False)  # copy on write: the columns are shared until written
    columns = list(out.columns)
    if "year" in columns:
        years = out["year"]
        if category:
            codes, uniques = pd.factorize(years.to_numpy())
            texts = [label(int(y)) for y in uniques.tolist()]
            named: Any = _categorical(codes, texts, out.index)
        else:
            names = {int(y): label(int(y)) for y in pd.unique(years)}
            named = years.map(names)
        out.insert(columns.index("year") + 1, "year_label", named)
        columns = list(out.columns)
    money = [c for c in columns if c.endswith("_cents") or f"{c}_cents" in columns]
    at = columns.index(money[0]) if money else len(columns)
    value: Any = currency if isinstance(currency, str) else currency.to_numpy()
    if category and isinstance(currency, str):
        value = _categorical(np.zeros(len(out), dtype=np.int8), [currency], out.index)
    out.insert(at, "currency", value)
    return out


def _categorical(codes: np.ndarray, texts: list[str], index: pd.Index) -> pd.Series:
    """The texts named by the codes, as a categorical (texts that repeat are one category:
    two years may have the same label)."""
    categories = pd.Index(texts, dtype=object)
    if categories.has_duplicates:  # a category per distinct text
        recoded, categories = pd.factorize(categories)
        codes = recoded[codes]
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=index)


def rows_csv(rows: pd.DataFrame, flavour: str = "csv") -> str:
    """The rows as CSV: "csv" (exact, for tools) or "excel-csv" (see budget.render.csvtext)."""
    return frame_csv(rows, flavour)


def rows_csv_blocks(rows: pd.DataFrame, flavour: str = "csv") -> Iterator[str]:
    """`rows_csv` in blocks of rows that join to it (budget.render.csvtext.frame_csv_blocks)."""
    return frame_csv_blocks(rows, flavour)


def rows_csv_chunks(
    rows: pd.DataFrame,
    chunk: int = 100_000,
    conventions: tuple[str, Callable[[int], str]] | None = None,
) -> Iterator[str]:
    """The tidy rows with euros, as `budget run --format csv` prints them, a chunk of rows at
    a time (for files too large to build as one string). conventions: (currency, year
    label) to add the `currency` and `year_label` columns (`with_conventions`)."""
    for start in range(0, max(len(rows), 1), chunk):
        part = with_euros(rows.iloc[start : start + chunk], category=True)
        if conventions is not None:
            part = with_conventions(part, *conventions, category=True)
        text = rows_csv(part)
        yield text if start == 0 else text.split("\n", 1)[1]


def rows_json(rows: pd.DataFrame) -> str:
    """The rows as a JSON array of objects, one per row (`pd.read_json` reads it as rows):
    counts and cents as numbers, amounts as the two-decimal text beside their cents, exact
    decimals (Decimal) as numbers, and null for a missing value (None, NaN, NA, or an
    empty text cell)."""
    return records_json(rows)
