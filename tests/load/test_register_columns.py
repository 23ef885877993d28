"""The column-wise register checks report exactly what the row-wise ones do.

The reference is the plain path: every register row turned into a raw table (as a TOML
[[commitments]] entry would be) and read field by field by the FieldReader. The loader reads
registers column by column instead (budget/load/columns.py). On generated registers with
planted bad cells both must find the same problems (file, row, column, message, hint) in the
same order, and build the same commitments.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.load import inherit, kind_columns, read_scenario, register
from budget.load.inherit import Entry, RowEntry
from budget.load.xlsx import columns_of

SCENARIO = """
[scenario]
name = "Columns"
register = "r.csv"
first_year = 2014
last_year = 2020
[funders.VenJ]
[funders.VWS]
[recipients.SIN]
[recipients.MKI]
"""

HEADER = [
    "id", "kind", "recipient", "funders", "first_year", "last_year", "amount", "cap",
    "shortfall", "total", "total_cap", "start", "end", "advance", "settlement_lag",
    "committed_in", "priority", "source", "name", "assumptions", "indexation", "allocation",
    "cap_indexation",
]  # fmt: skip

GOOD = {
    "annual": {"first_year": "2015", "last_year": "2017", "amount": "1000.50"},
    "top_up": {"first_year": "2015", "last_year": "2016", "cap": "67600", "shortfall": "500.5"},
    "grant": {"total": "200000.00", "start": "2015-04-01", "end": "2016-07-01", "advance": "0.8"},
}

# Cells that each column may hold: good ones, and the bad ones a person could type.
CELLS = {
    "kind": ["annual", "top_up", "grant", "anual", "", "7"],
    "recipient": ["SIN", "MKI", "SINN", ""],
    "funders": ["VenJ", "VenJ=1/2;VWS=1/2", "VenJ=1/2;VWS=1/3", "Nobody", "VenJ=", ""],
    "first_year": ["2015", "2016", "20x5", "1800", "2015.0", "", " 2015"],
    "last_year": ["2016", "2014", "3000", "", "2017"],
    "amount": ["1000.50", "5", "1.005", "-5", "1,000.00", "abc", "", "12.", "٣", "1_0"],
    "cap": ["67600", "67600.00", "-1", "0.001", "", "9" * 20],
    "shortfall": ["500", "-500", "x", "", "500.50"],
    "total": ["200000.00", "0", "1e5", "", "+5"],
    "total_cap": ["", "100", "oops"],
    "start": ["2015-04-01", "2015-13-01", "2015-04-01T10:00", "", "1800-01-01"],
    "end": ["2016-07-01", "2015-01-01", "never", ""],
    "advance": ["0.8", "1/2", "2", "", "x"],
    "settlement_lag": ["", "1", "99", "-1", "a"],
    "committed_in": ["", "2015", "2030", "x"],
    "priority": ["", "3", "-2", "10000000", "p"],
    "source": ["", "letter", "p. 3"],
    "name": ["", "A title"],
    "assumptions": ["", "amount", "cap", "bogus"],
    "indexation": ["", "2%", "0.02", "x"],
    "allocation": ["", "months", "days", "weeks"],
    "cap_indexation": ["", "pbo from 2014"],
}


def row_strategy(number: int) -> st.SearchStrategy[dict[str, str]]:
    def planted(kind: str) -> st.SearchStrategy[dict[str, str]]:
        base = {"id": f"c{number}", "kind": kind, "recipient": "SIN", "funders": "VenJ"}
        base.update(GOOD[kind])
        changes = st.dictionaries(st.sampled_from(sorted(CELLS)), st.none(), max_size=3).flatmap(
            lambda picked: st.fixed_dictionaries({k: st.sampled_from(CELLS[k]) for k in picked})
        )
        return changes.map(lambda c: {**base, **c})

    return st.sampled_from(sorted(GOOD)).flatmap(planted)


registers = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(*(row_strategy(i) for i in range(n)))
)


def write(folder: Path, rows: tuple[dict[str, str], ...]) -> Path:
    with (folder / "r.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([row.get(name, "") for name in HEADER] for row in rows)
    path = folder / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def row_by_row(path: Path, monkeypatch) -> tuple[object, list[object]]:
    """The reference: every register row as a plain Entry, read by the FieldReader."""
    original = inherit._merge_rows

    def plain_rows(merged, table, local_ids):
        original(merged, table, local_ids)
        for key, entry in list(merged.commitments.items()):
            if isinstance(entry, RowEntry):
                merged.commitments[key] = Entry(entry.raw, entry.origins, entry.file, entry.where)

    with monkeypatch.context() as patch:
        patch.setattr(inherit, "_merge_rows", plain_rows)
        return read_scenario(path)


def reader_by_row(path: Path, monkeypatch) -> tuple[object, list[object]]:
    """The register read through its columns, but each row's kind fields by the kind's
    parser (a ColumnReader per row), without the column parsers of kind_columns.py."""
    with monkeypatch.context() as patch:
        patch.setattr(kind_columns, "PARSERS", {})
        return read_scenario(path)


def facts(scenario) -> list[tuple[object, ...]]:
    if scenario is None:
        return []
    return [
        (c.id, c.kind, c.recipient, c.funders, c.spec, c.priority, c.order, c.name, c.source)
        for c in scenario.commitments
    ]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(registers)
def test_column_checks_report_what_row_checks_report(tmp_path, monkeypatch, rows):
    path = write(tmp_path, rows)
    scenario, problems = read_scenario(path)
    reference, expected = row_by_row(path, monkeypatch)
    assert problems == expected
    assert facts(scenario) == facts(reference)
    by_kind, by_kind_problems = reader_by_row(path, monkeypatch)
    assert by_kind_problems == expected
    assert facts(scenario) == facts(by_kind)
    by_kind, by_kind_problems = reader_by_row(path, monkeypatch)
    assert by_kind_problems == expected
    assert facts(scenario) == facts(by_kind)
    if scenario is not None:
        assert scenario.commitments == by_kind.commitments  # every field, raw included


def test_every_planted_error_is_found_with_its_row_and_column(tmp_path, monkeypatch):
    rows = tuple(
        {"id": f"c{i}", "kind": "annual", "recipient": "SIN", "funders": "VenJ", **GOOD["annual"]}
        for i in range(300)
    )
    bad = {17: ("amount", "1.005"), 120: ("first_year", "20x5"), 299: ("recipient", "SINN")}
    rows = tuple({**r, bad[i][0]: bad[i][1]} if i in bad else r for i, r in enumerate(rows))
    _, problems = read_scenario(write(tmp_path, rows))
    assert [p.where for p in problems] == [
        "row 19 (commitment 'c17'), column 'amount'",
        "row 122 (commitment 'c120'), column 'first_year'",
        "row 301 (commitment 'c299'), column 'recipient'",
    ]
    assert problems == row_by_row(tmp_path / "s.toml", monkeypatch)[1]


KINDS = ("annual", "top_up", "grant")
# Spreadsheet cells are typed: numbers arrive as floats (or ints), dates as datetimes.
TYPED = {
    "amount": [1000.5, 1000.0, 0.1 + 0.2, -5.0, 1e20, 2**60, 7, 12.345, "12.5", True, None],
    "cap": [67600.0, 67600.25, 2.0**45, 0.5, None],
    "total": [200000.0, 1e-3, None, 3],
    "first_year": [2015.0, 2015, 2015.5, "2015", None],
    "last_year": [2016.0, 2014.0, None],
    "start": [dt.datetime(2015, 4, 1), dt.datetime(2015, 4, 1, 10, 30), "2015-04-01", None],
    "end": [dt.datetime(2016, 7, 1), 42.0, None],
    "id": ["x", 1042.0, 1042.5, None],
    "recipient": ["SIN", 3.0, None],
    "funders": ["VenJ", 1.5, None],
}


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.fixed_dictionaries({}, optional={k: st.sampled_from(v) for k, v in TYPED.items()}).map(
            lambda cells: (
                {"kind": "annual", "id": "a", "recipient": "SIN", "funders": "VenJ"} | cells
            )
        ),
        min_size=1,
        max_size=8,
    ).map(
        lambda rows: [
            {**r, "kind": KINDS[i % 3], "id": f"c{i}" if r["id"] == "a" else r["id"]}
            for i, r in enumerate(rows)
        ]
    )
)
def test_typed_spreadsheet_cells_give_the_same_problems(tmp_path, monkeypatch, rows):
    names = sorted({name for row in rows for name in row})
    table = [names, *([row.get(name) for name in names] for row in rows)]
    monkeypatch.setattr(
        register,
        "_read_xlsx",
        lambda path, clean: [clean(i, c) for i, c in enumerate(columns_of(table))],
    )
    (tmp_path / "r.xlsx").write_bytes(b"")
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.replace("r.csv", "r.xlsx"), encoding="utf-8")
    scenario, problems = read_scenario(path)
    reference, expected = row_by_row(path, monkeypatch)
    assert problems == expected
    assert facts(scenario) == facts(reference)
    by_kind, by_kind_problems = reader_by_row(path, monkeypatch)
    assert by_kind_problems == expected
    assert facts(scenario) == facts(by_kind)


def test_plain_rows_are_read_by_the_column_parsers_not_row_by_row(tmp_path, monkeypatch):
    """Rows whose kind fields the columns read are built without the kind's parser; the
    others (here an indexation and an allocation) go through it, with the same result."""
    from budget.kinds import KINDS as REGISTRY

    rows = tuple(
        {"id": f"c{i}", "kind": kind, "recipient": "SIN", "funders": "VenJ", **GOOD[kind]}
        for i, kind in enumerate(["annual", "top_up", "grant"] * 5)
    )
    path = write(tmp_path, rows)
    parsed: list[str] = []
    for name in GOOD:
        kind = REGISTRY[name]
        original = kind.parse
        monkeypatch.setattr(
            kind, "parse", lambda reader, o=original, n=name: parsed.append(n) or o(reader)
        )
    scenario, problems = read_scenario(path)
    assert not problems and len(scenario.commitments) == 15
    assert parsed == []
    slower = (*rows, {**rows[0], "id": "x", "indexation": "2%"}, {**rows[2], "id": "y",
              "advance": "", "allocation": "months"})  # fmt: skip
    scenario, problems = read_scenario(write(tmp_path, slower))
    assert not problems and len(scenario.commitments) == 17
    assert parsed == ["annual", "grant"]
    by_kind, _ = reader_by_row(tmp_path / "s.toml", monkeypatch)
    assert scenario.commitments == by_kind.commitments


def test_a_register_loads_with_no_spec_object_made(tmp_path):
    """A register's specs stay columns through the load (the checks and the engine's table
    read the columns: issue 21); the objects are made when a commitment is first read, and
    are those of the row-by-row path."""
    from budget.kinds.spec_columns import SpecList

    rows = tuple(
        {"id": f"c{i}", "kind": kind, "recipient": "SIN", "funders": "VenJ", **GOOD[kind]}
        for i, kind in enumerate(["annual", "top_up", "grant"] * 4)
    )
    scenario, problems = read_scenario(write(tmp_path, rows))
    assert not problems
    specs = scenario.commitments.rows.specs
    assert isinstance(specs, SpecList) and len(specs.blocks) == 3
    assert all(block._specs is None for _, block in specs.blocks)
    assert scenario.table_cache is not None  # the engine's columns, made from them
    assert facts(scenario) == facts(read_scenario(write(tmp_path, rows))[0])
    assert all(block._specs is not None for _, block in specs.blocks)


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="0123456789.", max_size=18),
            st.text(alphabet="0123456789.-+e ,_٣\x00\u00a0", max_size=18),
            st.none(),
        ),
        max_size=30,
    )
)
def test_amount_texts_read_as_a_column_are_what_the_reader_reads(cells):
    """Each text the amount column check reads gives the cents the FieldReader gives it;
    every plain amount (digits, a point, two decimals at most) is read so."""
    import re

    from budget.core.money import parse_cents
    from budget.load.columns import _cents

    read = _cents(list(cells))
    for cell, cents in zip(cells, read, strict=True):
        if cell is not None and re.fullmatch(r"[0-9]{1,12}(\.[0-9]{0,2})?", cell):
            assert cents is not None, cell
        if cents is not None:
            assert cents == parse_cents(cell), cell


PLAIN_AMOUNT = r"[0-9]{1,12}(\.[0-9]{0,2})?"
AMOUNT_TEXTS = st.one_of(
    st.from_regex(PLAIN_AMOUNT, fullmatch=True),
    st.text(alphabet="0123456789.", max_size=17),
    st.text(alphabet="0123456789.-+e ,_\t\n\x00\u00a0\u2007٣", max_size=18),
    st.sampled_from(["1,234.50", "1.234,50", "-12.50", "+12", " 12.50", "12.50 ", "1e3", "12.",
                     ".50", "0", "999999999999.99", "1000000000000", "12\x00", "1\x002", ""]),
    st.text(max_size=20),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(AMOUNT_TEXTS, max_size=60))
def test_the_vectorised_amount_parser_reads_each_text_as_the_field_reader(texts):
    """`text_cents` (every text at once, as one matrix of bytes) takes exactly the plain
    amounts, each with the cents `parse_cents` reads from it alone; white space, signs,
    thousands separators, other scripts' digits, NULs and long texts are left to the
    field reader (row by row)."""
    import re

    from budget.core.money import parse_cents
    from budget.load.columns import text_cents

    ok, cents = text_cents(list(texts))
    assert len(ok) == len(cents) == len(texts)
    for text, taken, value in zip(texts, ok.tolist(), cents.tolist(), strict=True):
        plain = re.fullmatch(PLAIN_AMOUNT, text) is not None
        assert taken == plain, text
        if plain:
            assert value == parse_cents(text), text


@given(st.lists(st.one_of(AMOUNT_TEXTS, st.none()), max_size=60), st.integers(0, 3))
def test_an_amount_column_of_texts_is_read_per_cell_as_the_field_reader(cells, numbers):
    """`_cents` of a whole column of texts and empty cells (a CSV file's), and of the same
    with numbers among them (a sheet's): each text as `parse_cents` reads it alone when
    it is a plain amount, None for any other; each number as it is read alone."""
    import re

    from budget.core.money import parse_cents
    from budget.load.columns import _cents

    def reference(cell: object) -> int | None:
        plain = type(cell) is str and re.fullmatch(PLAIN_AMOUNT, cell)
        return parse_cents(cell) if plain else None

    filled = np.array([cell is not None for cell in cells], dtype=bool)
    assert _cents(list(cells), filled) == [reference(cell) for cell in cells]
    mixed = [*cells, *[12.5, 3, -1, 0.001][:numbers]]
    assert _cents(mixed) == [*map(reference, cells), *[1250, 300, None, None][:numbers]]
