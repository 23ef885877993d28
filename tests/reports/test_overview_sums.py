"""The overviews' sums on arrays (`reports.overview._sums`: codes combined into one group
number per row, one int64 grid) against a row-by-row reference: the same cents to the cent,
the same groups in the order of their first row, rows with a missing key left out."""

from __future__ import annotations

from types import SimpleNamespace

import hypothesis.strategies as st
import numpy as np
import pandas as pd
from hypothesis import given, settings

from budget.reports.grouping import basis_mask
from budget.reports.overview import _columns, _sums, column_of

FIRST, LAST = 2015, 2018
SCENARIO = SimpleNamespace(first_year=FIRST, last_year=LAST, years=range(FIRST, LAST + 1))
KEYS = ("funder", "commitment", "recipient")


def reference(frame: pd.DataFrame, basis: str, keys, columns):  # type: ignore[no-untyped-def]
    """Row by row, in plain Python integers."""
    position = {c: i for i, c in enumerate(columns)}
    out: dict[tuple[str, ...], list[int]] = {}
    for record in frame.to_dict("records"):
        if record["basis"] != basis:
            continue
        values = [record[k] for k in keys]
        if any(v is None or (isinstance(v, float) and np.isnan(v)) for v in values):
            continue
        key = tuple(str(v) for v in values)
        cents = out.setdefault(key, [0] * len(columns))
        cents[position[column_of(int(record["year"]), SCENARIO)]] += int(record["amount_cents"])  # type: ignore[arg-type]
    return out


names = st.sampled_from(["a", "b", "c", "=x", "d e"])


@st.composite
def frames(draw):  # type: ignore[no-untyped-def]
    count = draw(st.integers(0, 40))
    column = {
        k: draw(st.lists(st.one_of(names, st.none()) if k == "recipient" else names,
                         min_size=count, max_size=count))
        for k in KEYS
    }  # fmt: skip

    def values(elements):  # type: ignore[no-untyped-def]
        return draw(st.lists(elements, min_size=count, max_size=count))

    frame = pd.DataFrame(
        {
            **column,
            "basis": values(st.sampled_from(["cash", "commitment"])),
            "year": np.array(values(st.integers(FIRST - 2, LAST + 2)), dtype=np.int64),
            "amount_cents": np.array(values(st.integers(-(10**15), 10**15)), dtype=np.int64),
        }
    )
    for k in draw(st.lists(st.sampled_from([*KEYS, "basis"]), unique=True)):
        frame[k] = frame[k].astype("category")  # categorical or object, as callers pass
    return frame


@settings(max_examples=200, deadline=None)
@given(frames(), st.sampled_from([("funder",), ("recipient", "funder"), KEYS]),
       st.sampled_from(["cash", "commitment"]))  # fmt: skip
def test_sums_are_the_row_by_row_sums(frame, keys, basis) -> None:  # type: ignore[no-untyped-def]
    mask = basis_mask(frame, basis)
    assert mask.tolist() == (frame["basis"] == basis).tolist()
    columns = _columns(frame["year"].to_numpy()[mask], SCENARIO)
    got = _sums(frame, mask, keys, columns, SCENARIO)  # type: ignore[arg-type]
    want = reference(frame, basis, keys, columns)
    assert got == want
    assert list(got) == list(want)  # groups in the order of their first row


def test_a_column_outside_the_horizon_only_when_a_row_falls_there() -> None:
    years = np.array([FIRST, LAST + 1], dtype=np.int64)
    assert _columns(years, SCENARIO) == ["2015", "2016", "2017", "2018", "later"]  # type: ignore[arg-type]
    assert _columns(years[:0], SCENARIO)[0] == "2015"  # type: ignore[arg-type]
