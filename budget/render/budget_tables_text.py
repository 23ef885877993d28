"""`budget tables`: the RBV 1.33d tables as text, and their open-data rows.

The rows are the Ministry of Finance's open-data layout: one per chapter, article, article
part, instrument, scheme, V/U/O and year, the article totals flagged; the rows that are
not totals add up to the totals exactly in cents.
"""

from __future__ import annotations

import pandas as pd

from budget.core.money import format_euros_grouped
from budget.reports.budget_tables import VUO, BudgetTables

OPEN_DATA_COLUMNS = [
    "budget_year",
    "chapter",
    "article",
    "article_part",
    "instrument",
    "scheme",
    "basis",
    "vuo",
    "year",
    "amount_thousands",
    "amount_cents",
    "article_total",
    "legally_committed_cents",
]
BASIS_OF = {vuo: basis for vuo, basis, _ in VUO}


def tables_text(report: BudgetTables) -> str:
    years = report.labels or tuple(map(str, report.years))
    lines = [
        f"{report.scenario}: budgettaire gevolgen van beleid, budget year {years[1]} "
        f"(x {report.currency} 1,000); legally committed as of {report.as_of.isoformat()}",
    ]
    for table in report.tables:
        rows = table.printed()
        width = max([len("  " * r.level + r.label) for r in rows] + [24])
        head = " " * width + "".join(f"{y:>9}" for y in years) + f"{'total':>9}"
        lines += [
            "",
            f"{table.chapter} {table.funder_name}, article {table.article}",
            head,
            "-" * len(head),
        ]
        for row in rows:
            cells = "".join(f"{v:>9,}" for v in row.shown) + f"{row.total:>9,}"
            lines.append(f"{'  ' * row.level + row.label:<{width}}{cells}")
        lines.append(
            f"Of which legally committed in {years[1]}: "
            f"{format_euros_grouped(table.legally_committed)} of "
            f"{format_euros_grouped(table.cash_t)} = {table.percentage}"
        )
    return "\n".join(lines)


def open_data_rows(report: BudgetTables) -> pd.DataFrame:
    records: list[dict[str, object]] = []
    for table in report.tables:
        for row in table.rows:
            if row.level != 0 and not row.leaf:
                continue
            for i, year in enumerate(report.years):
                total = row.level == 0
                legally = (
                    table.legally_committed
                    if total and row.vuo == "U" and year == report.budget_year
                    else None
                )
                records.append(
                    {
                        "budget_year": report.budget_year,
                        "chapter": table.chapter,
                        "article": table.article,
                        "article_part": row.article_part,
                        "instrument": row.instrument,
                        "scheme": row.scheme,
                        "basis": BASIS_OF[row.vuo],
                        "vuo": row.vuo,
                        "year": year,
                        "amount_thousands": row.shown[i],
                        "amount_cents": row.cents[i],
                        "article_total": total,
                        "legally_committed_cents": legally,
                    }
                )
    frame = pd.DataFrame(records, columns=OPEN_DATA_COLUMNS)
    # Python objects, so that JSON keeps true/false and null (see render.text.rows_json).
    for name in ("article_total", "legally_committed_cents"):
        frame[name] = pd.Series([r[name] for r in records], dtype=object)
    return frame
