"""Text renderings for the terminal: overview tables, tidy rows as CSV and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd

from budget.csvtext import frame_csv
from budget.money import format_euros, format_euros_grouped
from budget.overview import Overview


def overview_text(table: Overview, title: str) -> str:
    """An aligned text table: funders with their commitments beneath, totals last."""
    header = ["", *table.columns]
    lines: list[list[str]] = []
    for row in table.rows:
        label = (
            f"  {row.item}"
            if row.level == "item"
            else (f"  {row.group} total" if row.level == "subtotal" else row.label)
        )
        lines.append([label, *(amount_text(c) for c in row.cents)])
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
            body.append(f"{group}: {table.names.get(group, group)}")
        body.append(fmt(cells))
        if row.level == "subtotal":
            body.append("")
    return "\n".join([title, fmt(header), rule, *body])


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
    rows: pd.DataFrame, cents_columns: tuple[str, ...] = ("amount_cents",)
) -> pd.DataFrame:
    """The rows with a euro column (two decimals, as text) before each *_cents column."""
    out = rows.copy()
    for column in cents_columns:
        euros = column.removesuffix("_cents")
        position = out.columns.get_loc(column)
        assert isinstance(position, int)
        out.insert(position, euros, [format_euros(int(c)) for c in out[column]])
    return out


def rows_csv(rows: pd.DataFrame, flavour: str = "csv") -> str:
    """The rows as CSV: "csv" (exact, for tools) or "excel-csv" (see budget.csvtext)."""
    return frame_csv(rows, flavour)


def rows_csv_chunks(rows: pd.DataFrame, chunk: int = 10_000) -> Iterator[str]:
    """The tidy rows with euros, as `budget run --format csv` prints them, a chunk of rows at
    a time (for files too large to build as one string)."""
    for start in range(0, max(len(rows), 1), chunk):
        text = rows_csv(with_euros(rows.iloc[start : start + chunk]))
        yield text if start == 0 else text.split("\n", 1)[1]


def rows_json(rows: pd.DataFrame) -> str:
    records = [
        {
            k: (int(v) if hasattr(v, "item") and not isinstance(v, str) else v)
            for k, v in zip(rows.columns, values, strict=True)
        }
        for values in rows.itertuples(index=False, name=None)
    ]
    return json.dumps(records, indent=1, ensure_ascii=False) + "\n"
