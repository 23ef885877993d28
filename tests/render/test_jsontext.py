"""records_json gives the bytes of json.dumps of a dict per row (issue 21: speed only)."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest.mock import patch

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.render import jsontext
from budget.render.jsontext import records_json
from tests.render.test_csvtext_reference import frames


def reference(rows: pd.DataFrame) -> str:
    """budget.render.text.rows_json as it was before issue 21: a dict per row."""
    records = [
        {
            k: (int(v) if hasattr(v, "item") and not isinstance(v, str) else v)
            for k, v in zip(rows.columns, values, strict=True)
        }
        for values in rows.itertuples(index=False, name=None)
    ]
    return json.dumps(records, indent=1, ensure_ascii=False) + "\n"


@settings(max_examples=300)
@given(frames())
def test_the_bytes_are_those_of_a_dict_per_row(frame):
    # Without pd.NA and Decimal, which json.dumps cannot encode either way.
    frame = pd.DataFrame(
        {
            c: (
                frame[c]
                if isinstance(frame[c].dtype, pd.CategoricalDtype) or frame[c].dtype.kind != "O"
                else frame[c].map(lambda v: None if v is pd.NA else v).astype(object)
            )
            for c in frame.columns
        }
    )
    for c in frame.columns:
        if frame[c].dtype.kind == "O":
            frame[c] = frame[c].map(lambda v: str(v) if isinstance(v, Decimal) else v)
    want = reference(frame)
    assert records_json(frame) == want
    with patch.object(jsontext, "BLOCK_ROWS", 2):
        assert records_json(frame) == want


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
