"""The per-distinct-value CSV writer gives the bytes of the value-by-value one (issue 21)."""

from __future__ import annotations

from decimal import Decimal
from unittest.mock import patch

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.render import coded, csvtext
from budget.render.csvtext import euros_category, euros_texts, frame_csv
from budget.render.text import with_conventions, with_euros
from budget.testing.strategies import scenarios
from tests.render import csvtext_reference as reference

# Text that exercises the quoting: separators, quotes, line breaks, formula starts, numbers.
PIECES = st.sampled_from(
    ["a", "b c", ",", ";", '"', "\n", "\r", "\t", "=", "+1", "-", "@x", "12.50", "7", "", " "]
)
TEXT = st.lists(PIECES, max_size=3).map("".join) | st.text(max_size=6)
MISSING = st.sampled_from([None, float("nan"), pd.NA])


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 6))
    columns: dict[str, object] = {}
    kinds = draw(
        st.lists(
            st.sampled_from(
                [
                    *["category", "category_missing", "int", "small_int", "cents", "bool"],
                    *["text", "text_missing", "float", "mixed"],
                ]
            ),
            min_size=1,
            max_size=4,
        )
    )
    for number, kind in enumerate(kinds):
        name = draw(TEXT) + f"#{number}" if draw(st.booleans()) else f"c{number}"
        values: object
        if kind == "category":
            texts = draw(st.lists(TEXT, min_size=rows, max_size=rows))
            extra = draw(st.lists(TEXT, max_size=2))  # categories that no row uses
            values = pd.Categorical(texts, categories=list(dict.fromkeys([*texts, *extra])))
        elif kind == "category_missing":  # code -1 in some rows
            texts = draw(st.lists(TEXT | st.none(), min_size=rows, max_size=rows))
            values = pd.Categorical(texts)
        elif kind == "small_int":  # a small range (years): coded by a table, not hashed
            values = np.array(
                draw(st.lists(st.integers(2015, 2020), min_size=rows, max_size=rows)),
                dtype=np.int64,
            )
        elif kind == "cents":  # a euro column (a categorical) and its cents after it
            amounts = st.sampled_from([0, 5, -5, 100_050, 2**62]) | st.integers(
                -(2**63) + 1, 2**63 - 1
            )
            cents = np.array(draw(st.lists(amounts, min_size=rows, max_size=rows)), dtype=np.int64)
            columns[f"e{number}"] = euros_category(cents)
            values = cents
        elif kind == "int":
            values = np.array(
                draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=rows, max_size=rows)),
                dtype=np.int64,
            )
        elif kind == "bool":
            values = np.array(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)))
        elif kind == "text":
            values = np.array(draw(st.lists(TEXT, min_size=rows, max_size=rows)), dtype=object)
        elif kind == "text_missing":
            values = np.array(
                draw(st.lists(TEXT | MISSING, min_size=rows, max_size=rows)), dtype=object
            )
        elif kind == "float":
            values = np.array(
                draw(st.lists(st.floats(allow_infinity=False), min_size=rows, max_size=rows)),
                dtype=float,
            )
        else:
            values = np.array(
                draw(
                    st.lists(
                        TEXT | st.integers(-5, 5) | st.sampled_from([1.0, True, Decimal("1.50")]),
                        min_size=rows,
                        max_size=rows,
                    )
                ),
                dtype=object,
            )
        columns[name] = values
    return pd.DataFrame(columns)


@settings(max_examples=300)
@given(frames(), st.sampled_from(["csv", "excel-csv"]), st.booleans())
def test_the_bytes_are_those_of_the_value_by_value_writer(frame, flavour, header):
    want = reference.frame_csv(frame, flavour, header)
    assert frame_csv(frame, flavour, header) == want
    with patch.object(csvtext, "BLOCK_ROWS", 2):  # rows joined a block at a time
        assert frame_csv(frame, flavour, header) == want
    for share in (0.0, 10.0):  # columns never merged; always merged (issue 21)
        with patch.object(coded, "MERGE_SHARE", share):
            assert frame_csv(frame, flavour, header) == want
    with patch.object(coded, "MERGE_SHARE", 10.0), patch.object(coded, "DENSE", -(10**6)):
        assert frame_csv(frame, flavour, header) == want  # codes by hashing, never a table
    with patch.object(coded, "MERGE_SHARE", 10.0), patch.object(coded, "BLOCK", 1):
        assert frame_csv(frame, flavour, header) == want  # a combination's texts at a time


@given(
    st.lists(st.integers(2010, 2030), max_size=12),
    st.sampled_from(["EUR", "=1+1", "a,b"]),
    st.sampled_from(["csv", "excel-csv"]),
)
def test_conventions_as_categories_are_the_same_texts(years, currency, flavour):
    """`with_conventions(category=True)` gives the labels and currency as categoricals of
    the same texts, also when two years share a label; the CSV is the same."""

    def label(year: int) -> str:  # 2020 and 2021 share a label
        return "2020-21" if year in (2020, 2021) else f"FY{year}"

    rows = pd.DataFrame(
        {"year": np.array(years, dtype=np.int64), "amount_cents": np.arange(len(years))}
    )
    plain = with_conventions(rows, currency, label)
    coded_ = with_conventions(rows, currency, label, category=True)
    for name in ("year_label", "currency"):
        assert isinstance(coded_[name].dtype, pd.CategoricalDtype)
        assert coded_[name].astype(object).tolist() == plain[name].tolist()
        assert not coded_[name].cat.categories.has_duplicates
    assert frame_csv(coded_, flavour) == frame_csv(plain, flavour)


@given(st.lists(st.integers(-(2**63) + 1, 2**63 - 1), max_size=20))
def test_euros_are_those_of_format_euros_one_by_one(cents):
    from budget.core.money import format_euros

    frame = with_euros(pd.DataFrame({"amount_cents": np.array(cents, dtype=np.int64)}))
    assert frame["amount"].tolist() == [format_euros(c) for c in cents]


def test_euros_on_arrays_are_format_euros_down_to_the_least_int64():
    from budget.core.money import format_euros

    cents = np.array([0, 1, -1, 99, -100, 123456, -(2**63) + 1, 2**63 - 1], dtype=np.int64)
    assert euros_texts(cents) == [format_euros(c) for c in cents.tolist()]
    least = np.array([-(2**63), 5], dtype=np.int64)
    assert euros_texts(least) == [format_euros(c) for c in least.tolist()]


def test_a_frame_without_columns_and_one_with_an_empty_only_field():
    empty = pd.DataFrame(index=range(2))
    for flavour in ("csv", "excel-csv"):
        assert frame_csv(empty, flavour) == reference.frame_csv(empty, flavour)
    # The csv writer quotes a row's only field when it is empty: '""'.
    one = pd.DataFrame({"x": np.array(["", "a"], dtype=object)})
    assert frame_csv(one) == 'x\n""\na\n'


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.integers(1, 40), st.sampled_from([0.0, 0.5, 10.0]))
def test_the_data_csv_in_chunks_is_the_reference_writers_whole(scenario, chunk, share):
    """The overflow CSV of the Data sheet (euros as categoricals, columns merged, chunks)
    gives the bytes of the value-by-value writer on the whole rows (issue 21)."""
    from budget.engine.projection import project
    from budget.render.text import rows_csv_chunks, with_conventions

    rows = project(scenario)
    want = reference.frame_csv(with_conventions(with_euros(rows), "EUR", scenario.label), "csv")
    with patch.object(coded, "MERGE_SHARE", share):
        got = "".join(rows_csv_chunks(rows, chunk=chunk, conventions=("EUR", scenario.label)))
    assert got == want
