"""records_json gives the bytes of json.dumps of a dict per row, each cell as the JSON
convention says (issue 20: null for missing and empty text, Decimal as a number), written
per column at the speed of to_json (issue 21)."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest.mock import patch

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.render import coded, jsontext
from budget.render.jsontext import records_json
from tests.render.test_csvtext_reference import frames


def cell(value):
    """One cell by the convention, scalar by scalar."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if value != value else float(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def reference(rows: pd.DataFrame) -> str:
    """A dict per row through json.dumps, each cell by `cell`."""
    records = [
        {k: cell(v) for k, v in zip(rows.columns, values, strict=True)}
        for values in rows.itertuples(index=False, name=None)
    ]
    return json.dumps(records, indent=1, ensure_ascii=False) + "\n"


@settings(max_examples=300)
@given(frames())
def test_the_bytes_are_those_of_a_dict_per_row(frame):
    want = reference(frame)
    assert records_json(frame) == want
    with patch.object(jsontext, "BLOCK_ROWS", 2):
        assert records_json(frame) == want
    for share in (0.0, 10.0):  # columns never merged; always merged
        with patch.object(coded, "MERGE_SHARE", share):
            assert records_json(frame) == want
    with patch.object(coded, "MERGE_SHARE", 10.0), patch.object(coded, "DENSE", -(10**6)):
        assert records_json(frame) == want  # codes by hashing, never a table


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=8))
def test_whole_numbers_and_a_projection_like_frame(cents):
    frame = pd.DataFrame(
        {
            "funder": pd.Categorical(["A", "B"] * len(cents))[: len(cents)],
            "year": np.arange(len(cents), dtype=np.int64) + 2015,
            "flag": np.array([c > 0 for c in cents], dtype=bool),
            "amount_cents": np.array(cents, dtype=np.int64),
        }
    )
    assert records_json(frame) == reference(frame)
    assert records_json(frame.iloc[:, :0]) == reference(frame.iloc[:, :0])
