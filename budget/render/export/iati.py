"""The scenario as IATI 2.03 activities: one `iati-activity` per commitment.

Per commitment: `iati-identifier` `{reporting_org.ref}-{id}`; the reporting organisation;
title (name or id) and a description with the source; each funder as participating-org
role 1 (funding) and the recipient as role 4 (implementing), with `ref` where `iati_ref` is
given; activity status and the planned start and end; a `budget` per fiscal year of the
commitment's span (type 1 original, status 1 indicative; its period the fiscal year's first
and last day, so never longer than a year; its value the commitment's cash that year); a
`planned-disbursement` per fiscal year and funder with cash (type 1, the funder as provider
and the recipient as receiver); and, with actuals, a `transaction` per booking (type 2
outgoing commitment on the commitment basis, type 3 disbursement on the cash basis).

Amounts are written from integer cents with two decimals, never through floats. The file
carries no time stamps, so the same scenario gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.errors import InputError, Problem, where_commitment, where_entry
from budget.core.model import Basis, Commitment, Scenario
from budget.core.money import format_euros
from budget.core.periods import FiscalCalendar
from budget.kinds import KINDS
from budget.kinds.base import spans
from budget.load.publishing import EXAMPLE
from budget.render.export.files import check_file, write_chunks
from budget.render.export.text import attribute, decimal_text, fiscal_period, text, xml_problem

VERSION = "2.03"
LANGUAGE = "en"
# ActivityStatus codes: 1 pipeline/identification, 2 implementation, 3 finalisation.
PIPELINE, IMPLEMENTATION, FINALISATION = "1", "2", "3"
# ActivityDateType codes: 1 planned start, 3 planned end.
PLANNED_START, PLANNED_END = "1", "3"
# TransactionType codes per basis: 2 outgoing commitment, 3 disbursement.
TRANSACTION_TYPES: dict[str, str] = {Basis.COMMITMENT: "2", Basis.CASH: "3"}
# IATI identifiers may not hold white space or any of these (the IATI rules for 2.03).
_NOT_IN_IDENTIFIER = re.compile(r"[\s/&|?]")
ACTUALS_COLUMNS = ("commitment", "funder", "basis", "date", "year", "amount_cents", "reference")


@dataclass(frozen=True, slots=True)
class Export:
    """What an export wrote. skipped: bookings of actuals without a commitment here."""

    activities: int
    skipped: int = 0


def write_iati(
    scenario: Scenario,
    rows: pd.DataFrame,
    path: str,
    inputs: list[str],
    actuals: pd.DataFrame | None = None,
    as_of: dt.date | None = None,
) -> Export:
    """Write the activities file atomically; InputError when the scenario cannot be
    published (no reporting_org, text XML cannot hold, ...) or the target is refused."""
    target = check_file(path, inputs, "choose another output file, e.g. activities.xml")
    problems = iati_problems(scenario, actuals)
    if problems:
        raise InputError(problems)
    chunks, skipped = activities_xml(scenario, rows, actuals, as_of)
    write_chunks(target, chunks)
    return Export(len(scenario.commitments), skipped)


def iati_problems(scenario: Scenario, actuals: pd.DataFrame | None = None) -> list[Problem]:
    """Everything that stops the scenario from being published as IATI activities."""
    problems: list[Problem] = []
    main = scenario.path
    org = scenario.reporting_org
    head = "[scenario] field 'reporting_org'"
    if org is None:
        problems.append(
            Problem(
                main,
                head,
                "is missing; an IATI file names the organisation that publishes it",
                f"add to [scenario]: {EXAMPLE}",
            )
        )
    else:
        for name in ("ref", "name"):
            _check(problems, getattr(org, name), main, f"{head}, {name}")
        if _NOT_IN_IDENTIFIER.search(org.ref):
            problems.append(
                Problem(
                    main,
                    head,
                    f"ref {org.ref!r} cannot begin an IATI identifier",
                    "IATI identifiers hold no spaces and none of / & | ?",
                )
            )
    funders = {key for c in scenario.commitments for key, _ in c.funders}
    for key in funders:
        funder = scenario.funders[key]
        for name in ("name", "iati_ref"):
            _check(problems, getattr(funder, name), main, where_entry("funder", key, name))
    for key in {c.recipient for c in scenario.commitments}:
        recipient = scenario.recipients[key]
        for name in ("name", "iati_ref"):
            where = where_entry("recipient", key, name)
            _check(problems, getattr(recipient, name), recipient.origin or main, where)
    for c in scenario.commitments:
        file = c.origin or main
        if _NOT_IN_IDENTIFIER.search(c.id):
            problems.append(
                Problem(
                    file,
                    where_commitment(c.id, "id"),
                    "cannot be part of an IATI identifier",
                    "IATI identifiers hold no spaces and none of / & | ?",
                )
            )
        _check(problems, c.id, file, where_commitment(c.id, "id"))
        for name in ("name", "source"):
            origin = c.field_origins.get(name, file)
            _check(problems, getattr(c, name), origin, where_commitment(c.id, name))
    if actuals is not None:
        for i, reference in enumerate(actuals["reference"].astype(str)):
            _check(problems, reference, main, f"actuals booking {i + 1}, field 'reference'")
    return problems


def _check(problems: list[Problem], value: str, file: str, where: str) -> None:
    problem = xml_problem(value, file, where)
    if problem is not None:
        problems.append(problem)


def activities_xml(
    scenario: Scenario,
    rows: pd.DataFrame,
    actuals: pd.DataFrame | None = None,
    as_of: dt.date | None = None,
) -> tuple[Iterator[str], int]:
    """The file as text chunks (one per activity), and how many bookings had no activity.

    Call `iati_problems` first: this assumes a reporting_org and text that XML can hold.
    The budget and planned-disbursement elements are made for all commitments at once and
    cut per commitment by offsets; the names of organisations are escaped once each.
    """
    org = scenario.reporting_org
    assert org is not None, "iati_problems reports a missing reporting_org"
    ids = [c.id for c in scenario.commitments]
    cash = rows[rows["basis"] == Basis.CASH]
    position = _positions(cash["commitment"], ids)
    years = _years(scenario.calendar, rows, actuals)
    currency = scenario.currency
    budgets, budget_at = _budgets(position, cash, years, currency, len(ids))
    parties = _Parties(scenario)
    planned, planned_at = _disbursements(position, cash, years, currency, parties, len(ids))
    transactions, skipped = _transactions(scenario, actuals, parties)
    reporting = (
        f'    <reporting-org ref="{attribute(org.ref)}" type="{org.type}">'
        f"<narrative>{text(org.name)}</narrative></reporting-org>\n"
    )
    prefix = text(org.ref)

    def chunks() -> Iterator[str]:
        yield f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{VERSION}">\n'
        for i, c in enumerate(scenario.commitments):
            start, end = planned_dates(c, scenario.calendar)
            yield "".join(
                [
                    f'  <iati-activity xml:lang="{LANGUAGE}" default-currency="{currency}">\n'
                    f"    <iati-identifier>{prefix}-{text(c.id)}</iati-identifier>\n",
                    reporting,
                    f"    <title><narrative>{text(c.title)}</narrative></title>\n"
                    f'    <description type="1"><narrative>{text(description(scenario, c))}'
                    "</narrative></description>\n",
                    *(parties.funding[key] for key, _ in c.funders),
                    parties.implementing[c.recipient],
                    f'    <activity-status code="{status(start, end, as_of)}"/>\n'
                    f'    <activity-date type="{PLANNED_START}" iso-date="{start.isoformat()}"/>\n'
                    f'    <activity-date type="{PLANNED_END}" iso-date="{end.isoformat()}"/>\n',
                    *budgets[budget_at[i] : budget_at[i + 1]],
                    *planned[planned_at[i] : planned_at[i + 1]],
                    *transactions.get(c.id, ()),
                    "  </iati-activity>\n",
                ]
            )
        yield "</iati-activities>\n"

    return chunks(), skipped


class _Parties:
    """The organisations' XML, escaped once: participating-org elements per funder (role 1)
    and recipient (role 4), and the inside of provider-org and receiver-org elements."""

    def __init__(self, scenario: Scenario) -> None:
        self.funding: dict[str, str] = {}
        self.provider: dict[str, str] = {}
        for key, f in scenario.funders.items():
            self.funding[key] = _participating(f.iati_ref, f.name, "1")
            self.provider[key] = _org(f.iati_ref, f.name)
        self.implementing: dict[str, str] = {}
        self.receiver: dict[str, str] = {}
        for key, r in scenario.recipients.items():
            self.implementing[key] = _participating(r.iati_ref, r.name, "4")
            self.receiver[key] = _org(r.iati_ref, r.name)


def _participating(ref: str, name: str, role: str) -> str:
    return (
        f'    <participating-org{_ref(ref)} role="{role}">'
        f"<narrative>{text(name)}</narrative></participating-org>\n"
    )


def _positions(column: pd.Series, ids: list[str]) -> npt.NDArray[np.int64]:
    """Each row's commitment as its position in the scenario."""
    codes = column.cat.codes.to_numpy(np.int64)
    order = {cid: i for i, cid in enumerate(ids)}
    lookup = np.array([order[str(c)] for c in column.cat.categories], dtype=np.int64)
    return lookup[codes]


def _budgets(
    position: npt.NDArray[np.int64],
    cash: pd.DataFrame,
    years: dict[int, tuple[str, str]],
    currency: str,
    count: int,
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """A budget element per commitment and year (the funders' cash added up), in commitment
    and year order, and where each commitment's elements start (count + 1 offsets)."""
    year = cash["year"].to_numpy(np.int64)
    order = np.lexsort((year, position))
    pos, year = position[order], year[order]
    amounts = cash["amount_cents"].to_numpy(np.int64)[order]
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (pos[1:] != pos[:-1]) | (year[1:] != year[:-1])
    starts = np.flatnonzero(new)
    sums = np.add.reduceat(amounts, starts) if len(starts) else amounts[:0]
    lines = [
        f'    <budget type="1" status="1"><period-start iso-date="{years[y][0]}"/>'
        f'<period-end iso-date="{years[y][1]}"/><value currency="{currency}" '
        f'value-date="{years[y][0]}">{amount}</value></budget>\n'
        for y, amount in zip(year[starts].tolist(), decimal_text(sums).tolist(), strict=True)
    ]
    return lines, np.searchsorted(pos[starts], np.arange(count + 1))


def _disbursements(
    position: npt.NDArray[np.int64],
    cash: pd.DataFrame,
    years: dict[int, tuple[str, str]],
    currency: str,
    parties: _Parties,
    count: int,
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """A planned-disbursement per commitment, funder and year with cash (the funder as
    provider, the recipient as receiver), in row order within each commitment."""
    amounts = cash["amount_cents"].to_numpy(np.int64)
    paid = np.flatnonzero(amounts != 0)
    paid = paid[np.argsort(position[paid], kind="stable")]
    funders = _texts(cash["funder"], paid)
    recipients = _texts(cash["recipient"], paid)
    lines = [
        f'    <planned-disbursement type="1"><period-start iso-date="{years[y][0]}"/>'
        f'<period-end iso-date="{years[y][1]}"/><value currency="{currency}" '
        f'value-date="{years[y][0]}">{amount}</value>'
        f"<provider-org{parties.provider[f]}</provider-org>"
        f"<receiver-org{parties.receiver[r]}</receiver-org></planned-disbursement>\n"
        for y, amount, f, r in zip(
            cash["year"].to_numpy(np.int64)[paid].tolist(),
            decimal_text(amounts[paid]).tolist(),
            funders,
            recipients,
            strict=True,
        )
    ]
    return lines, np.searchsorted(position[paid], np.arange(count + 1))


def _texts(column: pd.Series, at: npt.NDArray[np.intp]) -> list[str]:
    """The text of a categorical column at the rows `at`."""
    categories = np.array([str(c) for c in column.cat.categories], dtype=object)
    return list(categories[column.cat.codes.to_numpy(np.int64)[at]])


def _years(
    calendar: FiscalCalendar, rows: pd.DataFrame, actuals: pd.DataFrame | None
) -> dict[int, tuple[str, str]]:
    """Each fiscal year's first and last day, as ISO dates."""
    named = set(rows["year"].unique().tolist())
    if actuals is not None:
        named |= set(actuals["year"].astype(int).unique().tolist())
    return {int(y): fiscal_period(calendar, int(y)) for y in named}


def _transactions(
    scenario: Scenario, actuals: pd.DataFrame | None, parties: _Parties
) -> tuple[dict[str, list[str]], int]:
    """The transaction elements per commitment, in date order; and how many bookings have
    a commitment that is not in the scenario (they have no activity to belong to)."""
    if actuals is None or actuals.empty:
        return {}, 0
    missing = [c for c in ACTUALS_COLUMNS if c not in actuals.columns]
    if missing:
        raise ValueError(f"actuals lack the columns {missing}")
    ids = {c.id for c in scenario.commitments}
    found: dict[str, list[tuple[str, str, str]]] = {}
    skipped = 0
    currency = scenario.currency
    for cid, funder, basis, day, year, cents, reference in zip(
        *(actuals[c].tolist() for c in ACTUALS_COLUMNS), strict=True
    ):
        cid = str(cid)
        if cid not in ids:
            skipped += 1
            continue
        # A booking known only by its fiscal year is dated on the year's last day.
        when = (
            day.isoformat()
            if isinstance(day, dt.date)
            else fiscal_period(scenario.calendar, int(year))[1]
        )
        kind = TRANSACTION_TYPES[str(basis)]
        reference = "" if reference is None or pd.isna(reference) else str(reference)
        key = str(funder)
        provider = parties.provider.get(key) or _org("", key)
        receiver = parties.receiver[scenario.commitment(cid).recipient]
        element = (
            f"    <transaction{_ref(reference)}>"
            f'<transaction-type code="{kind}"/><transaction-date iso-date="{when}"/>'
            f'<value currency="{currency}" value-date="{when}">{format_euros(int(cents))}</value>'
            f"<provider-org{provider}</provider-org>"
            f"<receiver-org{receiver}</receiver-org></transaction>\n"
        )
        found.setdefault(cid, []).append((when, kind, element))
    return {cid: [e for *_, e in sorted(items)] for cid, items in found.items()}, skipped


def _ref(ref: str) -> str:
    return f' ref="{attribute(ref)}"' if ref else ""


def _org(ref: str, name: str) -> str:
    """What follows the tag name of a provider-org or receiver-org: its ref and name."""
    return f"{_ref(ref)}><narrative>{text(name)}</narrative>"


def description(scenario: Scenario, c: Commitment) -> str:
    """One paragraph: what the commitment is, who receives it, its source and assumptions."""
    recipient = scenario.recipients[c.recipient].name
    funders = ", ".join(scenario.funders[key].name for key, _ in c.funders)
    kind = c.kind.replace("_", "-")
    article = "An" if kind[:1] in "aeiou" else "A"
    out = f"{article} {kind} commitment to {recipient}, funded by {funders}."
    if c.source:
        out += f" Source: {c.source}"
        out += "" if c.source.endswith(".") else "."
    if c.assumptions:
        out += " Assumed, not given by the source: " + ", ".join(c.assumptions) + "."
    return out


def planned_dates(c: Commitment, calendar: FiscalCalendar) -> tuple[dt.date, dt.date]:
    """The planned first and last day: a grant's period, else its span's fiscal years."""
    start = getattr(c.spec, "start", None)
    end = getattr(c.spec, "end", None)
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        return start, end - dt.timedelta(days=1)
    first = getattr(c.spec, "first_year", None)
    last = getattr(c.spec, "last_year", None)
    if not isinstance(first, int) or not isinstance(last, int):
        first, last = (int(y) for y in spans(KINDS[c.kind], [c.spec], calendar)[0])
    return calendar.start_of(first), calendar.start_of(last + 1) - dt.timedelta(days=1)


def status(start: dt.date, end: dt.date, as_of: dt.date | None) -> str:
    """Pipeline before the start, finalisation after the end, else implementation; without
    a date to judge by (no `as_of`), implementation."""
    if as_of is None:
        return IMPLEMENTATION
    if as_of < start:
        return PIPELINE
    return FINALISATION if as_of > end else IMPLEMENTATION
