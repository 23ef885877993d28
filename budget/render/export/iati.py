"""The scenario as IATI 2.03 activities: one `iati-activity` per commitment.

Per commitment: `iati-identifier` `{reporting_org.ref}-{id}`; the reporting organisation;
title (name or id) and a description with the source; each funder as participating-org
role 1 (funding), the reporting organisation as role 2 (accountable) and 3 (extending),
and the recipient as role 4 (implementing), with `ref` where `iati_ref` is given and
`type` where the organisation type is known (`iati_type`, or the reporting organisation's
own); activity status and the activity dates; the recipient country or region and the
sector (the commitment's own, else the [scenario] default); the activity-wide codes of
`[scenario] iati` (collaboration type, default flow, finance, aid and tied types); a
`budget` per fiscal year of cash (type 1 original, or type 2 revised for a version of
`[scenario] stage = "supplementary"` or `"final"`: its values are the version's whole
stand, never an increment on the original; status 1 indicative; its period the
fiscal year within the activity's dates, so never longer than a year; its value the
commitment's cash that year); a `planned-disbursement` per fiscal year and funder with cash
(type 1, the funder as provider and the recipient as receiver), and one of a negative value
for a settled grant's recovery (receipts basis; the budgets stay the cash planned); and,
with actuals, a `transaction` per booking (type 2 outgoing commitment on the commitment
basis, type 3 disbursement on the cash basis, type 3 of the negated amount on receipts).

The activity's dates: planned start and end are the grant's period (else its span's fiscal
years), widened to hold every fiscal year with cash and every dated booking (a settlement
paid after the period, a payment on the period's exclusive end date); so every budget,
planned disbursement and transaction lies inside them. The actual start is the first
booking's date; the actual end the last booking's, once `as_of` is after the planned end.
A booking known by its fiscal year only is dated on the year's last day within the
activity's dates.

Before anything is written, `iati_problems` checks what the IATI Standard Ruleset would
refuse at error level (a sector, a recipient country or region), every code against the
IATI codelists shipped in budget/data (budget.render.export.codelists) and every
organisation identifier against the registration agencies.

Amounts are written from integer cents with two decimals, never through floats. The only
time stamp is `last-updated-datetime`, taken from `SOURCE_DATE_EPOCH` or `[scenario] iati
= { last_updated = ... }` (else left out), so the same scenario gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.errors import InputError, Problem, where_commitment, where_entry
from budget.core.lines import Stage
from budget.core.model import Basis, Commitment, Scenario
from budget.core.money import format_euros
from budget.core.periods import FiscalCalendar
from budget.engine.realised import default_as_of
from budget.kinds import KINDS
from budget.kinds.base import spans
from budget.load.publishing import EXAMPLE
from budget.render.export.codelists import code_problem, org_id_problem
from budget.render.export.files import check_file, write_chunks
from budget.render.export.text import attribute, decimal_text, fiscal_period, text, xml_problem

VERSION = "2.03"
LANGUAGE = "en"
# ActivityStatus codes: 1 pipeline/identification, 2 implementation, 3 finalisation.
PIPELINE, IMPLEMENTATION, FINALISATION = "1", "2", "3"
# ActivityDateType codes: 1 planned start, 2 actual start, 3 planned end, 4 actual end.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# OrganisationRole codes: 1 funding, 2 accountable, 3 extending, 4 implementing.
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
# `[scenario] iati` keys of activity-wide codes: the element each becomes (in the order
# the schema wants them) and the codelist it is checked against.
ACTIVITY_CODES: tuple[tuple[str, str, str], ...] = (
    ("collaboration_type", "collaboration-type", "CollaborationType"),
    ("flow_type", "default-flow-type", "FlowType"),
    ("finance_type", "default-finance-type", "FinanceType"),
    ("aid_type", "default-aid-type", "AidType"),
    ("tied_status", "default-tied-status", "TiedStatus"),
)
IATI_KEYS = (*(key for key, _, _ in ACTIVITY_CODES), "last_updated")
IATI_EXAMPLE = (
    'iati = { collaboration_type = "1", flow_type = "10", finance_type = "110", '
    'aid_type = "C01", tied_status = "5" }'
)
# Sector vocabularies taken, with their codelists: 1 OECD DAC 5-digit, 2 OECD DAC 3-digit.
SECTOR_VOCABULARIES = {"1": "Sector", "2": "SectorCategory"}
SECTOR_HINT = 'an OECD DAC 5-digit purpose code, e.g. sector = "15160" (human rights)'
RECIPIENT_HINT = (
    'e.g. recipient_country = "NL" (ISO 3166-1 alpha-2) or recipient_region = "998" '
    "(developing countries, unspecified)"
)
# BudgetType codes: 1 original, 2 revised; the stages whose budgets revise the original.
ORIGINAL, REVISED = "1", "2"
REVISED_STAGES = frozenset({Stage.SUPPLEMENTARY, Stage.FINAL})
# TransactionType codes per basis: 2 outgoing commitment, 3 disbursement; money received
# back (receipts) is a disbursement of the negated amount.
TRANSACTION_TYPES: dict[str, str] = {Basis.COMMITMENT: "2", Basis.CASH: "3", Basis.RECEIPTS: "3"}
# IATI identifiers may not hold white space or any of these (the IATI rules for 2.03).
_NOT_IN_IDENTIFIER = re.compile(r"[\s/&|?]")
ACTUALS_COLUMNS = ("commitment", "funder", "basis", "date", "year", "amount_cents", "reference")


@dataclass(frozen=True, slots=True)
class Export:
    """What an export wrote. skipped: bookings of actuals without a commitment here."""

    activities: int
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class Place:
    """What an activity is about and where: its sector (vocabulary, code) and its recipient
    (element name "recipient-country" or "recipient-region", code)."""

    sector: tuple[str, str]
    recipient: tuple[str, str]


def write_iati(
    scenario: Scenario,
    rows: pd.DataFrame,
    path: str,
    inputs: list[str],
    actuals: pd.DataFrame | None = None,
    as_of: dt.date | None = None,
    original: pd.DataFrame | None = None,
) -> Export:
    """Write the activities file atomically; InputError when the scenario cannot be
    published (no reporting_org, text XML cannot hold, ...) or the target is refused.
    original: for a revised version, the tidy rows of the version it revises, whose cash
    gives the original budgets (type 1) beside the revised ones."""
    target = check_file(path, inputs, "choose another output file, e.g. activities.xml")
    problems, where = _problems_and_places(scenario, actuals)
    if problems:
        raise InputError(problems)
    updated, _ = last_updated(scenario)
    chunks, skipped = activities_xml(scenario, rows, actuals, as_of, updated, original, where)
    write_chunks(target, chunks)
    return Export(len(scenario.commitments), skipped)


def iati_problems(
    scenario: Scenario, actuals: pd.DataFrame | None = None, today: dt.date | None = None
) -> list[Problem]:
    """Everything that stops the scenario from being published as IATI activities
    (`today`: the date the Ruleset's "not in the future" rules judge by; default today)."""
    return _problems_and_places(scenario, actuals, today)[0]


def _problems_and_places(
    scenario: Scenario, actuals: pd.DataFrame | None = None, today: dt.date | None = None
) -> tuple[list[Problem], list[Place | None]]:
    """`iati_problems`, and each commitment's `places` (worked out once for both)."""
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
        if not _NOT_IN_IDENTIFIER.search(org.ref):
            _check_org_id(problems, org.ref, main, f"{head}, ref")
        else:
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
        _check_org_id(problems, funder.iati_ref, main, where_entry("funder", key, "iati_ref"))
    for key in {c.recipient for c in scenario.commitments}:
        recipient = scenario.recipients[key]
        for name in ("name", "iati_ref"):
            where = where_entry("recipient", key, name)
            _check(problems, getattr(recipient, name), recipient.origin or main, where)
        where = where_entry("recipient", key, "iati_ref")
        file = recipient.field_origins.get("iati_ref", recipient.origin or main)
        _check_org_id(problems, recipient.iati_ref, file, where)
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
    located = places(scenario, problems)
    activity_codes(scenario, problems)
    # an ISO 4217 code that the IATI Currency codelist does not (yet) hold (XCG, ZWG, ...)
    where = "[scenario] field 'currency'"
    hint = "IATI's Currency codelist lags ISO 4217: publish this one in a currency it holds"
    _checked_code(problems, scenario.currency, "Currency", main, where, hint)
    stamp, problem = last_updated(scenario)
    if problem is not None:
        problems.append(problem)
    problems.extend(_future(scenario, actuals, stamp, today))
    return problems, located


def _future(
    scenario: Scenario, actuals: pd.DataFrame | None, stamp: str | None, today: dt.date | None
) -> list[Problem]:
    """Dates after today, which the Standard Ruleset refuses: a booking's (11.2.1, a
    transaction dated in the future) and last-updated-datetime's (11.1.1)."""
    today = dt.datetime.now(dt.UTC).date() if today is None else today
    found: list[Problem] = []
    if stamp is not None and dt.date.fromisoformat(stamp[:10]) > today:
        where = "SOURCE_DATE_EPOCH" if os.environ.get("SOURCE_DATE_EPOCH") else scenario.path
        found.append(
            Problem(
                where,
                "" if where == "SOURCE_DATE_EPOCH" else "[scenario] field 'iati', last_updated",
                f"{stamp} is after today; the IATI Standard Ruleset refuses a last-updated "
                "date in the future (rule 11.1.1)",
                "give the date the data was last changed",
            )
        )
    if actuals is None or actuals.empty or "date" not in actuals.columns:
        return found
    ids = {c.id for c in scenario.commitments}
    files = actuals["file"].astype(str).tolist() if "file" in actuals.columns else None
    rows = actuals["row"].tolist() if "row" in actuals.columns else None
    commitments = actuals["commitment"].astype(str)
    for i, (cid, day) in enumerate(zip(commitments, actuals["date"], strict=True)):
        if cid in ids and isinstance(day, dt.date) and day > today:
            file = files[i] if files else scenario.path
            where = f"row {rows[i]}, field 'date'" if rows else f"actuals booking {i + 1}"
            found.append(
                Problem(
                    file,
                    where,
                    f"{day.isoformat()} is after today; the IATI Standard Ruleset refuses a "
                    "transaction dated in the future (rule 11.2.1)",
                    "export once the booking is made, or correct its date",
                )
            )
    return found


def _check_org_id(problems: list[Problem], ref: str, file: str, where: str) -> None:
    found = org_id_problem(ref) if ref else None
    if found is not None:
        problems.append(Problem(file, where, *found))


def _code(value: object) -> str | None:
    """A code as written: text (stripped), or a whole number as its digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _checked_code(
    problems: list[Problem], value: object, codelist: str, file: str, where: str, hint: str = ""
) -> str | None:
    """The code in `value` when it is on `codelist`, else None and a problem."""
    code = _code(value)
    if code is None:
        problems.append(
            Problem(file, where, f"{value!r} is not a code", hint or "write it as text")
        )
        return None
    found = code_problem(codelist, code)
    if found is not None:
        message, listed = found
        problems.append(Problem(file, where, message, hint or listed))
        return None
    return code


def places(scenario: Scenario, problems: list[Problem]) -> list[Place | None]:
    """Each commitment's sector and recipient country or region (its own fields, else the
    [scenario] defaults), checked against the codelists; None where one is missing or
    wrong (a problem is added). A field missing from every commitment and from [scenario]
    is one problem, at [scenario]."""
    defaults = scenario.export_fields
    main = scenario.path

    def default(name: str) -> tuple[object, str, str] | None:
        if name not in defaults:
            return None
        value, file = defaults[name]
        return value, file, f"[scenario] field {name!r}"

    found: list[Place | None] = []
    lacking: dict[str, list[Commitment]] = {"sector": [], "recipient": []}
    checked: dict[tuple[str, object, str], str | None] = {}

    def check(value: object, codelist: str, file: str, where: str, hint: str = "") -> str | None:
        key = (where if where.startswith("[scenario]") else "", value, codelist)
        if key[0] and key in checked:
            return checked[key]
        checked[key] = code = _checked_code(problems, value, codelist, file, where, hint)
        return code

    for c in scenario.commitments:
        file = c.origin or main

        def given(name: str, c: Commitment = c, file: str = file) -> tuple[object, str, str] | None:
            if name in c.raw:
                origin = c.field_origins.get(name, file)
                return c.raw[name], origin, where_commitment(c.id, name)
            return default(name)

        sector = given("sector")
        vocabulary = given("sector_vocabulary")
        vocab = "1"
        if vocabulary is not None:
            vocab = _code(vocabulary[0]) or ""
            seen = ("vocabulary", vocabulary[2], "")
            if vocab not in SECTOR_VOCABULARIES and seen in checked:
                vocab = ""
            elif vocab not in SECTOR_VOCABULARIES:
                checked[seen] = None
                problems.append(
                    Problem(
                        vocabulary[1],
                        vocabulary[2],
                        f"{vocabulary[0]!r} is not a sector vocabulary taken here",
                        'use "1" (OECD DAC 5-digit) or "2" (OECD DAC 3-digit)',
                    )
                )
                vocab = ""
        sector_code = None
        if sector is None:
            lacking["sector"].append(c)
        elif vocab:
            hint = SECTOR_HINT if vocab == "1" else 'an OECD DAC 3-digit code, e.g. "151"'
            sector_code = check(sector[0], SECTOR_VOCABULARIES[vocab], sector[1], sector[2], hint)
        own = [n for n in ("recipient_country", "recipient_region") if n in c.raw]
        names = own or [n for n in ("recipient_country", "recipient_region") if n in defaults]
        recipient = None
        if not names:
            lacking["recipient"].append(c)
        elif len(names) == 2:
            where = (
                where_commitment(c.id, "recipient_region")
                if own
                else ("[scenario] field 'recipient_region'")
            )
            key = ("both", where, "")
            if key not in checked:
                checked[key] = None
                problems.append(
                    Problem(
                        c.field_origins.get("recipient_region", file) if own else main,
                        where,
                        "is given beside recipient_country; an activity here has one or the other",
                        "keep the one that says where the money goes",
                    )
                )
        else:
            value, origin, where = given(names[0])  # type: ignore[misc]
            codelist = "Country" if names[0] == "recipient_country" else "Region"
            code = check(value, codelist, origin, where, RECIPIENT_HINT)
            if code is not None:
                tag = names[0].replace("_", "-")
                recipient = (tag, code)
        found.append(
            Place((vocab, sector_code), recipient)
            if sector_code is not None and recipient is not None
            else None
        )
    rules = {
        "sector": ("sector", "6.2.2: a sector per activity", SECTOR_HINT),
        "recipient": (
            "recipient_country",
            "3.7.1: a recipient country or region per activity",
            RECIPIENT_HINT,
        ),
    }
    for what, missing in lacking.items():
        if not missing:
            continue
        name, rule, hint = rules[what]
        message = f"is missing; the IATI Standard Ruleset requires it (rule {rule})"
        if len(missing) == len(scenario.commitments):
            problems.append(
                Problem(
                    main,
                    f"[scenario] field {name!r}",
                    message + " and no commitment has its own",
                    f"add a default to [scenario] or to each commitment: {hint}",
                )
            )
        else:
            for c in missing:
                problems.append(
                    Problem(c.origin or main, where_commitment(c.id, name), message, hint)
                )
    return found


def activity_codes(scenario: Scenario, problems: list[Problem]) -> list[str]:
    """The elements of `[scenario] iati`'s activity-wide codes, checked on their codelists."""
    if "iati" not in scenario.export_fields:
        return []
    raw, file = scenario.export_fields["iati"]
    head = "[scenario] field 'iati'"
    if not isinstance(raw, Mapping):
        problems.append(Problem(file, head, "must be a table", IATI_EXAMPLE))
        return []
    for key in raw:
        if key not in IATI_KEYS:
            problems.append(
                Problem(
                    file, head, f"{key!r} is not a field here", "it takes " + ", ".join(IATI_KEYS)
                )
            )
    elements = []
    for key, element, codelist in ACTIVITY_CODES:
        if key not in raw:
            continue
        code = _checked_code(problems, raw[key], codelist, file, f"{head}, {key}")
        if code is not None:
            vocabulary = ' vocabulary="1"' if key == "aid_type" else ""
            elements.append(f'    <{element} code="{attribute(code)}"{vocabulary}/>\n')
    return elements


def last_updated(
    scenario: Scenario, environ: Mapping[str, str] | None = None
) -> tuple[str | None, Problem | None]:
    """`last-updated-datetime`: SOURCE_DATE_EPOCH (seconds since 1970, UTC) when set, else
    `[scenario] iati = { last_updated = ... }` (a date or a date-time), else None."""
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isascii() or not epoch.isdigit():
            return None, Problem(
                "SOURCE_DATE_EPOCH",
                "",
                f"{epoch!r} is not a number of seconds since 1970-01-01",
                "set it to e.g. $(git log -1 --format=%ct), or unset it",
            )
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        return when.strftime("%Y-%m-%dT%H:%M:%SZ"), None
    raw = scenario.export_fields.get("iati")
    if raw is None or not isinstance(raw[0], Mapping) or "last_updated" not in raw[0]:
        return None, None
    value = raw[0]["last_updated"]
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%dT%H:%M:%S"), None
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), None
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00", None
    return None, Problem(
        raw[1],
        "[scenario] field 'iati', last_updated",
        f"{value!r} is not a date",
        "e.g. last_updated = 2026-01-15 (a TOML date, no quotes)",
    )


def _check(problems: list[Problem], value: str, file: str, where: str) -> None:
    problem = xml_problem(value, file, where)
    if problem is not None:
        problems.append(problem)


def activities_xml(
    scenario: Scenario,
    rows: pd.DataFrame,
    actuals: pd.DataFrame | None = None,
    as_of: dt.date | None = None,
    updated: str | None = None,
    original: pd.DataFrame | None = None,
    where: list[Place | None] | None = None,
) -> tuple[Iterator[str], int]:
    """The file as text chunks (one per activity), and how many bookings had no activity.

    Call `iati_problems` first: this assumes a reporting_org, text that XML can hold, and a
    sector and recipient for every commitment. `updated`: the last-updated-datetime, or
    None to leave it out; `where`: the commitments' `places`, when known. The budget and
    planned-disbursement elements are made a block of commitments at a time (BLOCK) and
    cut per commitment by offsets; the names of organisations are escaped once each.
    """
    org = scenario.reporting_org
    assert org is not None, "iati_problems reports a missing reporting_org"
    ids = [c.id for c in scenario.commitments]
    cash = rows[rows["basis"] == Basis.CASH]
    position = _positions(cash["commitment"], ids)
    years = _years(scenario.calendar, rows, actuals)
    if original is not None:  # the budgets of the version this one revises, type 1
        kept = original[(original["basis"] == Basis.CASH) & original["commitment"].isin(ids)]
        before = kept.assign(commitment=kept["commitment"].astype(str).astype("category"))
        years |= _years(scenario.calendar, before, None)
    currency = scenario.currency
    booked, skipped = _bookings(scenario, actuals)
    if as_of is None and booked:
        # The actuals are complete up to their latest booking (as `budget actuals` says).
        assert actuals is not None
        as_of = default_as_of(scenario.calendar, actuals)
    flows, flow_position = _planned_flows(rows, cash, position, ids)
    dates = _activity_dates(scenario, flow_position, flows, booked, as_of)
    days = _Days(years, dates)
    kind = budget_type(scenario)
    parties = _Parties(scenario)
    cash_parts = _Parts(cash, position)
    flow_parts = _Parts(flows, flow_position)
    before_parts = (
        None if original is None else _Parts(before, _positions(before["commitment"], ids))
    )

    def elements(lo: int, hi: int) -> tuple[list[str], Any, list[str], Any]:
        """The budgets and planned disbursements of commitments lo .. hi - 1, and where
        each commitment's elements start (offsets from lo)."""
        shown = days.part(lo, hi)
        rows, at = cash_parts.of(lo, hi)
        budgets, budget_at = _budgets(at, rows, shown, currency, hi - lo, kind)
        if before_parts is not None:
            rows, at = before_parts.of(lo, hi)
            first, first_at = _budgets(at, rows, shown, currency, hi - lo)
            budgets, budget_at = _interleave(first, first_at, budgets, budget_at)
        rows, at = flow_parts.of(lo, hi)
        planned, planned_at = _disbursements(at, rows, shown, currency, parties, hi - lo)
        return budgets, budget_at, planned, planned_at

    transactions = _transactions(scenario, booked, dates, parties)
    if where is None:
        where = places(scenario, [])
    codes = "".join(activity_codes(scenario, []))
    reporting = (
        f'    <reporting-org ref="{attribute(org.ref)}" type="{org.type}">'
        f"<narrative>{text(org.name)}</narrative></reporting-org>\n"
    )
    publisher = "".join(
        _participating(org.ref, org.name, role, org.type) for role in (ACCOUNTABLE, EXTENDING)
    )
    prefix = text(org.ref)
    stamp = f' last-updated-datetime="{updated}"' if updated else ""

    def chunks() -> Iterator[str]:
        yield f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{VERSION}">\n'
        for i, c in enumerate(scenario.commitments):
            if i % BLOCK == 0:  # the elements of the next block of commitments
                budgets, budget_at, planned, planned_at = elements(i, min(i + BLOCK, len(ids)))
            j = i % BLOCK
            span = dates[i]
            place = where[i]
            assert place is not None, "iati_problems reports a missing sector or recipient"
            (vocabulary, sector), (tag, country) = place.sector, place.recipient
            yield "".join(
                [
                    f'  <iati-activity xml:lang="{LANGUAGE}" default-currency="{currency}"'
                    f"{stamp}>\n"
                    f"    <iati-identifier>{prefix}-{text(c.id)}</iati-identifier>\n",
                    reporting,
                    f"    <title><narrative>{text(c.title)}</narrative></title>\n"
                    f'    <description type="1"><narrative>{text(description(scenario, c))}'
                    "</narrative></description>\n",
                    *(parties.funding[key] for key, _ in c.funders),
                    publisher,
                    parties.implementing[c.recipient],
                    f'    <activity-status code="{status(span.start, span.end, as_of)}"/>\n',
                    span.xml(),
                    f'    <{tag} code="{attribute(country)}"/>\n'
                    f'    <sector vocabulary="{vocabulary}" code="{attribute(sector)}"/>\n',
                    codes,
                    *budgets[budget_at[j] : budget_at[j + 1]],
                    *planned[planned_at[j] : planned_at[j + 1]],
                    *transactions.get(c.id, ()),
                    "  </iati-activity>\n",
                ]
            )
        yield "</iati-activities>\n"

    return chunks(), skipped


BLOCK = 10_000  # commitments whose budget elements are made at a time (memory: issue 21)


class _Parts:
    """Rows of a frame by commitment, a block of commitments at a time: `of(lo, hi)` gives
    the rows of commitments lo .. hi - 1, in the frame's order, and their positions from
    lo (what `_budgets` and `_disbursements` take for all commitments at once)."""

    def __init__(self, frame: pd.DataFrame, position: npt.NDArray[np.int64]) -> None:
        self.frame = frame
        self.position = position  # each row's commitment
        self.order = np.argsort(position, kind="stable")
        self.ordered = position[self.order]

    def of(self, lo: int, hi: int) -> tuple[pd.DataFrame, npt.NDArray[np.int64]]:
        start, stop = np.searchsorted(self.ordered, [lo, hi])
        rows = np.sort(self.order[start:stop])
        return self.frame.iloc[rows], self.position[rows] - lo


@dataclass(frozen=True, slots=True)
class ActivityDates:
    """An activity's dates: planned start and end (inclusive), and the actual start and
    end where the bookings tell them (None otherwise)."""

    start: dt.date
    end: dt.date
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None

    def xml(self) -> str:
        found = [
            (PLANNED_START, self.start),
            (ACTUAL_START, self.actual_start),
            (PLANNED_END, self.end),
            (ACTUAL_END, self.actual_end),
        ]
        return "".join(
            f'    <activity-date type="{kind}" iso-date="{day.isoformat()}"/>\n'
            for kind, day in found
            if day is not None
        )


# A booking: funder, basis, date (None: known by its fiscal year only), year, cents, reference.
Booking = tuple[str, str, dt.date | None, int, int, str]


def _bookings(
    scenario: Scenario, actuals: pd.DataFrame | None
) -> tuple[dict[str, list[Booking]], int]:
    """The bookings per commitment, and how many have a commitment that is not in the
    scenario (they have no activity to belong to)."""
    if actuals is None or actuals.empty:
        return {}, 0
    missing = [c for c in ACTUALS_COLUMNS if c not in actuals.columns]
    if missing:
        raise ValueError(f"actuals lack the columns {missing}")
    ids = {c.id for c in scenario.commitments}
    found: dict[str, list[Booking]] = {}
    skipped = 0
    for cid, funder, basis, day, year, cents, reference in zip(
        *(actuals[c].tolist() for c in ACTUALS_COLUMNS), strict=True
    ):
        cid = str(cid)
        if cid not in ids:
            skipped += 1
            continue
        when = day if isinstance(day, dt.date) else None
        if isinstance(when, dt.datetime):
            when = when.date()
        reference = "" if reference is None or pd.isna(reference) else str(reference)
        found.setdefault(cid, []).append(
            (str(funder), str(basis), when, int(year), int(cents), reference)
        )
    return found, skipped


def _activity_dates(
    scenario: Scenario,
    position: npt.NDArray[np.int64],
    cash: pd.DataFrame,
    booked: dict[str, list[Booking]],
    as_of: dt.date | None,
) -> list[ActivityDates]:
    """Each commitment's dates (see the module docstring): the planned dates widened to
    hold every fiscal year with cash and every booking."""
    calendar = scenario.calendar
    count = len(scenario.commitments)
    amounts = cash["amount_cents"].to_numpy(np.int64)
    year = cash["year"].to_numpy(np.int64)
    paid = amounts != 0
    first = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(count, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, position[paid], year[paid])
    np.maximum.at(last, position[paid], year[paid])
    out: list[ActivityDates] = []
    for i, c in enumerate(scenario.commitments):
        start, end = planned_dates(c, calendar)
        years = [int(first[i]), int(last[i])] if last[i] >= first[i] else []
        days: list[dt.date] = []
        for _, _, day, y, _, _ in booked.get(c.id, ()):
            if day is None:
                years.append(y)
            else:
                days.append(day)
        if years:
            # A fiscal year with money that begins after the end (or ends before the
            # start) widens the dates to the whole year.
            if calendar.start_of(max(years)) > end:
                end = calendar.start_of(max(years) + 1) - dt.timedelta(days=1)
            if calendar.start_of(min(years) + 1) - dt.timedelta(days=1) < start:
                start = calendar.start_of(min(years))
        if days:
            start, end = min(start, *days), max(end, *days)
        actual = sorted(days)
        finished = actual and as_of is not None and as_of > end
        out.append(
            ActivityDates(
                start,
                end,
                actual[0] if actual else None,
                actual[-1] if finished else None,
            )
        )
    return out


class _Parties:
    """The organisations' XML, escaped once: participating-org elements per funder (role 1)
    and recipient (role 4), and the inside of provider-org and receiver-org elements."""

    def __init__(self, scenario: Scenario) -> None:
        self.funding: dict[str, str] = {}
        self.provider: dict[str, str] = {}
        org = scenario.reporting_org
        for key, f in scenario.funders.items():
            # A funder that is the reporting organisation has its type.
            kind = f.iati_type or (org.type if org and f.iati_ref == org.ref else "")
            self.funding[key] = _participating(f.iati_ref, f.name, FUNDING, kind)
            self.provider[key] = _org(f.iati_ref, f.name, kind)
        self.implementing: dict[str, str] = {}
        self.receiver: dict[str, str] = {}
        for key, r in scenario.recipients.items():
            self.implementing[key] = _participating(r.iati_ref, r.name, IMPLEMENTING, r.iati_type)
            self.receiver[key] = _org(r.iati_ref, r.name, r.iati_type)


def _participating(ref: str, name: str, role: str, kind: str = "") -> str:
    typed = f' type="{kind}"' if kind else ""
    return (
        f'    <participating-org{_ref(ref)} role="{role}"{typed}>'
        f"<narrative>{text(name)}</narrative></participating-org>\n"
    )


def _positions(column: pd.Series, ids: list[str]) -> npt.NDArray[np.int64]:
    """Each row's commitment as its position in the scenario."""
    codes = column.cat.codes.to_numpy(np.int64)
    order = {cid: i for i, cid in enumerate(ids)}
    lookup = np.array([order[str(c)] for c in column.cat.categories], dtype=np.int64)
    return lookup[codes]


def _interleave(
    first: list[str],
    first_at: npt.NDArray[np.int64],
    then: list[str],
    then_at: npt.NDArray[np.int64],
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """Two sets of per-commitment elements (each with its count + 1 offsets) as one: each
    commitment's elements of `first`, then its elements of `then`."""
    lines: list[str] = []
    at = [0]
    for i in range(len(first_at) - 1):
        lines += first[first_at[i] : first_at[i + 1]]
        lines += then[then_at[i] : then_at[i + 1]]
        at.append(len(lines))
    return lines, np.array(at, dtype=np.int64)


def budget_type(scenario: Scenario) -> str:
    """The BudgetType of the scenario's budgets: 2 (revised) for a supplementary budget or
    the final accounts (`[scenario] stage`), else 1 (original)."""
    return REVISED if scenario.stage in REVISED_STAGES else ORIGINAL


Days = npt.NDArray[np.datetime64]


class _Days:
    """The fiscal years' first and last days (`years`: ISO dates by year) and each
    activity's dates, as arrays of days, made once; `part` gives a block's activities."""

    def __init__(
        self,
        years: dict[int, tuple[str, str]],
        dates: Sequence[ActivityDates],
        bounds: tuple[Days, Days] | None = None,
    ) -> None:
        self.years = years
        self.known = np.array(sorted(years), dtype=np.int64)
        self.first = np.array([years[y][0] for y in self.known.tolist()], dtype=_DAY)
        self.last = np.array([years[y][1] for y in self.known.tolist()], dtype=_DAY)
        if bounds is None:
            bounds = (
                np.array([d.start for d in dates], dtype=_DAY),
                np.array([d.end for d in dates], dtype=_DAY),
            )
        self.starts, self.ends = bounds

    def part(self, lo: int, hi: int) -> _Days:
        """The same years, and the activities lo .. hi - 1 (their positions from lo)."""
        return _Days(self.years, (), (self.starts[lo:hi], self.ends[lo:hi]))

    def within(
        self, year: npt.NDArray[np.int64], position: npt.NDArray[np.int64]
    ) -> tuple[Days, Days]:
        """Each element's period: its fiscal year's first and last day cut to its
        activity's dates (an element per year and activity position)."""
        at = np.searchsorted(self.known, year)
        return (
            np.maximum(self.first[at], self.starts[position]),
            np.minimum(self.last[at], self.ends[position]),
        )


_DAY = "datetime64[D]"


def _iso(days: npt.NDArray[np.datetime64]) -> list[str]:
    """Days as ISO dates (YYYY-MM-DD), each distinct day's text made once (the days are
    fiscal years' bounds and activities' dates: a few thousand among a million)."""
    if not len(days):
        return []
    number = days.astype(np.int64)
    low = int(number.min())
    span = int(number.max()) - low + 1
    if span > 4 * len(days) + 64:
        texts: list[str] = np.datetime_as_string(days, unit="D").tolist()
        return texts
    every = np.arange(low, low + span).astype("datetime64[D]")
    table = np.array(np.datetime_as_string(every, unit="D").tolist(), dtype=object)
    found: list[str] = table[number - low].tolist()
    return found


def _budgets(
    position: npt.NDArray[np.int64],
    cash: pd.DataFrame,
    days: _Days,
    currency: str,
    count: int,
    kind: str = ORIGINAL,
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """A budget element (of BudgetType `kind`) per commitment and year (the funders' cash
    added up), in commitment and year order, its period the year within the activity's
    dates; and where each commitment's elements start (count + 1 offsets). A year of no
    cash outside the activity's dates has no budget."""
    year = cash["year"].to_numpy(np.int64)
    order = np.lexsort((year, position))
    pos, year = position[order], year[order]
    amounts = cash["amount_cents"].to_numpy(np.int64)[order]
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (pos[1:] != pos[:-1]) | (year[1:] != year[:-1])
    starts = np.flatnonzero(new)
    sums = np.add.reduceat(amounts, starts) if len(starts) else amounts[:0]
    first, last = days.within(year[starts], pos[starts])
    within = first <= last
    lines = [
        f'    <budget type="{kind}" status="1"><period-start iso-date="{begin}"/>'
        f'<period-end iso-date="{end}"/><value currency="{currency}" '
        f'value-date="{begin}">{amount}</value></budget>\n'
        for begin, end, amount in zip(
            _iso(first[within]), _iso(last[within]), decimal_text(sums[within]), strict=True
        )
    ]
    return lines, np.searchsorted(pos[starts][within], np.arange(count + 1))


def _planned_flows(
    rows: pd.DataFrame, cash: pd.DataFrame, position: npt.NDArray[np.int64], ids: list[str]
) -> tuple[pd.DataFrame, npt.NDArray[np.int64]]:
    """The money planned to move, for the planned disbursements and the activity dates:
    the cash rows and, where a settled grant recovers, its receipts rows negated (a
    recovery is a negative disbursement, as in the transactions), in row order; and their
    commitments' positions. Without a recovery: the cash rows as they are."""
    receipts = (rows["basis"] == Basis.RECEIPTS).to_numpy(bool)
    if not rows["amount_cents"].to_numpy(np.int64)[receipts].any():
        return cash, position
    flows = rows[receipts | (rows["basis"] == Basis.CASH).to_numpy(bool)]
    sign = np.where((flows["basis"] == Basis.RECEIPTS).to_numpy(bool), -1, 1)
    flows = flows.assign(amount_cents=flows["amount_cents"].to_numpy(np.int64) * sign)
    return flows, _positions(flows["commitment"], ids)


def _disbursements(
    position: npt.NDArray[np.int64],
    cash: pd.DataFrame,
    days: _Days,
    currency: str,
    parties: _Parties,
    count: int,
) -> tuple[list[str], npt.NDArray[np.int64]]:
    """A planned-disbursement per commitment, funder and year with cash (the funder as
    provider, the recipient as receiver), in row order within each commitment; its period
    the year within the activity's dates. A recovery (negated in `cash`, see
    `_planned_flows`) is one of a negative value, after the funder's cash."""
    amounts = cash["amount_cents"].to_numpy(np.int64)
    paid = np.flatnonzero(amounts != 0)
    paid = paid[np.argsort(position[paid], kind="stable")]
    funders = _texts(cash["funder"], paid)
    recipients = _texts(cash["recipient"], paid)
    first, last = days.within(cash["year"].to_numpy(np.int64)[paid], position[paid])
    provider, receiver = parties.provider, parties.receiver
    lines = [
        f'    <planned-disbursement type="1"><period-start iso-date="{begin}"/>'
        f'<period-end iso-date="{end}"/><value currency="{currency}" '
        f'value-date="{begin}">{amount}</value>'
        f"<provider-org{provider[f]}</provider-org>"
        f"<receiver-org{receiver[r]}</receiver-org></planned-disbursement>\n"
        for begin, end, amount, f, r in zip(
            _iso(first), _iso(last), decimal_text(amounts[paid]), funders, recipients, strict=True
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
    scenario: Scenario,
    booked: dict[str, list[Booking]],
    dates: list[ActivityDates],
    parties: _Parties,
) -> dict[str, list[str]]:
    """The transaction elements per commitment, in date order."""
    currency = scenario.currency
    at = {c.id: i for i, c in enumerate(scenario.commitments)}
    out: dict[str, list[str]] = {}
    for cid, bookings in booked.items():
        span = dates[at[cid]]
        items: list[tuple[str, str, str]] = []
        for funder, basis, day, year, cents, reference in bookings:
            if day is None:
                # Known by its fiscal year only: the year's last day within the activity.
                last = scenario.calendar.start_of(year + 1) - dt.timedelta(days=1)
                day = min(last, span.end)
            when = day.isoformat()
            kind = TRANSACTION_TYPES[basis]
            if basis == Basis.RECEIPTS:  # a recovery is a negative disbursement
                cents = -cents
            provider = parties.provider.get(funder) or _org("", funder)
            receiver = parties.receiver[scenario.commitment(cid).recipient]
            element = (
                f"    <transaction{_ref(reference)}>"
                f'<transaction-type code="{kind}"/><transaction-date iso-date="{when}"/>'
                f'<value currency="{currency}" value-date="{when}">'
                f"{format_euros(cents)}</value>"
                f"<provider-org{provider}</provider-org>"
                f"<receiver-org{receiver}</receiver-org></transaction>\n"
            )
            items.append((when, kind, element))
        out[cid] = [e for *_, e in sorted(items)]
    return out


def _ref(ref: str) -> str:
    return f' ref="{attribute(ref)}"' if ref else ""


def _org(ref: str, name: str, kind: str = "") -> str:
    """What follows the tag name of a provider-org or receiver-org: its ref, type and name."""
    typed = f' type="{kind}"' if kind else ""
    return f"{_ref(ref)}{typed}><narrative>{text(name)}</narrative>"


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
