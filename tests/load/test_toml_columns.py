"""TOML [[commitments]] read as columns (budget/load/entry_columns.py) give what reading
each table field by field gives: the same problems, in the same order, and the same
commitments (every field).

The loader reads a scenario's tables as columns from `commitments.ENTRY_COLUMNS` tables on;
the tests set it to 0 (columns) and to more than any scenario has (table by table)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.load import commitments, read_scenario

HEAD = """
[scenario]
name = "TOML columns"
first_year = 2014
last_year = 2020
[funders.VenJ]
[funders.VWS]
[recipients.SIN]
costs = "100000.00"
[recipients.MKI]
"""

GOOD = {
    "annual": {"first_year": "2015", "last_year": "2017", "amount": '"1000.50"'},
    "top_up": {"first_year": "2015", "last_year": "2016", "cap": '"67600"', "shortfall": "500"},
    "grant": {"total": '"200000.00"', "start": "2015-04-01", "end": "2016-07-01",
              "advance": '"0.8"'},
}  # fmt: skip

# TOML values each field may be given: good ones, and what a person could write.
VALUES = {
    "kind": ['"annual"', '"top_up"', '"grant"', '"anual"', '""', "7", '" annual"'],
    "recipient": ['"SIN"', '"MKI"', '"SINN"', '" SIN"', "3"],
    "funders": ['"VenJ"', '{ VenJ = "1/2", VWS = "1/2" }', '{ VenJ = "1/2", VWS = "1/3" }',
                '"Nobody"', '{ VenJ = 1 }', '"VenJ=1/2;VWS=1/2"', "[1]"],
    "first_year": ["2015", "2016", '"2015"', "1800", "2015.0", "true"],
    "last_year": ["2016", "2014", "3000", '"2017"'],
    "amount": ['"1000.50"', "5", '"1.005"', '"-5"', "1000.5", '"abc"', '""', '"12."',
               '{ 2015 = "1", 2016 = "2", 2017 = "3" }', '{ dist = "uniform", low = "1", '
               'high = "2" }', "true", '" 5"'],
    "cap": ['"67600"', '"67600.00"', '"-1"', "0", '"' + "9" * 20 + '"'],
    "shortfall": ['"500"', '"-500"', '"x"', "-3"],
    "total": ['"200000.00"', '"0"', '"1e5"', "200000"],
    "total_cap": ['"100"', '"oops"'],
    "start": ["2015-04-01", '"2015-04-01"', "2015-04-01T10:00:00", '"never"'],
    "end": ["2016-07-01", "2015-01-01", "nan"],
    "advance": ['"0.8"', '"1/2"', '"2"', "0.5"],
    "settlement_lag": ["1", "99", '"2"'],
    "committed_in": ["2015", "2030"],
    "priority": ["3", "-2", "10000000", '"p"'],
    "source": ['"letter"', '" p. 3"', '""', "4"],
    "name": ['"A title"', '"A title "'],
    "assumptions": ['["amount"]', '["bogus"]'],
    "indexation": ['"2%"', '"x"'],
    "allocation": ['"months"', '"weeks"'],
    "unpaid": ['"slips"', '"lapses"'],
    "status": ['"pending"'],
    "p": ['"1/2"'],
    "sector": ['"15160"'],
    "bogus": ['"1"'],
}  # fmt: skip


def table(number: int) -> st.SearchStrategy[dict[str, str]]:
    def planted(kind: str) -> st.SearchStrategy[dict[str, str]]:
        base = {"id": f'"c{number}"', "kind": f'"{kind}"', "recipient": '"SIN"',
                "funders": '"VenJ"', **GOOD[kind]}  # fmt: skip
        changes = st.dictionaries(st.sampled_from(sorted(VALUES)), st.none(), max_size=3).flatmap(
            lambda picked: st.fixed_dictionaries({k: st.sampled_from(VALUES[k]) for k in picked})
        )
        return changes.map(lambda c: {**base, **c})

    return st.sampled_from(sorted(GOOD)).flatmap(planted)


scenarios = st.integers(min_value=1, max_value=10).flatmap(
    lambda n: st.tuples(*(table(i) for i in range(n)))
)


def write(folder: Path, tables: tuple[dict[str, str], ...]) -> Path:
    lines = [HEAD]
    for fields in tables:
        lines.append("[[commitments]]")
        lines.extend(f"{name} = {value}" for name, value in fields.items())
    path = folder / "s.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def both(
    path: Path, monkeypatch
) -> tuple[tuple[object, list[object]], tuple[object, list[object]]]:
    with monkeypatch.context() as patch:
        patch.setattr(commitments, "ENTRY_COLUMNS", 0)
        columns = read_scenario(path)
        patch.setattr(commitments, "ENTRY_COLUMNS", 10**9)
        tables = read_scenario(path)
    return columns, tables


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenarios)
def test_tables_read_as_columns_give_what_tables_read_one_by_one_give(
    tmp_path, monkeypatch, tables
):
    (scenario, problems), (expected_scenario, expected) = both(write(tmp_path, tables), monkeypatch)
    assert problems == expected
    if expected_scenario is None:
        assert scenario is None
    else:
        assert scenario is not None
        assert scenario.commitments == expected_scenario.commitments


def test_plain_tables_are_built_from_columns(tmp_path, monkeypatch):
    from budget.kinds import KINDS

    tables = tuple(
        {"id": f'"c{i}"', "kind": f'"{kind}"', "recipient": '"SIN"', "funders": '"VenJ"',
         **GOOD[kind]}
        for i, kind in enumerate(["annual", "top_up", "grant"] * 30)
    )  # fmt: skip
    path = write(tmp_path, tables)
    parsed: list[str] = []
    for name in GOOD:
        original = KINDS[name].parse
        monkeypatch.setattr(
            KINDS[name], "parse", lambda reader, o=original, n=name: parsed.append(n) or o(reader)
        )
    scenario, problems = read_scenario(path)  # 90 tables: read as columns
    assert not problems and len(scenario.commitments) == 90
    assert parsed == []
    (columns, _), (one_by_one, _) = both(path, monkeypatch)
    assert columns.commitments == one_by_one.commitments
    assert len(parsed) == 90  # the second read, table by table


def _base_of_70(tmp_path):
    """base.toml of 70 plain annual tables c0 .. c69, and the path of a file to extend it."""
    tables = tuple(
        {"id": f'"c{i}"', "kind": '"annual"', "recipient": '"SIN"', "funders": '"VenJ"',
         **GOOD["annual"]}
        for i in range(70)
    )  # fmt: skip
    write(tmp_path, tables)
    (tmp_path / "s.toml").rename(tmp_path / "base.toml")
    return tmp_path / "child.toml"


def test_a_scenario_that_extends_another_reads_the_same(tmp_path, monkeypatch):
    child = _base_of_70(tmp_path)
    child.write_text(
        '[scenario]\nextends = "base.toml"\n[[commitments]]\nid = "c3"\namount = "7.00"\n'
        '[[commitments]]\nid = "new"\nkind = "annual"\nrecipient = "MKI"\nfunders = "VWS"\n'
        'first_year = 2016\nlast_year = 2016\namount = "1"\n',
        encoding="utf-8",
    )
    (scenario, problems), (expected, expected_problems) = both(child, monkeypatch)
    assert problems == expected_problems == []
    assert scenario.commitments == expected.commitments
    patched = next(c for c in scenario.commitments if c.id == "c3")
    assert patched.field_origins["amount"] != patched.field_origins["kind"]


def test_a_scenario_that_removes_some_of_a_files_tables_reads_the_same(tmp_path, monkeypatch):
    """The tables left of a file's block (`inherit.Tables`) after `remove` are read as
    columns one by one from their entries, not as the whole block."""
    child = _base_of_70(tmp_path)
    child.write_text('[scenario]\nextends = "base.toml"\nremove = ["c3", "c40"]\n', "utf-8")
    (scenario, problems), (expected, expected_problems) = both(child, monkeypatch)
    assert problems == expected_problems == []
    assert scenario.commitments == expected.commitments
    assert [c.id for c in scenario.commitments] == [f"c{i}" for i in range(70) if i not in (3, 40)]
