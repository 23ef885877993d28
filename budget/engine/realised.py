"""Plan against actual, and the forecast that follows from them.

Per commitment (or `(unplanned)`), funder, basis and fiscal year: `planned` (the
projection), `actual` (the sum of the bookings), `variance` = actual - planned, and
`forecast`: the actual in a closed year (its last day is on or before `as_of`), and on the
cash basis the rules of `cash_forecast` (what was planned and not paid slips to the next
open year or lapses, per the commitment's `unpaid`); on the commitment basis, where the
files book obligations for the commitment and funder, the larger of planned and actual in
the current year (it holds `as_of`) and the plan in a later year; where they book none, a
grant's plan (its decision stands) and, for the other kinds, the cash forecast (committed
when paid). `overpaid` finds every commitment and funder whose outstanding obligation
(obligations less payments, year by year) is negative at a year end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.errors import InputError, Problem
from budget.core.model import BASES, Basis, Scenario, rows_of
from budget.core.periods import FiscalCalendar
from budget.engine import realised_warnings as checks
from budget.engine.projection import COLUMNS as TIDY_COLUMNS
from budget.engine.projection import project
from budget.kinds import KINDS
from budget.kinds.spec_columns import field_of
from budget.load.bookings import UNPLANNED, read_bookings

KEYS = ["commitment", "funder", "basis", "year"]
COLUMNS = [
    "scenario",
    "commitment",
    "recipient",
    "funder",
    "basis",
    "year",
    "status",
    "planned_cents",
    "actual_cents",
    "variance_cents",
    "forecast_cents",
]


class Status(StrEnum):
    """Where a fiscal year stands on the `as_of` date."""

    CLOSED = "closed"
    CURRENT = "current"
    FUTURE = "future"


# A year's status as an int8 code: its position in Status (the status column's codes).
CODE = {status: code for code, status in enumerate(Status)}


def year_status(
    calendar: FiscalCalendar, years: npt.NDArray[np.int64], as_of: dt.date | None
) -> npt.NDArray[np.int8]:
    """Per year, the code of its Status (see CODE: 0 closed, 1 current, 2 future).

    Closed: the year's last day is on or before `as_of`; current: it holds `as_of` and is
    not closed; future: it starts after `as_of` (all years when there is no `as_of`).
    """
    if as_of is None or len(years) == 0:
        return np.full(len(years), CODE[Status.FUTURE], dtype=np.int8)
    first = int(years.min())

    def status(year: int) -> int:
        if calendar.start_of(year + 1) <= as_of + dt.timedelta(days=1):
            return CODE[Status.CLOSED]
        return CODE[Status.CURRENT] if calendar.start_of(year) <= as_of else CODE[Status.FUTURE]

    table = np.array([status(y) for y in range(first, int(years.max()) + 1)], dtype=np.int8)
    return table[years - first]


def default_as_of(calendar: FiscalCalendar, bookings: pd.DataFrame) -> dt.date | None:
    """The latest booking date; a booking with only a year counts as that year's last day."""
    dates = bookings["date"].to_numpy("datetime64[D]")
    latest: list[dt.date] = []
    if (~np.isnat(dates)).any():
        latest.append(dates[~np.isnat(dates)].max().astype(dt.date))
    years = bookings["year"].to_numpy()[np.isnat(dates)]
    if len(years):
        latest.append(calendar.start_of(int(years.max()) + 1) - dt.timedelta(days=1))
    return max(latest, default=None)


def realise(
    scenario: Scenario,
    files: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    plan: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame | None, list[Problem], list[str]]:
    """(plan-vs-actual rows, problems, warnings) for the scenario's actuals, or for `files`
    (paths as the user names them) and `as_of` when given. `plan` is the projection, when
    the caller has it already."""
    paths = list(scenario.actuals if files is None else files)
    bookings, problems, warnings = read_bookings(scenario, paths)
    if problems:
        return None, problems, warnings
    problems = checks.receipts_problems(scenario, bookings)
    if problems:
        return None, problems, warnings
    as_of = as_of or scenario.as_of or default_as_of(scenario.calendar, bookings)
    plan_rows = project(scenario) if plan is None else plan
    frame = compare(scenario, plan_rows, bookings, as_of)
    # Large values leave attrs before any other frame operation (pandas copies attrs deeply
    # on each); what stays is at most SHOWN_IDS names each.
    unbooked = frame.attrs.pop("unbooked_closed")
    named = {key: frame.attrs.pop(key) for key in OBLIGATIONS}
    positions = checks.booked_positions(scenario, bookings)
    warnings = [
        *warnings,
        *checks.funder_warnings(scenario, bookings, positions),
        *checks.span_warnings(scenario, plan_rows, bookings, _settled_years(scenario), positions),
        *checks.unbooked_warnings(
            scenario,
            frame.iloc[np.flatnonzero(unbooked)[: checks.SHOWN]],
            paths,
            int(unbooked.sum()),
        ),
        *checks.overpaid_warnings(scenario, bookings, overpaid(frame)),
    ]
    frame.attrs.update(
        files=paths,
        bookings=len(bookings),
        unplanned_bookings=int((bookings["commitment"] == UNPLANNED).sum()),
        total_cents=int(bookings["amount_cents"].sum()),
        warnings=warnings,
        notes=_obligation_notes(named),
        **{key: ids[:SHOWN_IDS] for key, ids in named.items()},
    )
    return frame, [], warnings


def _settled_years(scenario: Scenario) -> dict[str, int]:
    """The settlement year of each settled grant: nothing is booked after it."""
    rows = rows_of(scenario.commitments)
    return {
        id_: settled[0]
        for id_, settled in zip(rows.ids, field_of(rows.specs, "settled"), strict=True)
        if settled is not None
    }


# attrs naming the commitments whose obligations the files do not book (the first SHOWN_IDS)
OBLIGATIONS = ("obligations_from_plan", "obligations_when_paid")


SHOWN_IDS = 20

# Commitments compared at a time (their lines' arrays are what `compare` holds at once).
BLOCK = 20_000


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    return shown + (f" and {len(ids) - SHOWN_IDS:,} more" if len(ids) > SHOWN_IDS else "")


def _obligation_notes(attrs: dict[Any, Any]) -> list[str]:
    """The one line that says which obligations the files do not hold."""
    planned = [c for c in attrs.get("obligations_from_plan", []) if c != UNPLANNED]
    paid = [c for c in attrs.get("obligations_when_paid", []) if c != UNPLANNED]
    parts = []
    if planned:
        parts.append(f"taken from the plan for {_ids(planned)}")
    if paid:
        parts.append(f"equal to the cash forecast (committed when paid) for {_ids(paid)}")
    if not parts:
        return []
    return [
        "note: the actuals hold no commitment-basis bookings for some commitments; their "
        "obligations are " + "; ".join(parts)
    ]


def compare(
    scenario: Scenario, plan: pd.DataFrame, bookings: pd.DataFrame, as_of: dt.date | None
) -> pd.DataFrame:
    """The plan-vs-actual rows of a projection and the bookings (see the module text),
    ordered by commitment (scenario order, `(unplanned)` last), funder, basis and year.

    Each (commitment, funder, basis, year) is one int64 key, so that matching the plan and
    the bookings is sorting and searching arrays; sums are exact (int64 adds, no floats).
    """
    held = rows_of(scenario.commitments)
    commitments = [*held.ids, UNPLANNED]
    funders = list(scenario.funders)
    sides = [
        _keyed(plan, "amount_cents", commitments, funders),
        _keyed(bookings, "amount_cents", commitments, funders),
    ]
    years = np.concatenate([side[0][3] for side in sides])
    # c: the current year, or the first future year when as_of ends a year
    rule_year = None if as_of is None else scenario.calendar.year_of(as_of + dt.timedelta(days=1))
    if rule_year is not None:
        years = np.r_[years, rule_year]
    first = int(years.min()) if len(years) else 0
    span = int(years.max()) - first + 1 if len(years) else 1
    per_commitment = (
        np.array([p == "slips" for p in held.unpaid_policies()] + [False], bool),
        np.array([k == "grant" for k in held.kinds] + [False], dtype=bool),
        np.array(
            [-1 if s is None else s[0] for s in field_of(held.specs, "settled")] + [-1],
            dtype=np.int64,
        ),
    )
    # Commitments a block at a time: every line is one commitment's, so that the blocks'
    # rows, one after another, are the rows in order, and the arrays of the work stay
    # bounded by a block (issue 21: a million commitments).
    by_commitment = []
    for (codes, *_), _ in sides:
        order = np.argsort(codes, kind="stable")
        by_commitment.append((order, codes[order]))
    parts = []
    for low in range(0, len(commitments), BLOCK):
        chosen: list[Side] = []
        for side, (order, ordered) in zip(sides, by_commitment, strict=True):
            lo, hi = np.searchsorted(ordered, [low, low + BLOCK])
            rows = order[lo:hi]
            (commitment, funder, basis, year), cents = side
            chosen.append(((commitment[rows], funder[rows], basis[rows], year[rows]), cents[rows]))
        parts.append(
            _block(scenario, chosen, funders, first, span, rule_year, as_of, per_commitment)
        )
    del sides, by_commitment, years
    # joined a column at a time, each block's copy let go as it is joined
    joined = {name: np.concatenate([part.pop(name) for part in parts]) for name in list(parts[0])}
    del parts
    commitment_code, funder_code, basis_code = (
        joined[name] for name in ("commitment", "funder", "basis")
    )
    years, status, planned_cents, actual_cents, forecast = (
        joined[name] for name in ("year", "status", "planned", "actual", "forecast")
    )
    unbooked = joined["unbooked"]
    recipient_of = held.recipients
    recipients = [*dict.fromkeys(recipient_of), ""]
    position = {r: i for i, r in enumerate(recipients)}
    recipient_code = np.array([position[r] for r in recipient_of] + [len(recipients) - 1])

    def labels(codes: npt.NDArray[np.integer[Any]], names: list[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))

    out = pd.DataFrame(
        {
            "scenario": labels(np.zeros(len(years), np.int8), [scenario.name]),
            "commitment": labels(commitment_code, commitments),
            "recipient": labels(recipient_code[commitment_code], recipients),
            "funder": labels(funder_code, funders),
            "basis": labels(basis_code, list(BASES)),
            "year": years,
            "status": labels(status, [s.value for s in Status]),
            "planned_cents": planned_cents,
            "actual_cents": actual_cents,
            "variance_cents": actual_cents - planned_cents,
            "forecast_cents": forecast,
        },
        copy=False,  # the arrays are this function's own: no consolidated copy of them
    )
    out.attrs.update(
        scenario=scenario.name,
        as_of=as_of.isoformat() if as_of else None,
        fiscal_year_start=str(scenario.calendar),
        obligations_from_plan=_named(commitments, joined["from_plan"]),
        obligations_when_paid=_named(commitments, joined["when_paid"]),
        unbooked_closed=unbooked,
    )
    return out


Side = tuple[tuple["Codes", "Codes", "Codes", "Codes"], "Codes"]


def _block(
    scenario: Scenario,
    sides: list[Side],
    funders: list[str],
    first: int,
    span: int,
    rule_year: int | None,
    as_of: dt.date | None,
    per_commitment: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], Codes],
) -> dict[str, Any]:
    """The plan-vs-actual arrays of the plan rows and bookings of some commitments (all the
    lines of each one): keys sorted, as `compare` lays them out."""
    slips, grant, settled_year = per_commitment
    keys, sums = [], []
    for (commitment, funder, basis, year), cents in sides:
        key = ((commitment * len(funders) + funder) * len(BASES) + basis) * span + (year - first)
        unique, total = _sum_by_key(key, cents)
        keys.append(unique)
        sums.append(total)
    payments = sides[1][1] > 0
    positive_keys, positive_sums = _sum_by_key(
        ((sides[1][0][0] * len(funders) + sides[1][0][1]) * len(BASES) + sides[1][0][2])[payments]
        * span
        + (sides[1][0][3][payments] - first),
        sides[1][1][payments],
    )
    cash_code, commit_code = BASES.index(Basis.CASH), BASES.index(Basis.COMMITMENT)
    # Per commitment and funder, how its obligation is forecast: from its commitment-basis
    # bookings where the files hold any, else from the plan (a grant) or equal to the cash
    # forecast (annual, top_up, unplanned: committed when paid).
    booked_side = sides[1][0]
    booked_lines = distinct(
        (booked_side[0] * len(funders) + booked_side[1])[booked_side[2] == commit_code]
    )
    candidates = np.empty(0, dtype=np.int64)
    mirror = (commit_code - cash_code) * span  # a cash key + mirror: its commitment key
    if rule_year is not None:
        # A slipping amount moves on to year c: every slipping cash line gets a candidate
        # row there, dropped again below when it holds nothing.
        groups = distinct(np.concatenate(keys) // span)
        commitment_of = groups // (len(funders) * len(BASES))
        cash = groups % len(BASES) == cash_code
        candidates = groups[slips[commitment_of] & cash] * span + (rule_year - first)
        # An obligation committed when paid has a row wherever its cash line has one.
        cash_keys = distinct(np.concatenate([*keys, candidates]))
        cash_keys = cash_keys[(cash_keys // span) % len(BASES) == cash_code]
        cash_line = cash_keys // span // len(BASES)
        paid_mode = ~grant[cash_line // len(funders)] & ~np.isin(cash_line, booked_lines)
        candidates = np.concatenate([candidates, cash_keys[paid_mode] + mirror])
    every = np.concatenate([*keys, candidates])
    every.sort(kind="stable")  # runs of sorted keys: timsort merges them
    every = every[np.r_[True, every[1:] != every[:-1]]] if len(every) else every
    planned_cents = np.zeros(len(every), dtype=np.int64)
    actual_cents = np.zeros(len(every), dtype=np.int64)
    positive_cents = np.zeros(len(every), dtype=np.int64)
    planned_cents[np.searchsorted(every, keys[0])] = sums[0]
    actual_cents[np.searchsorted(every, keys[1])] = sums[1]
    positive_cents[np.searchsorted(every, positive_keys)] = positive_sums
    rest, year_index = np.divmod(every, span)
    rest, basis_code = np.divmod(rest, len(BASES))
    commitment_code, funder_code = np.divmod(rest, len(funders))
    years = year_index + first
    status = year_status(scenario.calendar, years, as_of)
    # only what was booked up to as_of counts: a future year's bookings are not yet known
    known = status != CODE[Status.FUTURE]
    forecast = cash_forecast(
        every // span,
        years,
        rule_year,
        slips[commitment_code] & (basis_code == BASES.index(Basis.CASH)),
        planned_cents,
        np.where(known, actual_cents, 0),
        np.where(known, positive_cents, 0),
    )
    line_code = commitment_code * len(funders) + funder_code
    booked = np.isin(line_code, booked_lines)
    from_plan = (basis_code == commit_code) & ~booked & grant[commitment_code]
    when_paid = (basis_code == commit_code) & ~booked & ~grant[commitment_code]
    # committed when paid: the cash forecast of the same commitment, funder and year
    at = np.minimum(np.searchsorted(every, every - mirror), len(every) - 1)
    paid_forecast = np.where(every[at] == every - mirror, forecast[at], 0)
    booked_forecast = np.where(
        status == CODE[Status.CLOSED],
        actual_cents,
        np.where(
            status == CODE[Status.CURRENT],
            np.maximum(planned_cents, actual_cents),
            planned_cents,
        ),
    )
    if rule_year is not None:
        booked_forecast = np.where(
            from_plan, planned_cents, np.where(when_paid, paid_forecast, booked_forecast)
        )
    received = _receipts_forecast(
        settled_year,
        every // span,
        years,
        status,
        commitment_code,
        basis_code == BASES.index(Basis.RECEIPTS),
        forecast,
        planned_cents,
        np.where(known, actual_cents, 0),
        actual_cents,
    )
    forecast = np.where(
        basis_code == cash_code,
        forecast,
        np.where(basis_code == commit_code, booked_forecast, received),
    )
    if len(candidates):
        only = np.isin(every, candidates) & ~np.isin(every, np.concatenate(keys))
        keep = ~(only & (forecast == 0))
        every, planned_cents, actual_cents, forecast = (
            every[keep],
            planned_cents[keep],
            actual_cents[keep],
            forecast[keep],
        )
        commitment_code, funder_code, basis_code = (
            commitment_code[keep],
            funder_code[keep],
            basis_code[keep],
        )
        years, status = years[keep], status[keep]
        from_plan, when_paid = from_plan[keep], when_paid[keep]
    # a closed year planned and not booked at all now forecasts 0 (warned; the cash line
    # says it for an obligation committed when paid)
    unbooked = (
        (status == CODE[Status.CLOSED])
        & (planned_cents != 0)
        & (forecast == 0)
        & ~np.isin(every, keys[1])
        & ~when_paid
    )
    return {  # codes in small integers: they are held for every row until the frame is made
        "commitment": commitment_code.astype(np.int32),
        "funder": funder_code.astype(np.int32),
        "basis": basis_code.astype(np.int8),
        "year": years,
        "status": status,
        "planned": planned_cents,
        "actual": actual_cents,
        "forecast": forecast,
        "from_plan": commitment_code[from_plan],
        "when_paid": commitment_code[when_paid],
        "unbooked": unbooked,
    }


def _receipts_forecast(
    settled_year: Codes,
    line: Codes,
    years: Codes,
    status: npt.NDArray[np.int8],
    commitment_code: Codes,
    receipts: npt.NDArray[np.bool_],
    cash_forecast: Codes,
    planned: Codes,
    known: Codes,
    actual: Codes,
) -> Codes:
    """The receipts forecast of every row (meaningful on the receipts rows): the actual in
    a closed year; in an open settlement year of a grant, what its cash forecast pays
    beyond its share of the settled amount (planned cash less planned receipts), less what
    was received already, never below what was booked; else what was booked so far.

    `line` is each row's (commitment, funder, basis) code, rows sorted by line and year."""
    out = np.where(status == CODE[Status.CLOSED], actual, known)
    settling = receipts & (years == settled_year[commitment_code]) & (status != CODE[Status.CLOSED])
    if not settling.any():
        return out
    starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    lines = line[starts]
    own = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(line)]))

    def of_cash_line(sums: Codes) -> Codes:
        cash_line = line + (BASES.index(Basis.CASH) - BASES.index(Basis.RECEIPTS))
        at = np.minimum(np.searchsorted(lines, cash_line), len(lines) - 1)
        return np.where(lines[at] == cash_line, sums[at], 0)

    paid = of_cash_line(np.add.reduceat(cash_forecast, starts))
    share = of_cash_line(np.add.reduceat(planned, starts)) - np.add.reduceat(planned, starts)[own]
    received = np.add.reduceat(known, starts)[own]
    return np.where(settling, known + np.maximum(0, paid - share - received), out)


def _named(commitments: list[str], codes: Codes) -> list[str]:
    """The ids of the commitment codes, once each, in scenario order."""
    return [commitments[c] for c in distinct(codes).tolist()]


def overpaid(rows: pd.DataFrame) -> list[tuple[str, str, int, int]]:
    """(commitment, funder, year, cents) of every commitment and funder whose outstanding
    obligation (the forecast's obligations entered less its payments, up to a year's end)
    is negative at some year end: its lowest outstanding (-cents), at the first year end
    it is reached."""
    if rows.empty:
        return []
    commitment = rows["commitment"].cat.codes.to_numpy(np.int64)
    funder = rows["funder"].cat.codes.to_numpy(np.int64)
    basis = rows["basis"]
    if isinstance(basis.dtype, pd.CategoricalDtype):
        basis_names = np.asarray(basis.cat.categories.to_numpy(object), dtype=object)
        cash = (basis_names == Basis.CASH)[basis.cat.codes.to_numpy(np.int64)]
    else:
        cash = basis.astype(str).to_numpy(object) == Basis.CASH
    years = rows["year"].to_numpy(np.int64)
    # outstanding = obligations entered - payments + money received back
    sign = np.where(cash, -1, 1)
    first = int(years.min())
    span = int(years.max()) - first + 1
    line = commitment * len(rows["funder"].cat.categories) + funder
    signed = sign * rows["forecast_cents"].to_numpy(np.int64)
    keys, sums = _sum_by_key(line * span + (years - first), signed)
    line_of = keys // span
    starts = np.flatnonzero(np.r_[True, line_of[1:] != line_of[:-1]])
    running = np.cumsum(sums)
    before = np.r_[0, running[starts[1:] - 1]]
    running = running - np.repeat(before, np.diff(np.r_[starts, len(keys)]))
    lowest = np.minimum.reduceat(running, starts)
    out: list[tuple[str, str, int, int]] = []
    commitments = rows["commitment"].cat.categories
    funders = rows["funder"].cat.categories
    lengths = np.diff(np.r_[starts, len(keys)])
    # per line that goes below zero, the first year end at its lowest
    hit = np.flatnonzero((running == np.repeat(lowest, lengths)) & np.repeat(lowest < 0, lengths))
    line_index = np.repeat(np.arange(len(starts)), lengths)[hit]
    at = hit[np.r_[True, line_index[1:] != line_index[:-1]]] if len(hit) else hit
    code = line_of[at]
    names = commitments.to_numpy(object)[code // len(funders)].tolist()
    keys_of = funders.to_numpy(object)[code % len(funders)].tolist()
    for cid, key, year, low in zip(
        names, keys_of, (keys[at] % span + first).tolist(), running[at].tolist(), strict=True
    ):
        out.append((str(cid), str(key), year, -low))
    return out


def cash_forecast(
    group: Codes,
    years: Codes,
    rule_year: int | None,
    slips: npt.NDArray[np.bool_],
    planned: Codes,
    actual: Codes,
    positive: Codes,
) -> Codes:
    """The cash forecast of rows sorted by line (`group`: commitment, funder and basis) and
    year, with `rule_year` c the current year (or the first future year):

    - a year before c (closed): the actual A (`actual` and `positive` hold only what was
      booked up to as_of: 0 in future years);
    - `lapses`: c is A(c) + max(0, P(c) - A+(c)) (A+ the payments); a later year its plan;
    - `slips`: owed = the plan up to c - the actuals up to c; c is A(c) + max(0, owed); a
      negative owed (paid ahead) lowers the later years' plan in year order.

    Without `as_of` (no c) every year is its plan. A slipping line totals
    max(sum of P, sum of A) exactly.
    """
    if rule_year is None or len(group) == 0:
        return planned.copy()
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    line = np.cumsum(np.r_[False, group[1:] != group[:-1]])
    upto = years <= rule_year
    owed = (
        np.add.reduceat(np.where(upto, planned, 0), starts)
        - np.add.reduceat(np.where(upto, actual, 0), starts)
    )[line]
    later = years > rule_year
    later_plan = np.where(later, planned, 0)
    running = np.cumsum(later_plan)
    running = running - (running[starts] - later_plan[starts])[line]
    ahead = np.maximum(0, -owed)
    lowered = np.maximum(0, running - ahead) - np.maximum(0, running - later_plan - ahead)
    now_lapses = actual + np.maximum(0, planned - positive)
    now_slips = actual + np.maximum(0, owed)
    return np.where(
        years < rule_year,
        actual,
        np.where(
            years == rule_year,
            np.where(slips, now_slips, now_lapses),
            np.where(slips, lowered, planned),
        ),
    ).astype(np.int64)


def _categories(values: pd.Series, names: list[str]) -> pd.Categorical:
    return pd.Categorical(values.to_numpy(object), categories=names)


Codes = npt.NDArray[np.int64]


def _keyed(
    rows: pd.DataFrame, column: str, commitments: list[str], funders: list[str]
) -> tuple[tuple[Codes, Codes, Codes, Codes], Codes]:
    """((commitment, funder, basis, year) codes, cents) of tidy rows or bookings; codes
    follow the scenario's order, so that sorted keys are the order of the output."""

    def codes(name: str, names: list[str]) -> Codes:
        values = rows[name]
        if isinstance(values.dtype, pd.CategoricalDtype):
            if _leads(values.cat.categories, names):  # the projection's: codes as they are
                same: Codes = np.asarray(values.cat.codes, dtype=np.int64)
                if (same < 0).any():
                    raise ValueError(f"{name}: a value that is not in the scenario")
                return same
            series = values.cat.set_categories(names)
        else:
            series = pd.Series(pd.Categorical(values.to_numpy(object), categories=names))
        found: Codes = np.asarray(series.cat.codes, dtype=np.int64)
        if (found < 0).any():
            raise ValueError(f"{name}: a value that is not in the scenario")
        return found

    return (
        codes("commitment", commitments),
        codes("funder", funders),
        codes("basis", list(BASES)),
        rows["year"].to_numpy(np.int64),
    ), rows[column].to_numpy(np.int64)


def _leads(categories: pd.Index, names: list[str]) -> bool:
    """Whether `categories` are the first of `names`, in order (then a categorical's codes
    are its codes in `names`, without recoding a million categories)."""
    count = len(categories)
    if count > len(names):
        return False
    wanted = np.empty(count, dtype=object)
    wanted[:] = names[:count]
    return bool((categories.to_numpy(object) == wanted).all())


def distinct(values: Codes) -> Codes:
    """The distinct values in order: `np.unique` by sorting (numpy 2.4's `np.unique` hashes
    first, and takes 10-15x as long on a million int64 keys)."""
    ordered = np.sort(values, kind="stable")
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _sum_by_key(key: Codes, cents: Codes) -> tuple[Codes, Codes]:
    """The distinct keys in order and the exact int64 sum of the cents of each."""
    if len(key) == 0:
        return key, cents
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.add.reduceat(cents[order], starts)


def forecast_rows(scenario: Scenario, realised: pd.DataFrame) -> pd.DataFrame:
    """The forecast as tidy projection rows (the columns of `budget.project`, with
    `amount_cents` the forecast), for the ledger, the limits and `check`."""
    rows = rows_of(scenario.commitments)
    kinds = dict(zip(rows.ids, rows.kinds, strict=True))
    names = [*KINDS, UNPLANNED]
    commitment = realised["commitment"].cat
    per_category = np.array(
        [names.index(kinds.get(c, UNPLANNED)) for c in commitment.categories], dtype=np.int64
    )
    kind = pd.Categorical.from_codes(
        per_category[commitment.codes.to_numpy(np.int64)], categories=pd.Index(names)
    )
    out = pd.DataFrame(
        {
            "scenario": realised["scenario"],
            "commitment": realised["commitment"],
            "recipient": realised["recipient"],
            "funder": realised["funder"],
            "kind": kind,
            "basis": realised["basis"],
            "year": realised["year"].to_numpy(np.int64),
            "amount_cents": realised["forecast_cents"].to_numpy(np.int64),
        }
    )
    out.attrs.update(realised.attrs)
    return out[TIDY_COLUMNS]


def plan_vs_actual(
    scenario: Scenario, files: Sequence[str] | None = None, as_of: dt.date | None = None
) -> pd.DataFrame:
    """Plan against actual and the forecast, per commitment, funder, basis and year.

    `files`: actuals files (default: the scenario's `actuals`); `as_of`: the date up to
    which they are complete (default: the scenario's, else the latest booking). Columns:
    scenario, commitment, recipient, funder, basis, year, status, planned_cents,
    actual_cents, variance_cents, forecast_cents (int64). Text columns are categorical;
    `attrs` holds scenario, as_of, files, bookings, unplanned_bookings, total_cents and the
    warnings. Raises InputError on a bad file.
    """
    frame, problems, _ = realise(scenario, files, as_of)
    if frame is None:
        raise InputError(problems)
    return frame


def actuals_frame(scenario: Scenario, files: Sequence[str] | None = None) -> pd.DataFrame:
    """The bookings of the actuals files, one row each, in file and row order.

    Columns: commitment (a scenario id or "(unplanned)"), funder, basis (categorical),
    date (a datetime.date, or None when the file gives only the year), year (int64,
    the fiscal year), amount_cents (int64, negative for a refund), reference,
    description, written (the commitment id as the file wrote it), file and row (where
    the booking is). `attrs`: scenario, files, warnings. Raises InputError on a bad file.
    """
    paths = list(scenario.actuals if files is None else files)
    bookings, problems, warnings = read_bookings(scenario, paths)
    if problems:
        raise InputError(problems)
    dates = bookings["date"].to_numpy("datetime64[D]")
    out = pd.DataFrame(
        {
            "commitment": _categories(
                bookings["commitment"], [*rows_of(scenario.commitments).ids, UNPLANNED]
            ),
            "funder": _categories(bookings["funder"], list(scenario.funders)),
            "basis": _categories(bookings["basis"], list(BASES)),
            "date": dates.astype(object),  # datetime.date, None where NaT
            "year": bookings["year"].to_numpy(np.int64),
            "amount_cents": bookings["amount_cents"].to_numpy(np.int64),
            "reference": bookings["reference"].astype(object),
            "description": bookings["description"].astype(object),
            "written": bookings["written"].astype(object),
            "file": pd.Categorical(
                bookings["file"].to_numpy(object), categories=list(dict.fromkeys(paths))
            ),
            "row": bookings["row"].to_numpy(np.int64),
        }
    )
    out.attrs.update(scenario=scenario.name, files=paths, warnings=warnings)
    return out
