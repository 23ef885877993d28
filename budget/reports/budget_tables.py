"""RBV model 1.33d, "Budgettaire gevolgen van beleid": per chapter and article.

For budget year T, the years T-1 .. T+4 in thousands: Verplichtingen (the commitment
basis), Uitgaven (cash) split by article part (where given), instrument and scheme, and
Ontvangsten (rows of the basis "receipts", 0 without any); and the part of year T's
Uitgaven that is legally committed on the reference date. Rounded by
`budget.reports.thousands`, so every table adds up as printed. The open-data rows hold the
leaves (article part, instrument, scheme) and the article totals, exact in cents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from budget.core.lines import INSTRUMENTS, NO_ARTICLE, NO_INSTRUMENT, BudgetLine, closest_instrument
from budget.core.model import Basis, Scenario
from budget.core.money import round_half_away
from budget.reports.overview import Overview, Row, overview
from budget.reports.thousands import sub_rows, top_row

RECEIPTS = "receipts"
# V, U, O: the bases as the Ministry of Finance's open data name them.
VUO: tuple[tuple[str, str, str], ...] = (
    ("V", str(Basis.COMMITMENT), "Verplichtingen"),
    ("U", str(Basis.CASH), "Uitgaven"),
    ("O", RECEIPTS, "Ontvangsten"),
)
YEARS_BEFORE, YEARS_AFTER = 1, 4
NO_LINE = BudgetLine()


@dataclass(frozen=True, slots=True)
class TableRow:
    """One printed row: level 0 the V/U/O row, 1 article part, 2 instrument, 3 scheme.

    cents: exact per year; shown: in thousands per year (adding up to the parent's);
    total: the sum of `shown`; leaf: a row of the open data (no sub-rows of its own).
    """

    level: int
    label: str
    vuo: str
    article_part: str
    instrument: str
    scheme: str
    cents: tuple[int, ...]
    shown: tuple[int, ...]
    leaf: bool

    @property
    def total(self) -> int:
        return sum(self.shown)


@dataclass(frozen=True, slots=True)
class ArticleTable:
    """The table of one funder (chapter) and article.

    rows: V, U (with its sub-rows) and O, in print order, plus the V and O leaves
    (not printed: `printed` is False for them); legally_committed: cents of year T's
    Uitgaven legally committed on the reference date; cash_t: year T's Uitgaven.
    """

    funder: str
    funder_name: str
    chapter: str
    article: str
    rows: tuple[TableRow, ...]
    legally_committed: int
    cash_t: int

    @property
    def percentage(self) -> str:
        """The legally committed share of year T's Uitgaven, two decimals ("-" for none)."""
        if self.cash_t == 0:
            return "-"
        hundredths = round_half_away(self.legally_committed * 10_000, self.cash_t)
        sign = "-" if hundredths < 0 else ""
        return f"{sign}{abs(hundredths) // 100}.{abs(hundredths) % 100:02d}%"

    def printed(self) -> list[TableRow]:
        return [r for r in self.rows if r.level == 0 or r.vuo == "U"]


@dataclass(frozen=True, slots=True)
class BudgetTables:
    """Every article table of a scenario for budget year T."""

    scenario: str
    budget_year: int
    as_of: dt.date
    years: tuple[int, ...]
    currency: str
    tables: tuple[ArticleTable, ...]
    warnings: tuple[str, ...]
    labels: tuple[str, ...] = ()  # the years as the scenario names them (year_label)


def chapter_of(scenario: Scenario, funder: str) -> str:
    """A funder's chapter, or its key when it has none."""
    found = scenario.funders.get(funder)
    return (found.chapter if found is not None else "") or funder


def instrument_warnings(scenario: Scenario) -> list[str]:
    """One warning per commitment whose instrument is not one of the RBV's."""
    out = []
    for c in scenario.commitments:
        line = scenario.budget_lines.get(c.id)
        if line is None or not line.instrument or line.instrument in INSTRUMENTS:
            continue
        file = c.field_origins.get("instrument", c.origin)
        out.append(
            f"warning: {file}: commitment {c.id!r}, field 'instrument': {line.instrument!r} "
            f"is not an instrument of the RBV (hint: did you mean "
            f"{closest_instrument(line.instrument)!r}?)"
        )
    return out


def line_frame(scenario: Scenario, rows: pd.DataFrame) -> pd.DataFrame:
    """The tidy rows with each commitment's budget line beside them (article, article_part,
    instrument, scheme: the scheme defaults to the recipient's key)."""
    frame = rows.copy()
    for name in ("commitment", "funder", "basis", "recipient"):
        frame[name] = frame[name].astype(str)
    lines = {c.id: scenario.budget_lines.get(c.id, NO_LINE) for c in scenario.commitments}
    ids = frame["commitment"]
    frame["article"] = ids.map(lambda i: lines.get(i, NO_LINE).article or NO_ARTICLE)
    frame["article_part"] = ids.map(lambda i: lines.get(i, NO_LINE).article_part)
    frame["instrument"] = ids.map(lambda i: lines.get(i, NO_LINE).instrument or NO_INSTRUMENT)
    scheme = ids.map(lambda i: lines.get(i, NO_LINE).scheme)
    frame["scheme"] = scheme.where(scheme != "", frame["recipient"])
    return frame


def budget_tables(
    scenario: Scenario, rows: pd.DataFrame, year: int | None = None, as_of: dt.date | None = None
) -> BudgetTables:
    """The report of `budget tables` from the scenario's tidy rows (cash shifts applied)."""
    t = (scenario.budget_year or scenario.first_year) if year is None else year
    day = scenario.calendar.start_of(t) if as_of is None else as_of
    years = tuple(range(t - YEARS_BEFORE, t + YEARS_AFTER + 1))
    frame = line_frame(scenario, rows)
    frame = frame[frame["year"].isin(years)]
    committed = {c for c, line in scenario.budget_lines.items() if line.committed_by(day)}
    committed -= {c.id for c in scenario.commitments if c.pending is not None}  # issue 23
    tables: list[ArticleTable] = []
    funders = [f for f in scenario.funders if f in set(frame["funder"])]
    for funder in funders:
        mine = frame[frame["funder"] == funder]
        for article in _ordered(mine["article"]):
            part = mine[mine["article"] == article]
            cash_t = part[(part["basis"] == Basis.CASH) & (part["year"] == t)]
            legally = int(cash_t.loc[cash_t["commitment"].isin(committed), "amount_cents"].sum())
            tables.append(
                ArticleTable(
                    funder,
                    scenario.funders[funder].name,
                    chapter_of(scenario, funder),
                    article,
                    tuple(_rows(part, years)),
                    legally,
                    int(cash_t["amount_cents"].sum()),
                )
            )
    return BudgetTables(
        scenario.name,
        t,
        day,
        years,
        scenario.currency,
        tuple(tables),
        tuple(instrument_warnings(scenario)),
        tuple(scenario.label(y) for y in years),
    )


def _ordered(values: Iterable[str]) -> list[str]:
    """Articles in order of first appearance, "(no article)" last."""
    seen = list(dict.fromkeys(values))
    return [v for v in seen if v != NO_ARTICLE] + [v for v in seen if v == NO_ARTICLE]


def _by_year(frame: pd.DataFrame, years: tuple[int, ...]) -> tuple[int, ...]:
    sums = frame.groupby("year")["amount_cents"].sum()
    return tuple(int(sums.get(y, 0)) for y in years)


def _rows(part: pd.DataFrame, years: tuple[int, ...]) -> list[TableRow]:
    out: list[TableRow] = []
    with_parts = bool((part["article_part"] != "").any())
    for vuo, basis, label in VUO:
        rows = part[part["basis"] == basis]
        cents = _by_year(rows, years)
        shown = top_row(cents)
        out.append(TableRow(0, label, vuo, "", "", "", cents, tuple(shown), False))
        out.extend(_children(rows, years, shown, vuo, with_parts))
    return out


def _children(
    rows: pd.DataFrame, years: tuple[int, ...], shown: list[int], vuo: str, with_parts: bool
) -> list[TableRow]:
    """The sub-rows of a V/U/O row: article parts (when any is given), instruments,
    schemes; the leaves are the schemes."""
    out: list[TableRow] = []

    def level(
        frame: pd.DataFrame, parent: list[int], depth: int, part_key: str, instrument: str
    ) -> None:
        if depth == 1 and not with_parts:
            level(frame, parent, 2, "", "")
            return
        column = ("article_part", "instrument", "scheme")[depth - 1]
        names = list(dict.fromkeys(frame[column]))
        groups = [frame[frame[column] == n] for n in names]
        cents = [_by_year(g, years) for g in groups]
        printed = sub_rows(parent, cents)
        for name, group, exact, show in zip(names, groups, cents, printed, strict=True):
            key = name if depth == 1 else part_key
            used = name if depth == 2 else instrument
            scheme = name if depth == 3 else ""
            label = (name or "(no article part)") if depth == 1 else name
            out.append(
                TableRow(depth, label, vuo, key, used, scheme, exact, tuple(show), depth == 3)
            )
            if depth < 3:
                level(group, show, depth + 1, key, used)

    if not rows.empty:
        level(rows, shown, 1, "", "")
    return out


def has_articles(scenario: Scenario) -> bool:
    """Whether any commitment of the scenario names its budget article."""
    return any(line.article for line in scenario.budget_lines.values())


def article_overview(
    rows: pd.DataFrame, scenario: Scenario, basis: str, columns: Sequence[str] | None = None
) -> Overview:
    """The overview of one basis grouped by funder (chapter) and article: one group per
    funder and article, in the funders' order and the articles' order of first appearance
    ("(no article)" last), its commitments in the scenario's order, then a subtotal; the
    total over all. A group's key is "FUNDER|ARTICLE"; its items carry the funder."""
    plain = overview(rows, scenario, basis, "funder", columns)
    lines = {c.id: scenario.budget_lines.get(c.id, NO_LINE) for c in scenario.commitments}
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in plain.rows:
        if row.level == "item":
            article = lines.get(row.item, NO_LINE).article or NO_ARTICLE
            groups.setdefault((row.group, article), []).append(row)
    out: list[Row] = []
    names: dict[str, str] = {}
    for funder in dict.fromkeys(f for f, _ in groups):
        articles = _ordered(a for f, a in groups if f == funder)
        for article in articles:
            key = f"{funder}|{article}"
            name = scenario.funders[funder].name if funder in scenario.funders else funder
            shown = f"article {article}" if article != NO_ARTICLE else article
            names[key] = f"{chapter_of(scenario, funder)} {name}, {shown}"
            items = groups[(funder, article)]
            out.extend(Row("item", key, r.item, r.label, r.cents, funder) for r in items)
            subtotal = tuple(sum(col) for col in zip(*(r.cents for r in items), strict=True))
            out.append(
                Row(
                    "subtotal",
                    key,
                    "",
                    f"Total {chapter_of(scenario, funder)} {shown}",
                    subtotal,
                    funder,
                )
            )
    total = next(r for r in plain.rows if r.level == "total")
    out.append(total)
    return Overview(basis, "article", plain.columns, tuple(out), names)
