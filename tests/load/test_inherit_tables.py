"""A file's [[commitments]] tables merged in one pass (`inherit._merge_tables`) give what
merging them one by one gives: the same entries in the same order (raw tables, origins,
files, how each field is named), the same problems in the same order, the same scenario.

The reference below is the merge table by table as it was before the fast path: every id
checked, every table patched into a copy of itself. Scenarios are generated as the files
read (`LoadedFile`): a base, and a file extending it that patches, adds and removes, with
bad ids (missing, not text, empty, white space, control characters), duplicates and items
that are not tables."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.load import commitments, inherit
from budget.load.files import Loaded, LoadedFile
from budget.load.parse import build_scenario

HEAD = {
    "name": "Tables",
    "first_year": 2015,
    "last_year": 2017,
}
PARTIES = {
    "funders": {"VenJ": {"name": "Justice"}, "VWS": {"name": "Health"}},
    "recipients": {"SIN": {"name": "Stop It Now!", "costs": "100000.00"}, "MKI": {}},
}

IDS = ["c0", "c1", "c2", "c3", "#2", "", "  ", " c1", "c1 ", "c\n1", "c\t2", "c\u20281", 5, None]
FIELDS: dict[str, list[Any]] = {
    "kind": ["annual", "top_up", "anual"],
    "recipient": ["SIN", "MKI", "Nobody"],
    "funders": ["VenJ", {"VenJ": "1/2", "VWS": "1/2"}, {"VenJ": 1}],
    "first_year": [2015, 2016, "2015"],
    "last_year": [2016, 2017],
    "amount": ["1000.50", "5", "-1", {"2015": "1", "2016": "2"}],
    "cap": ["67600"],
    "shortfall": ["500"],
    "start": [dt.date(2015, 4, 1)],
    "status": ["pending", "decided", " decided"],
    "p": ["1/2", "2"],
    "decision": [2016, dt.date(2016, 3, 1)],
    "source": ["letter", " p. 3"],
    "bogus": ["1"],
}
GOOD = {"kind": "annual", "recipient": "SIN", "funders": "VenJ", "first_year": 2015,
        "last_year": 2016, "amount": "100.00"}  # fmt: skip


@st.composite
def tables(draw: st.DrawFn) -> Any:
    """A [[commitments]] item: mostly a table with an id, now and then anything else."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([3, "c0", ["c0"]]))
    fields: dict[str, Any] = {}
    cid = draw(st.sampled_from(IDS))
    if cid is not None:
        fields["id"] = cid
    if draw(st.booleans()):
        fields.update(GOOD)
    picked = draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=4, unique=True))
    for name in picked:
        fields[name] = draw(st.sampled_from(FIELDS[name]))
    return fields


def clean_tables(count: int) -> list[dict[str, Any]]:
    return [{"id": f"n{i}", **GOOD} for i in range(count)]


def base(items: list[Any]) -> LoadedFile:
    return LoadedFile("base.toml", {"scenario": dict(HEAD), **PARTIES, "commitments": items})


@st.composite
def scenarios(draw: st.DrawFn) -> Loaded:
    """A base file, and at times a file that extends it."""
    if draw(st.booleans()):  # a plain file of new ids, as large scenarios are
        base_items = clean_tables(draw(st.integers(0, 70))) + draw(st.lists(tables(), max_size=2))
    else:
        base_items = draw(st.lists(tables(), max_size=12))
    files = [
        LoadedFile("base.toml", {"scenario": dict(HEAD), **PARTIES, "commitments": base_items})
    ]
    if draw(st.booleans()):
        head: dict[str, Any] = {"extends": "base.toml"}
        remove = draw(st.lists(st.sampled_from(["c0", "c2", "n1", "zz"]), max_size=2, unique=True))
        if remove:
            head["remove"] = remove
        items = draw(st.lists(tables(), max_size=8)) + clean_tables(draw(st.integers(0, 3)))
        items = draw(st.permutations(items))
        files.append(LoadedFile("child.toml", {"scenario": head, "commitments": items}))
    return Loaded(tuple(files))


def one_by_one(
    target: dict[str, Any],
    tables: list[dict[str, Any]],
    numbers: Any,
    exact: bool,
    shown: str,
    local_ids: set[str],
    problems: list[Any],
    fields: set[str],
) -> None:
    """The reference: each table's id checked, then the table patched in, one by one."""
    for number, item in zip(numbers, tables, strict=True):
        fields.update(item)
        where = inherit._toml_where(item.get("id"), number)
        cid = inherit._commitment_id(item.get("id"), where, shown, local_ids, problems)
        if cid is None:
            continue
        status = item.get("status")
        if cid in target and isinstance(status, str) and status.strip() == "decided":
            entry = target[cid]
            for name in inherit.PENDING_ONLY:
                if name not in item and name in entry.raw:
                    del entry.raw[name]
                    entry.origins.pop(name, None)
        if cid not in target:
            target[cid] = inherit.Entry(dict(item), dict.fromkeys(item, shown), shown, where)
            continue
        entry = target[cid]
        for name, value in item.items():
            entry.raw[name] = value
            entry.origins[name] = shown
        entry.where = inherit._patched_where(entry.where, where, frozenset(item))


def described(merged: inherit.Merged) -> list[Any]:
    """Everything of a merge that loading reads, as plain values (`where` as its wording)."""
    names = [None, "id", "nothing", *FIELDS]
    return [
        merged.files,
        merged.problems,
        [
            (key, list(e.raw.items()), list(e.origins.items()), e.file, [e.where(n) for n in names])
            for key, e in merged.commitments.items()
        ],
    ]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenarios())
def test_tables_merged_in_one_pass_give_what_one_by_one_gives(monkeypatch, loaded):
    before = copy.deepcopy(loaded)
    fast = inherit.merge(loaded)
    with monkeypatch.context() as patch:
        patch.setattr(inherit, "_merge_tables", one_by_one)
        reference = inherit.merge(copy.deepcopy(loaded))
    assert described(fast) == described(reference)
    assert fast.fields == reference.fields
    assert loaded == before  # no table of the files is changed by merging them
    # And built: the same commitments or the same problems (tables read as columns too).
    patch_columns = monkeypatch.context()
    with patch_columns as patch:
        patch.setattr(commitments, "ENTRY_COLUMNS", 1)  # as columns
        scenario, problems = build_scenario(inherit.merge(loaded), "child.toml")
        patch.setattr(inherit, "_merge_tables", one_by_one)
        expected, expected_problems = build_scenario(
            inherit.merge(copy.deepcopy(loaded)), "child.toml"
        )
    assert problems == expected_problems
    assert (scenario is None) == (expected is None)
    if scenario is not None:
        assert scenario.commitments == expected.commitments
    assert loaded == before


def test_a_plain_file_is_merged_in_one_pass(monkeypatch):
    """A file of new, clean ids never reaches the checks one by one."""
    called: list[object] = []
    monkeypatch.setattr(inherit, "_commitment_id", lambda *a: called.append(a))
    loaded = Loaded((base(clean_tables(5)),))
    merged = inherit.merge(loaded)
    assert called == []
    assert list(merged.commitments) == [f"n{i}" for i in range(5)]
    entry = merged.commitments["n3"]
    assert entry.raw == {"id": "n3", **GOOD}
    assert entry.origins == dict.fromkeys(entry.raw, "base.toml")
    assert entry.where("amount") == "commitment 'n3', field 'amount'"
    assert entry.where(None) == "commitment 'n3'"


def test_a_duplicate_among_new_ids_is_found_in_its_place():
    items = [*clean_tables(3), {"id": "n1", **GOOD}, {"id": " n2"}, *clean_tables(5)[3:]]
    loaded = Loaded((base(items),))
    merged = inherit.merge(loaded)
    assert [str(p) for p in merged.problems] == [
        "base.toml: commitment 'n1', field 'id': the id 'n1' is used twice "
        "(hint: every commitment needs its own id)",
        "base.toml: commitment ' n2', field 'id': the id ' n2' has white space around it "
        '(hint: nothing could refer to it; write id = "n2")',
    ]
    assert list(merged.commitments) == ["n0", "n1", "n2", "n3", "n4"]


SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def test_every_white_space_at_either_end_is_found_and_none_inside():
    """`edge_spaced` finds what str.strip removes, for each of Unicode's white-space
    characters, at either end of any text of the list, and not inside a text."""
    assert len(SPACES) == 29
    texts = [f"c{i}" for i in range(5)]
    assert not inherit.edge_spaced(texts) and not inherit.edge_spaced([])
    for space in SPACES:
        assert not inherit.edge_spaced([*texts, f"a{space}b"])
        for at in (0, 2, 4):
            for spaced in (space + texts[at], texts[at] + space, space):
                changed = [*texts[:at], spaced, *texts[at + 1 :]]
                assert inherit.edge_spaced(changed), (repr(space), at, spaced)


@given(st.lists(st.text(alphabet=st.sampled_from(["a", " ", "\u3000", "\x1c", "b"]))))
def test_edge_spaced_is_strip_text_by_text(texts):
    assert inherit.edge_spaced(texts) == any(t.strip() != t for t in texts)
