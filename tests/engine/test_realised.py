"""Properties of plan against actual, checked against a plain scalar reference.

For any generated scenario and bookings: the actual column sums to the files' total (nothing
is lost: unknown and empty ids are counted under (unplanned)), and every row equals the
reference: on the cash basis the forecast rules of issue 18 (`slips` and `lapses`), on the
commitment basis, where obligations are booked, actual in closed years, max(planned,
actual) in the current year, planned in future years; where none are, a grant's plan or
the cash forecast. The outstanding obligation is never negative unless a warning says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import project
from budget.core.model import Scenario
from budget.engine.realised import overpaid, realise
from budget.testing.strategies import scenarios
from tests.helpers import letter

UNPLANNED = "(unplanned)"


def reference_status(scenario: Scenario, year: int, as_of: dt.date | None) -> str:
    if as_of is None:
        return "future"
    start = scenario.calendar.start_of(year)
    last = scenario.calendar.start_of(year + 1) - dt.timedelta(days=1)
    if last <= as_of:
        return "closed"
    return "current" if start <= as_of else "future"


def reference(scenario, bookings, as_of):
    """{(commitment, funder, basis, year): (status, planned, actual, variance, forecast)}."""
    ids = {c.id for c in scenario.commitments}
    planned: dict[tuple, int] = {}
    for r in project(scenario).itertuples(index=False):
        planned[(r.commitment, r.funder, r.basis, int(r.year))] = int(r.amount_cents)
    actual: dict[tuple, int] = defaultdict(int)
    payments: dict[tuple, int] = defaultdict(int)
    latest = []
    for commitment, funder, basis, when, cents in bookings:
        if isinstance(when, dt.date):
            year = scenario.calendar.year_of(when)
            latest.append(when)
        else:
            year = when
            latest.append(scenario.calendar.start_of(year + 1) - dt.timedelta(days=1))
        key = (commitment if commitment in ids else UNPLANNED, funder, basis or "cash", year)
        actual[key] += cents
        payments[key] += max(0, cents)
    if as_of is None and latest:
        as_of = max(latest)
    out = {}
    policy = {c.id: c.unpaid_policy for c in scenario.commitments}
    kind = {c.id: c.kind for c in scenario.commitments}
    keys = set(planned) | set(actual)
    # a commitment and funder with any commitment-basis booking: its obligations are booked
    booked = {key[:2] for key in actual if key[2] == "commitment"}
    rule_year = None if as_of is None else scenario.calendar.year_of(as_of + dt.timedelta(days=1))
    cash_forecast: dict[tuple, int] = {}
    lines = {key[:3] for key in keys}
    cash_lines = {line for line in lines if line[2] == "cash"}
    for line in cash_lines:
        slipping = policy.get(line[0]) == "slips"
        years = sorted({key[3] for key in keys if key[:3] == line})
        if slipping and rule_year is not None and rule_year not in years:
            years = sorted([*years, rule_year])
        # bookings of a future year (after as_of) are not yet known to the forecast
        known = [reference_status(scenario, y, as_of) != "future" for y in years]
        forecasts = reference_line(
            years,
            rule_year,
            slipping,
            [planned.get((*line, y), 0) for y in years],
            [actual.get((*line, y), 0) * k for y, k in zip(years, known, strict=True)],
            [payments.get((*line, y), 0) * k for y, k in zip(years, known, strict=True)],
        )
        for year, forecast in zip(years, forecasts, strict=True):
            cash_forecast[(*line, year)] = forecast
    commitment_lines = {line for line in lines if line[2] == "commitment"}
    commitment_lines |= {(c, f, "commitment") for c, f, _ in cash_lines}
    for line in commitment_lines:
        years = {key[3] for key in keys if key[:3] == line}
        when_paid = (
            rule_year is not None and line[:2] not in booked and kind.get(line[0]) != "grant"
        )
        if when_paid:  # committed when paid: wherever the cash forecast has a row
            years |= {key[3] for key in cash_forecast if key[:2] == line[:2]}
        for year in sorted(years):
            key = (*line, year)
            p, a = planned.get(key, 0), actual.get(key, 0)
            status = reference_status(scenario, year, as_of)
            if rule_year is not None and line[:2] not in booked:
                # no obligations booked: a grant's stand as planned, the others' as paid
                forecast = cash_forecast.get((*line[:2], "cash", year), 0) if when_paid else p
            else:
                forecast = {"closed": a, "current": max(p, a), "future": p}[status]
            if key not in keys and forecast == 0:
                continue
            out[key] = (status, p, a, a - p, forecast)
    for key, forecast in cash_forecast.items():
        if key not in keys and forecast == 0:
            continue
        p, a = planned.get(key, 0), actual.get(key, 0)
        out[key] = (reference_status(scenario, key[3], as_of), p, a, a - p, forecast)
    # receipts (no settlement in these scenarios): what was booked up to as_of
    for key in keys:
        if key[2] == "receipts":
            p, a = planned.get(key, 0), actual.get(key, 0)
            status = reference_status(scenario, key[3], as_of)
            out[key] = (status, p, a, a - p, 0 if status == "future" else a)
    return out


def reference_overpaid(rows) -> set[tuple[str, str]]:
    """The commitments and funders whose obligations entered less their payments plus what
    was received back, added up year by year, are negative at some year end."""
    by_line: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (commitment, funder, basis, year), row in rows.items():
        by_line[(commitment, funder)][year] += -row[4] if basis == "cash" else row[4]
    negative = set()
    for line, years in by_line.items():
        outstanding = 0
        for year in sorted(years):
            outstanding += years[year]
            if outstanding < 0:
                negative.add(line)
    return negative


def reference_line(years, rule_year, slipping, planned, actual, payments):
    """The cash forecast of one line (commitment, funder) year by year, as issue 18 says."""
    if rule_year is None:
        return list(planned)
    owed = sum(p for y, p in zip(years, planned, strict=True) if y <= rule_year) - sum(
        a for y, a in zip(years, actual, strict=True) if y <= rule_year
    )
    ahead = max(0, -owed)
    out = []
    for year, p, a, paid in zip(years, planned, actual, payments, strict=True):
        if year < rule_year:
            out.append(a)
        elif year == rule_year:
            out.append(a + max(0, owed) if slipping else a + max(0, p - paid))
        elif slipping:
            lowered = min(p, ahead)
            ahead -= lowered
            out.append(p - lowered)
        else:
            out.append(p)
    return out


@st.composite
def bookings_for(draw, scenario: Scenario):
    ids = [c.id for c in scenario.commitments]
    years = list(range(scenario.first_year - 1, scenario.last_year + 2))
    first = scenario.calendar.start_of(years[0])
    last = scenario.calendar.start_of(years[-1] + 1) - dt.timedelta(days=1)
    when = st.one_of(st.sampled_from(years), st.dates(first, last))
    drawn = draw(
        st.lists(
            st.tuples(
                st.sampled_from([*ids, "", "no-such-id"]),
                st.sampled_from(list(scenario.funders)),
                st.sampled_from(["cash", "commitment", "", "receipts"]),
                when,
                st.integers(-(10**11), 10**11),
            ),
            max_size=25,
        )
    )
    # receipts only where a commitment can have them: grants and bookings of no commitment
    kinds = {c.id: c.kind for c in scenario.commitments}
    return [
        (c, f, "cash" if b == "receipts" and kinds.get(c, "grant") != "grant" else b, w, a)
        for c, f, b, w, a in drawn
    ]


def write(folder: Path, bookings) -> Path:
    path = folder / "actuals.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["date", "year", "commitment", "funder", "basis", "amount"])
        for commitment, funder, basis, when, cents in bookings:
            sign = "-" if cents < 0 else ""
            amount = f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"
            date, year = (when.isoformat(), "") if isinstance(when, dt.date) else ("", when)
            out.writerow([date, year, commitment, funder, basis, amount])
    return path


@settings(max_examples=60, deadline=None)
@given(data=st.data(), scenario=scenarios(max_commitments=4))
def test_nothing_is_lost_and_every_row_matches_the_reference(data, scenario):
    bookings = data.draw(bookings_for(scenario))
    as_of = data.draw(
        st.none()
        | st.dates(
            scenario.calendar.start_of(scenario.first_year - 1),
            scenario.calendar.start_of(scenario.last_year + 2),
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), bookings)
        frame, problems, warnings = realise(scenario, [str(path)], as_of)
    assert not problems, problems
    assert frame is not None
    assert int(frame["actual_cents"].sum()) == sum(b[4] for b in bookings)
    got = {
        (r.commitment, r.funder, r.basis, int(r.year)): (
            r.status,
            int(r.planned_cents),
            int(r.actual_cents),
            int(r.variance_cents),
            int(r.forecast_cents),
        )
        for r in frame.itertuples(index=False)
    }
    assert len(got) == len(frame), "one row per commitment, funder, basis and year"
    assert got == reference(scenario, bookings, as_of)
    # a closed year's cash is its actual (obligations not booked come from elsewhere)
    closed = (frame["status"] == "closed") & (frame["basis"] == "cash")
    assert (frame.loc[closed, "forecast_cents"] == frame.loc[closed, "actual_cents"]).all()
    if as_of is not None:
        slips = {c.id for c in scenario.commitments if c.unpaid_policy == "slips"}
        cash = frame[frame["basis"] == "cash"]
        for (commitment, _), line in cash.groupby(["commitment", "funder"], observed=True):
            paid_later = (line.loc[line["status"] == "future", "actual_cents"] != 0).any()
            if commitment not in slips or paid_later:
                continue
            # a slipping line pays its plan or what was paid, whichever is more
            assert int(line["forecast_cents"].sum()) == max(
                int(line["planned_cents"].sum()), int(line["actual_cents"].sum())
            )
    unknown = any(b[0] == "no-such-id" for b in bookings)
    assert sum("is not a commitment of this scenario" in w for w in warnings) == unknown
    # the outstanding obligation is never negative unless a warning says so
    found = overpaid(frame)
    warned = {(c, f) for c, f, _, _ in found}
    assert warned == reference_overpaid(got)
    lines = [w for w in warnings if "more than committed" in w]
    assert len(lines) == min(len(warned), 20) + (len(warned) > 20)
    for commitment, funder, _, _ in found[:20]:
        assert any(f"commitment {commitment!r}, funder {funder}:" in w for w in lines)


@given(st.lists(st.text(alphabet="0123456789.+-, e", max_size=19), max_size=30))
def test_amounts_read_on_arrays_agree_with_the_one_amount_parser(texts):
    """The array reader takes only what parse_cents takes, with the same cents."""
    import numpy as np

    from budget.core.money import MoneyError, parse_cents
    from budget.load.booking_cells import quick_cents

    cents, read = quick_cents(np.array(texts, dtype=object))
    for text, value, quick in zip(texts, cents, read, strict=True):
        if quick:
            assert parse_cents(text, allow_negative=True) == value, text
        else:
            try:
                parse_cents(text, allow_negative=True)
            except MoneyError:
                continue
            # Taken by the parser but not on arrays: only text with spaces around it (cells
            # arrive stripped) or more than 15 whole digits.
            assert text != text.strip() or len(text.strip().lstrip("+-").split(".")[0]) > 15


@given(st.lists(st.integers(-(10**17) + 1, 10**17 - 1), max_size=30), st.integers(0, 2))
def test_every_plain_amount_is_read_on_arrays(values, decimals):
    import numpy as np

    from budget.load.booking_cells import quick_cents

    def text(cents: int) -> str:
        sign = "-" if cents < 0 else ""
        whole, frac = divmod(abs(cents), 100)
        return f"{sign}{whole}" + (f".{frac:02d}"[: decimals + 1] if decimals else "")

    shown = [text(v) for v in values]
    cents, read = quick_cents(np.array(shown, dtype=object))
    assert read.all()
    for v, c in zip(values, cents, strict=True):
        # The text keeps `decimals` of the two decimal digits; the rest are dropped.
        kept = abs(v) - abs(v) % 10 ** (2 - decimals)
        assert c == (-kept if v < 0 else kept)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(
            alphabet='date,yearcommitmnfudbsi;"\n\r\ufeff-0123456789.VenJBZ mki-support ',
            max_size=300,
        ),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    ),
    st.sampled_from(["utf-8", "utf-16", "latin-1"]),
)
def test_generated_actuals_files_never_crash(text, encoding):
    """Any file gives bookings or problems (each naming the file), never an exception."""
    from budget.load.bookings import read_bookings

    scenario = letter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        frame, problems, _ = read_bookings(scenario, [str(path)])
    assert all(p.file == str(path) for p in problems)
    if not problems:
        assert frame["amount_cents"].dtype == "int64"


CELLS = st.one_of(
    st.sampled_from(["", "mki-support", "VenJ", "BZ", "cash", "commitment", "2015", "2014-12-31"]),
    st.sampled_from(["-0.01", "1e5", "1,000.00", "٣", "2015-02-29", "+", "1.2.3", "NaN"]),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["date", "year", "commitment", "funder", "basis", "amount",
                              "reference", "DATE", "", "colour"]), min_size=1, max_size=8),
    st.lists(st.lists(CELLS, max_size=9), max_size=8),
)  # fmt: skip
def test_generated_tables_give_bookings_or_row_and_column_problems(header, rows):
    """Well-formed CSV with any cells: bookings that add up, or problems naming the file
    (and, for cells, the row and column); never an exception."""
    from budget.load.bookings import read_bookings

    scenario = letter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            width = len(header)
            writer.writerows([(row + [""] * width)[:width] for row in rows])
        frame, problems, _ = read_bookings(scenario, [str(path)])
    assert all(p.file == str(path) for p in problems)
    if not problems:
        assert len(frame) <= len(rows)
        assert frame["funder"].isin(list(scenario.funders)).all()
