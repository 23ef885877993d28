"""The ledger on arrays (`reports.ledger.ledger`: per funder and year from the rows' codes,
the part paid on earlier commitments per pair, BLOCK pairs at a time) against a plain
Python reference, pair by pair and year by year, to the cent."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from budget.reports import ledger as ledger_module
from budget.reports.ledger import LedgerYear, ledger

BASES = ["commitment", "cash", "receipts"]


def reference(records, funders):  # type: ignore[no-untyped-def]
    """Per (commitment, funder) pair: entered, paid, recovered per year; opening rolls
    forward; covered = min(paid, max(opening, 0)); then summed per funder."""
    years = range(min(r[3] for r in records), max(r[3] for r in records) + 1)
    amounts: dict[tuple[str, str, str, int], int] = {}
    pairs: dict[tuple[str, str], None] = {}
    for commitment, funder, basis, year, cents in records:
        pairs[(commitment, funder)] = None
        key = (commitment, funder, basis, year)
        amounts[key] = amounts.get(key, 0) + cents
    order = funders if funders is not None else list(dict.fromkeys(f for _, f in pairs))
    out = []
    for funder in order:
        mine = [c for c, f in pairs if f == funder]
        if not mine:
            continue
        opening = {c: 0 for c in mine}
        for year in years:
            line = dict.fromkeys(("opening", "entered", "paid", "closing", "covered", "back"), 0)
            for c in mine:
                entered = amounts.get((c, funder, "commitment", year), 0)
                paid = amounts.get((c, funder, "cash", year), 0)
                back = amounts.get((c, funder, "receipts", year), 0)
                closing = opening[c] + entered - paid + back
                line["opening"] += opening[c]
                line["entered"] += entered
                line["paid"] += paid
                line["back"] += back
                line["closing"] += closing
                line["covered"] += min(paid, max(opening[c], 0))
                opening[c] = closing
            out.append(
                LedgerYear(funder, year, line["opening"], line["entered"], line["paid"],
                           line["closing"], line["covered"], line["back"])
            )  # fmt: skip
    return out


records = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["F", "G", "H"]),
        st.sampled_from(BASES),
        st.integers(2015, 2019),
        st.integers(-(10**12), 10**12),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    records,
    st.sampled_from([None, ["H", "G", "F"], ["G", "X"]]),
    st.booleans(),
    st.integers(1, 3),
)
def test_the_ledger_is_the_pair_by_pair_reference(  # type: ignore[no-untyped-def]
    found, funders, categorical, block
) -> None:
    frame = pd.DataFrame(
        {
            "commitment": [r[0] for r in found],
            "funder": [r[1] for r in found],
            "basis": [r[2] for r in found],
            "year": np.array([r[3] for r in found], dtype=np.int64),
            "amount_cents": np.array([r[4] for r in found], dtype=np.int64),
        }
    )
    if categorical:
        for name in ("commitment", "funder", "basis"):
            frame[name] = frame[name].astype("category")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ledger_module, "BLOCK", block)  # pairs split over blocks too
        assert ledger(frame, funders) == reference(found, funders)


def test_many_funders_and_years_with_small_codes() -> None:
    # 40 funders over 12 years: a categorical's int8 codes times the years' width go
    # beyond int8 (the cells are worked out in int64).
    found = [
        (f"c{i % 7}", f"F{i % 40}", BASES[i % 2], 2010 + i % 12, 1_000 * (i + 1))
        for i in range(400)
    ]
    frame = pd.DataFrame(
        {
            "commitment": pd.Categorical([r[0] for r in found]),
            "funder": pd.Categorical([r[1] for r in found]),
            "basis": pd.Categorical([r[2] for r in found]),
            "year": np.array([r[3] for r in found], dtype=np.int64),
            "amount_cents": np.array([r[4] for r in found], dtype=np.int64),
        }
    )
    assert frame["funder"].cat.codes.dtype == np.int8
    assert ledger(frame) == reference(found, None)
