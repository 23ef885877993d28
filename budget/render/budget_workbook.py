"""`budget tables -o FILE.xlsx` and `budget round -o FILE.xlsx`: one sheet per chapter,
its article tables with live totals.

The amounts are the printed thousands (whole numbers); every row with sub-rows and every
Total is a SUM formula of the cells it adds up, cached with the printed value, so the
sheet adds up as the terminal table does and follows any change made in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from budget.render.workbook import styles
from budget.render.workbook.save import save_atomically
from budget.render.workbook.sheet import (
    Book,
    Formula,
    Sheet,
    column_letter,
    finish_sheet,
    header_row,
)
from budget.reports.budget_round import BudgetRound
from budget.reports.budget_tables import ArticleTable, BudgetTables, TableRow

WHOLE = styles.Look(number_format='#,##0;-#,##0;"-"')
WHOLE_BOLD = styles.Look(styles.BOLD, number_format='#,##0;-#,##0;"-"')


def tables_book(report: BudgetTables) -> Book:
    book = Book(creator="budget", title=report.scenario, currency=report.currency)
    chapters: dict[str, list[ArticleTable]] = {}
    for table in report.tables:
        chapters.setdefault(table.chapter, []).append(table)
    for chapter, tables in chapters.items():
        name = "".join(c for c in f"Chapter {chapter}" if c not in "[]:*?/\\")[:31]
        sheet = book.add_sheet(name)
        sheet.text(1, 1, f"{report.scenario}: budgettaire gevolgen van beleid", styles.TITLE_LOOK)
        sheet.text(
            2,
            1,
            f"Budget year {report.budget_year}, x {report.currency} 1,000; legally "
            f"committed as of {report.as_of.isoformat()}",
            styles.NOTE_LOOK,
        )
        row = 4
        for table in tables:
            labels = report.labels or tuple(map(str, report.years))
            row = _article(sheet, table, labels, row, labels[1]) + 2
        sheet.widths[1] = 40
        finish_sheet(sheet, freeze="B4")
    return book


def _article(sheet: Sheet, table: ArticleTable, years: Sequence[str], top: int, t: str) -> int:
    sheet.text(
        top, 1, f"{table.chapter} {table.funder_name}, article {table.article}", styles.BOLD_LOOK
    )
    header_row(sheet, top + 1, ["", *years, "Total"], right_from=1)
    rows = table.printed()
    at = {id(r): top + 2 + i for i, r in enumerate(rows)}
    last_year = 1 + len(years)
    for i, row in enumerate(rows):
        r = top + 2 + i
        sheet.text(
            r,
            1,
            "  " * row.level + row.label,
            styles.BOLD_LOOK if row.level == 0 else styles.TEXT_LOOK,
        )
        children = _children(rows, i)
        for y, shown in enumerate(row.shown):
            column = 2 + y
            if children:
                refs = ",".join(f"{column_letter(column)}{at[id(c)]}" for c in children)
                sheet.formula(r, column, Formula(f"=SUM({refs})", shown), WHOLE)
            else:
                sheet.number(r, column, shown, WHOLE)
        span = f"B{r}:{column_letter(last_year)}{r}"
        sheet.formula(r, last_year + 1, Formula(f"=SUM({span})", row.total), WHOLE_BOLD)
    end = top + 2 + len(rows)
    sheet.text(
        end,
        1,
        f"Of which legally committed in {t}: {table.percentage}",
        styles.NOTE_LOOK,
    )
    return end


def _children(rows: list[TableRow], index: int) -> list[TableRow]:
    """The direct sub-rows of rows[index]: of the rows beneath it (up to the next row at
    its level or above), those at the nearest level."""
    level = rows[index].level
    block: list[TableRow] = []
    for row in rows[index + 1 :]:
        if row.level <= level:
            break
        block.append(row)
    nearest = min((r.level for r in block), default=0)
    return [r for r in block if r.level == nearest]


def write_tables_workbook(
    report: BudgetTables, path: str, inputs: Sequence[Path], extra: Sequence[Any] = ()
) -> None:
    """extra: writers `(book) -> None` of sheets to add last (the Pending sheet, issue 23)."""
    book = tables_book(report)
    for add_sheet in extra:
        add_sheet(book)
    save_atomically(book, path, inputs)


def round_book(report: BudgetRound) -> Book:
    """`budget round -o FILE.xlsx`: one sheet per chapter, the RBV 2.15 table of each
    article; each stand after the first is a live sum of the stand before and the
    mutations, and a line's mutation cells add up the mutation rows beneath it."""
    book = Book(creator="budget", title=report.versions[-1].label, currency=report.currency)
    heads = [f"({report.versions[0].column})"]
    for version in report.versions[1:]:
        heads += [f"({version.column - 1})", f"({version.column})"]
    heads += list((report.labels or tuple(map(str, report.years)))[2:])
    sheets: dict[str, Sheet] = {}
    rows: dict[str, int] = {}
    article: tuple[str, str] | None = None
    last = len(report.versions) - 1
    for line in report.lines:
        sheet = sheets.get(line.chapter)
        if sheet is None:
            name = "".join(c for c in f"Chapter {line.chapter}" if c not in "[]:*?/\\")[:31]
            sheet = sheets[line.chapter] = book.add_sheet(name)
            sheet.text(1, 1, f"Budget round {report.budget_year}", styles.TITLE_LOOK)
            sheet.text(
                2,
                1,
                " -> ".join(f"{v.label} ({v.stage})" for v in report.versions)
                + f"; x {report.currency} 1,000",
                styles.NOTE_LOOK,
            )
            sheet.widths[1] = 40
            rows[line.chapter] = 4
            finish_sheet(sheet, freeze="B4")
        r = rows[line.chapter]
        if (line.funder, line.article) != article:
            article = (line.funder, line.article)
            r += 1
            sheet.text(
                r, 1, f"{line.chapter} {line.funder_name}, article {line.article}", styles.BOLD_LOOK
            )
            header_row(sheet, r + 1, ["", *heads], right_from=1)
            r += 2
        subs = line.mutation_rows()
        top = r
        sheet.text(top, 1, line.label, styles.BOLD_LOOK)
        for k, sub in enumerate(subs, 1):
            sheet.text(top + k, 1, "  " + sub.label)
        below = range(top + 1, top + 1 + len(subs))
        sheet.number(top, 2, line.shown[0][1], WHOLE)
        column = 3
        for i in range(1, len(report.versions)):
            value = line.shown[i][1] - line.shown[i - 1][1]
            _sum_or_number(sheet, top, column, value, below)
            for k, sub in enumerate(subs, 1):
                if i in sub.shown:
                    sheet.number(top + k, column, sub.shown[i][1], WHOLE)
            before = column_letter(column - 1)
            here = column_letter(column)
            sheet.formula(
                top, column + 1, Formula(f"={before}{top}+{here}{top}", line.shown[i][1]), WHOLE
            )
            column += 2
        for y in range(2, len(report.years)):
            value = line.shown[last][y] - line.shown[last - 1][y] if last else 0
            _sum_or_number(sheet, top, column, value, below)
            for k, sub in enumerate(subs, 1):
                if last in sub.shown:
                    sheet.number(top + k, column, sub.shown[last][y], WHOLE)
            column += 1
        rows[line.chapter] = top + len(subs) + 1
    return book


def _sum_or_number(sheet: Sheet, row: int, column: int, value: int, below: range) -> None:
    if below:
        letter = column_letter(column)
        expression = f"=SUM({letter}{below.start}:{letter}{below.stop - 1})"
        sheet.formula(row, column, Formula(expression, value), WHOLE)
    else:
        sheet.number(row, column, value, WHOLE)


def write_round_workbook(report: BudgetRound, path: str, inputs: Sequence[Path]) -> None:
    save_atomically(round_book(report), path, inputs)
