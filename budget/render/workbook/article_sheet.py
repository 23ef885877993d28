"""The "By article" sheet of `budget run -o FILE.xlsx`, for a scenario whose commitments
name their budget article (issue 22): the Overview's amounts grouped by funder (chapter)
and article, one block per basis (cash first), each group's commitments with a live
subtotal, and the total. Like "By recipient", its commitment cells refer to the
Calculation sheet where it is there (so a what-if flows through); the report is
`budget.reports.budget_tables.article_overview`, which this only lays out.
"""

from __future__ import annotations

import pandas as pd

from budget.core.model import Scenario
from budget.render.workbook.overview_sheet import (
    ItemReference,
    _blocks,
    _finish,
    _titles,
    blocks_of,
    refer_items,
)
from budget.render.workbook.sheet import Book
from budget.render.workbook.yeartable import YearLine, YearTablePlacement
from budget.reports.budget_tables import article_overview, has_articles
from budget.reports.overview import Overview, overview_columns

BY_ARTICLE = "By article"


def article_lines(table: Overview) -> list[YearLine]:
    """The grouped overview as year-table lines: each group headed by its chapter, funder
    and article, its commitments, its subtotal; the total."""
    lines: list[YearLine] = []
    group = None
    for row in table.rows:
        amounts = row.cents[:-1]  # without the total column, which is a formula
        if row.level == "item" and row.group != group:
            group = row.group
            lines.append(YearLine("heading", table.names[group], row.funder))
        if row.level == "item":
            lines.append(YearLine("item", row.label, row.item, amounts))
        elif row.level == "subtotal":
            lines.append(YearLine("subtotal", row.label, row.funder, amounts))
        else:
            lines.append(YearLine("total", "Total", "", amounts))
    return lines


def add_article_sheet(
    book: Book, scenario: Scenario, rows: pd.DataFrame, refer: ItemReference | None = None
) -> list[YearTablePlacement]:
    """Add "By article" when any commitment names an article; its placements (cash
    first), none without articles."""
    if not has_articles(scenario):
        return []
    columns = overview_columns(rows, scenario)
    blocks = blocks_of(rows)
    tables = [article_overview(rows, scenario, basis, columns) for basis, _ in blocks]
    lines = [(title, article_lines(t)) for (_, title), t in zip(blocks, tables, strict=True)]
    sheet = book.add_sheet(BY_ARTICLE)
    _titles(
        sheet,
        scenario,
        "commitments by budget chapter and article",
        f"Amounts in {scenario.currency}",
    )
    placements = _blocks(
        sheet, columns, lines, "Chapter, article / commitment", year_name=scenario.label
    )
    for placement, table in zip(placements, tables, strict=True):
        if refer is not None:
            refer_items(sheet, placement, table, refer)
    _finish(sheet, placements)
    return placements
