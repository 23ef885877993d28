"""From merged raw tables to a validated Scenario, collecting every problem.

The section readers in `READERS` read the merged tables into a draft, in order; then the
whole-scenario checks in `checks.CHECKS` run on it. A Scenario is made only when no
problem was found. A new `[scenario]` key is a line in SCENARIO_FIELDS and a line in
`_read_head`; a new section is a merger in inherit.MERGERS and a reader here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from budget.core.currency import DEFAULT, parse_currency
from budget.core.errors import (
    CONTROL_HINT,
    Problem,
    control_character,
    excerpt,
    listing,
    where_entry,
)
from budget.core.fields import FieldReader, uncovered
from budget.core.model import (
    BASES,
    Basis,
    Commitments,
    Funder,
    Limit,
    Recipient,
    ReportingOrg,
    Scenario,
)
from budget.core.periods import YEAR_LABELS, FiscalCalendar
from budget.kinds import KINDS
from budget.kinds.base import spans
from budget.load.actuals_settings import SCENARIO_FIELDS as REALISATION_FIELDS
from budget.load.actuals_settings import read_settings
from budget.load.budget_round import FUNDER_FIELDS as ROUND_FUNDER_FIELDS
from budget.load.budget_round import SCENARIO_FIELDS as ROUND_FIELDS
from budget.load.budget_round import read_budget_round
from budget.load.checks import CHECKS
from budget.load.cofinanced import read_cofinanced
from budget.load.commitments import read_commitments
from budget.load.common import Draft, assumptions, reader_of, specs_by_kind, unknown_fields
from budget.load.conditions import read_conditions
from budget.load.indices import read_indices
from budget.load.inherit import Entry, Merged
from budget.load.publishing import (
    EXPORT_FIELDS,
    check_organisation_type,
    read_export_fields,
    read_reporting_org,
)

SCENARIO_FIELDS = {
    "name": "the scenario's name, shown in every output",
    "description": "what the scenario asks",
    "source": "where its figures come from",
    "fiscal_year_start": 'the first day of every fiscal year, "MM-DD" (default "01-01")',
    "first_year": "the first fiscal year that overviews show",
    "last_year": "the last fiscal year that overviews show",
    "extends": "a scenario file this one builds on",
    "remove": "ids of inherited commitments to drop",
    "register": "a CSV or XLSX file of further commitments",
    "currency": 'the ISO 4217 code of every amount (default "EUR")',
    "year_label": 'how years are named: "end" (2015, default), "span" (2014-15) or "fy" (FY2015)',
    "reporting_org": "who publishes the commitments as open data: { ref, name, type }",
    **REALISATION_FIELDS,
    **EXPORT_FIELDS,
    **ROUND_FIELDS,
}
FUNDER_FIELDS = {
    "name": "the full name",
    "source": "where the funder's role is stated",
    "iati_ref": "its IATI organisation identifier",
    "iati_type": 'its IATI organisation type code, e.g. "22" (national NGO)',
    **ROUND_FUNDER_FIELDS,
}
RECIPIENT_FIELDS = {
    "name": "the full name",
    "costs": "yearly costs (an amount or a table by year)",
    "income": "yearly income from elsewhere (an amount or a table by year)",
    "source": "where the figures come from",
    "assumptions": "the fields whose values are assumptions, not facts",
    "iati_ref": "its IATI organisation identifier",
    "iati_type": 'its IATI organisation type code, e.g. "22" (national NGO)',
}
LIMIT_FIELDS = {
    "funder": "the funder the ceiling applies to",
    "basis": '"cash" or "commitment"',
    "max": "the ceiling per year (an amount or a table by year)",
    "first_year": "the first fiscal year it covers (default: the horizon's)",
    "last_year": "the last fiscal year it covers (default: the horizon's)",
    "source": "where the ceiling is set",
}


def build_scenario(
    merged: Merged, path: str, only: Callable[[str, object], bool] | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """Validate the merged tables; a Scenario only when there are no problems. `only`: read
    only the commitments it accepts (see budget.load.read_scenario)."""
    problems = list(merged.problems)
    main = merged.files[-1] if merged.files else path
    head = FieldReader(
        merged.scenario,
        lambda f: merged.scenario_origins.get(f, main),
        lambda f: f"[scenario] field {excerpt(f)}",
        problems,
    )
    draft = Draft(merged, path, main, problems, head)
    draft.only = only
    for read in READERS:
        read(draft)
    for check in CHECKS:
        problems.extend(check(draft))
    if problems or draft.first_year is None or draft.last_year is None:
        return None, problems
    scenario = Scenario(
        name=draft.name,
        path=path,
        calendar=draft.calendar,
        first_year=draft.first_year,
        last_year=draft.last_year,
        funders=draft.funders,
        recipients=draft.recipients,
        commitments=(
            draft.commitments
            if isinstance(draft.commitments, Commitments)
            else tuple(draft.commitments)
        ),
        limits=tuple(draft.limits),
        description=draft.description,
        source=draft.source,
        files=(*merged.files, *draft.actuals),
        currency=draft.currency,
        reporting_org=draft.reporting_org,
        actuals=draft.actuals,
        as_of=draft.as_of,
        indicators=draft.indicators,
        year_label=draft.year_label,
        export_fields=draft.export_fields,
        **draft.budget_round,  # type: ignore[arg-type]
    )
    return scenario, []


def _read_head(draft: Draft) -> None:
    head = draft.head
    unknown_fields(head, SCENARIO_FIELDS, "[scenario]")
    draft.name = head.text("name") or _stem(draft.main)
    if head.has("fiscal_year_start"):
        try:
            draft.calendar = FiscalCalendar.parse(draft.merged.scenario["fiscal_year_start"])
        except ValueError as exc:
            head.error("fiscal_year_start", str(exc), 'e.g. "04-01" (UK) or "10-01" (US)')
    draft.first_year = head.year("first_year")
    draft.last_year = head.year("last_year")
    draft.currency, draft.reporting_org = _publishing(head)
    draft.year_label = _year_label(head, draft.calendar)
    draft.export_fields = read_export_fields(head)


def _year_label(head: FieldReader, calendar: FiscalCalendar) -> str:
    """`[scenario] year_label`: one of budget.core.periods.YEAR_LABELS. "span" names two calendar
    years, so it is refused for a fiscal year that is the calendar year."""
    if not head.has("year_label"):
        return "end"
    value = head.raw["year_label"]
    allowed = ", ".join(f'"{k}" ({v})' for k, v in YEAR_LABELS.items())
    if not isinstance(value, str) or value not in YEAR_LABELS:
        head.error("year_label", f"{value!r} is not a year label", f"use one of {allowed}")
        return "end"
    if value == "span" and calendar.is_calendar_year:
        head.error(
            "year_label",
            '"span" names two calendar years, but the fiscal year here is the calendar year',
            'set fiscal_year_start (e.g. "04-01"), or use "end" (2015) or "fy" (FY2015)',
        )
        return "end"
    return value


def _publishing(head: FieldReader) -> tuple[str, ReportingOrg | None]:
    """`[scenario] currency` and `reporting_org` (see budget.core.currency and
    budget.load.publishing)."""
    currency = DEFAULT
    if head.has("currency"):
        code, message, hint = parse_currency(head.raw["currency"])
        if code is None:
            head.error("currency", message, hint)
        else:
            currency = code
    return currency, read_reporting_org(head)


def _iati_ref(reader: FieldReader) -> str:
    return reader.text("iati_ref") or ""


def _iati_type(reader: FieldReader) -> str:
    """`iati_type`: an IATI OrganisationType code (budget.load.publishing)."""
    return check_organisation_type(reader, "iati_type")


def _read_funders(draft: Draft) -> None:
    for key, entry in draft.merged.funders.items():
        reader = reader_of(entry, draft.problems)
        unknown_fields(reader, FUNDER_FIELDS, where_entry("funder", key))
        draft.funders[key] = Funder(
            key,
            reader.text("name") or key,
            reader.text("source") or "",
            _iati_ref(reader),
            iati_type=_iati_type(reader),
        )


def _read_recipients(draft: Draft) -> None:
    for key, entry in draft.merged.recipients.items():
        reader = reader_of(entry, draft.problems)
        unknown_fields(reader, RECIPIENT_FIELDS, where_entry("recipient", key))
        draft.recipients[key] = Recipient(
            key,
            reader.text("name") or key,
            reader.by_year("costs", uncertain=True),
            reader.by_year("income", uncertain=True),
            reader.text("source") or "",
            assumptions(reader, RECIPIENT_FIELDS),
            entry.file,
            iati_ref=_iati_ref(reader),
            iati_type=_iati_type(reader),
            field_origins=dict(entry.origins),
        )


def _read_commitments(draft: Draft) -> None:
    draft.commitments = read_commitments(
        draft.merged.commitments,
        draft.funders,
        draft.recipients,
        draft.calendar,
        draft.problems,
        draft.only,
    )
    if not draft.merged.commitments and not draft.problems:
        draft.problems.append(
            Problem(
                draft.main, "", "has no commitments", "add [[commitments]] entries, or a register"
            )
        )


def _read_horizon(draft: Draft) -> None:
    """The years overviews show: as given, or the span of the commitments."""
    head = draft.head
    first_missing = draft.first_year is None and not head.has("first_year")
    last_missing = draft.last_year is None and not head.has("last_year")
    if first_missing or last_missing:
        specs = specs_by_kind(draft.commitments)
        found = [
            spans(kind, specs[name], draft.calendar) for name, kind in KINDS.items() if specs[name]
        ]
        if first_missing:
            draft.first_year = min((int(s[:, 0].min()) for s in found), default=None)
        if last_missing:
            draft.last_year = max((int(s[:, 1].max()) for s in found), default=None)
    first, last = draft.first_year, draft.last_year
    if first is not None and last is not None and first > last:
        head.error("last_year", f"{last} is before first_year {first}")


def _read_limits(draft: Draft) -> None:
    for key, entry in draft.merged.limits.items():
        limit = _limit(key, entry, draft.funders, draft.first_year, draft.last_year, draft.problems)
        if limit is not None:
            draft.limits.append(limit)


def _read_texts(draft: Draft) -> None:
    draft.description = draft.head.text("description") or ""
    draft.source = draft.head.text("source") or ""


def _read_realisation(draft: Draft) -> None:
    """`actuals`, `as_of` and [[indicators]] (see budget.load.actuals_settings)."""
    merged = draft.merged
    draft.actuals, draft.as_of, draft.indicators = read_settings(
        merged.scenario,
        merged.scenario_origins,
        draft.head,
        merged.indicators,
        merged.commitments,
        draft.problems,
    )


def _stem(path: str) -> str:
    return Path(path).stem


def _limit(
    key: tuple[str, str],
    entry: Entry,
    funders: dict[str, Funder],
    first: int | None,
    last: int | None,
    problems: list[Problem],
) -> Limit | None:
    reader = reader_of(entry, problems)
    before = len(problems)
    unknown_fields(reader, LIMIT_FIELDS, "a limit")
    funder = reader.text("funder", required=True)
    written = reader.raw.get("funder")
    if isinstance(written, str) and (control := control_character(written)) is not None:
        reader.error(
            "funder", f"{excerpt(written)} has a control character ({control})", CONTROL_HINT
        )
    elif funder is not None and funder not in funders:
        reader.error(
            "funder", f"{excerpt(funder)} is not a funder", "funders are " + listing(funders)
        )
    basis = reader.choice("basis", BASES, Basis.CASH)
    lo = reader.year("first_year")
    hi = reader.year("last_year")
    maximum = reader.by_year("max", required=True)
    if maximum is not None and maximum.every is None:
        years = maximum.years()
        lo = lo if reader.has("first_year") else min(years)
        hi = hi if reader.has("last_year") else max(years)
    lo = first if lo is None else lo
    hi = last if hi is None else hi
    if len(problems) > before or None in (funder, basis, maximum, lo, hi):
        return None
    assert funder is not None and basis is not None and maximum is not None
    assert lo is not None and hi is not None
    if lo > hi:
        reader.error("last_year", f"{hi} is before first_year {lo}")
        return None
    if maximum.every is None:
        missing, _ = uncovered(maximum, lo, hi)
        if missing:
            reader.error(
                "max",
                "the table has no ceiling for " + ", ".join(map(str, missing)),
                f"give a ceiling for every year from {lo} to {hi}",
            )
            return None
    return Limit(funder, Basis(basis), maximum, lo, hi, reader.text("source") or "", entry.file)


# The sections of a merged scenario, read in this order (problems come out in this order).
READERS: tuple[Callable[[Draft], None], ...] = (
    _read_head,
    _read_funders,
    _read_recipients,
    _read_commitments,
    read_indices,
    read_cofinanced,  # after the commitments and recipients (issue 23)
    _read_horizon,
    _read_limits,
    _read_texts,
    _read_realisation,
    read_conditions,  # after [[indicators]] (issue 23)
    read_budget_round,
)
