"""Issue 23's fields patched by `extends`: a child file that patches a field gives what
the patched file written in full gives, and a bad patched field is one line naming the
patching file."""

from __future__ import annotations

import pytest

from budget import project
from tests.helpers import load_text

HEAD = """
[scenario]
name = "issue 23 patched"
first_year = 2015
last_year = 2017

[funders]
VenJ = "Justice"
EU = "European Union"

[recipients.SIN]
name = "Stop It Now!"
costs = "67600.00"

[recipients.police]
name = "Police"

[[indicators]]
id = "police-suspects"
name = "Suspects brought to the OM"
unit = "suspects"
base_year = 2010
base = 475
targets = { 2012 = "+7.5%", 2013 = "+15%", 2014 = "+25%" }
achieved = { 2012 = 522, 2013 = 530 }
"""

SERIES = {"2015": '"0.9%"', "2016": '"0.6%"', "2017": '"1.1%"'}
PBO_2014 = '{ index = "pbo", base_year = 2014 }'

# Each commitment's fields as TOML text, in order.
COMMITMENTS: dict[str, dict[str, str]] = {
    "eu": {
        "kind": '"cofinanced"',
        "recipient": '"SIN"',
        "funders": '"EU"',
        "first_year": "2015",
        "last_year": "2016",
        "rate": '"80%"',
        "max": '"100000.00"',
        "status": '"pending"',
        "p": '"1/2"',
        "decision": "2015-06-01",
    },
    "top": {
        "kind": '"top_up"',
        "recipient": '"SIN"',
        "funders": '{ VenJ = "1/2", EU = "1/2" }',
        "first_year": "2015",
        "last_year": "2017",
        "cap": '"67600.00"',
        "shortfall": '"1000000.00"',
        "priority": "1",
    },
    "a": {
        "kind": '"annual"',
        "recipient": '"police"',
        "funders": '"VenJ"',
        "first_year": "2015",
        "last_year": "2017",
        "amount": '"100000.00"',
        "indexation": PBO_2014,
    },
    "t": {
        "kind": '"annual"',
        "recipient": '"police"',
        "funders": '"VenJ"',
        "first_year": "2015",
        "last_year": "2016",
        "amount": '"10000.01"',
        "condition": '{ indicator = "police-suspects", year = 2014, p = "1/4" }',
    },
    "d": {
        "kind": '"annual"',
        "recipient": '"SIN"',
        "funders": '"VenJ"',
        "first_year": "2015",
        "last_year": "2017",
        "amount": '"1000.00"',
    },
}


def scenario_text(commitments: dict[str, dict[str, str]], series: dict[str, str]) -> str:
    parts = [HEAD, "[indices.pbo]", *(f"{y} = {r}" for y, r in series.items()), ""]
    for cid, fields in commitments.items():
        parts += ["[[commitments]]", f'id = "{cid}"', *(f"{k} = {v}" for k, v in fields.items())]
        parts.append("")
    return "\n".join(parts)


def child_text(extends: str, cid: str | None, fields: dict[str, str], series=None) -> str:
    parts = ["[scenario]", f'extends = "{extends}"', ""]
    if series:
        parts += ["[indices.pbo]", *(f"{y} = {r}" for y, r in series.items()), ""]
    if cid is not None:
        parts += ["[[commitments]]", f'id = "{cid}"', *(f"{k} = {v}" for k, v in fields.items())]
    return "\n".join(parts) + "\n"


def patched(cid: str, fields: dict[str, str], drop: tuple[str, ...] = ()) -> dict:
    out = {k: dict(v) for k, v in COMMITMENTS.items()}
    for name in drop:
        del out[cid][name]
    out[cid].update(fields)
    return out


def views(s) -> dict:
    out = {}
    for mode in ("none", "expected", "all"):
        rows = project(s, pending=mode)
        out[mode] = {
            (str(r.commitment), str(r.funder), str(r.basis), int(r.year)): int(r.amount_cents)
            for r in rows.itertuples()
        }
    return out


def assert_same(tmp_path, child: str, full: str, name: str = "child.toml"):
    (tmp_path / "base.toml").write_text(scenario_text(COMMITMENTS, SERIES), encoding="utf-8")
    via_patch, problems = load_text(tmp_path, child, name)
    assert problems == []
    written, problems = load_text(tmp_path, full, "full.toml")
    assert problems == []
    assert views(via_patch) == views(written)
    for c in written.commitments:
        got = via_patch.commitment(c.id)
        assert (got.spec, got.pending) == (c.spec, c.pending), c.id
    return via_patch, written


# (commitment, the patch, the fields the file written in full leaves out)
PATCHES = {
    "pending-to-decided": ("eu", {"status": '"decided"'}, ("p", "decision")),
    "decided-to-pending": ("d", {"status": '"pending"', "p": '"1/3"'}, ()),
    "p": ("eu", {"p": '"90%"'}, ()),
    "decision": ("eu", {"decision": "2016-01-01"}, ()),
    "rate": ("eu", {"rate": '"50%"'}, ()),
    "max": ("eu", {"max": '"60000.00"'}, ()),
    "max_per_year": ("eu", {"max_per_year": '"40000.00"'}, ()),
    "eligible": ("eu", {"eligible": '{ 2015 = "50000.00", 2016 = "70000.00" }'}, ()),
    "indexation-base-year": ("a", {"indexation": '{ index = "pbo", base_year = 2015 }'}, ()),
    "indexation-flat": ("a", {"indexation": '"2%"'}, ()),
    "cap_indexation": ("top", {"cap_indexation": PBO_2014}, ()),
    "condition-met": ("t", {"condition": '{ indicator = "police-suspects", year = 2012 }'}, ()),
    "condition-not-met": ("t", {"condition": '{ indicator = "police-suspects", year = 2013 }'}, ()),
    "condition-p": (
        "t",
        {"condition": '{ indicator = "police-suspects", year = 2014, p = "3/4" }'},
        (),
    ),
    "condition-added": (
        "d",
        {"condition": '{ indicator = "police-suspects", year = 2014, p = "1/2" }'},
        (),
    ),
}


@pytest.mark.parametrize("case", PATCHES)
def test_a_patch_gives_the_file_written_in_full(tmp_path, case):
    cid, fields, drop = PATCHES[case]
    assert_same(
        tmp_path,
        child_text("base.toml", cid, fields),
        scenario_text(patched(cid, fields, drop), SERIES),
    )


def test_pending_to_decided_and_back(tmp_path):
    """A chain: the base's pending co-financing decided by a child and made pending again
    (at another p) by a grandchild."""
    (tmp_path / "base.toml").write_text(scenario_text(COMMITMENTS, SERIES), encoding="utf-8")
    (tmp_path / "child.toml").write_text(
        child_text("base.toml", "eu", {"status": '"decided"'}), encoding="utf-8"
    )
    grandchild = child_text("child.toml", "eu", {"status": '"pending"', "p": '"1/4"'})
    full = scenario_text(
        patched("eu", {"status": '"pending"', "p": '"1/4"'}, ("decision",)), SERIES
    )
    via_patch, _ = assert_same(tmp_path, grandchild, full, "grandchild.toml")
    assert via_patch.commitment("eu").pending.decision is None


def test_a_patch_of_one_year_of_the_series(tmp_path):
    series = {**SERIES, "2016": '"1%"'}
    via_patch, _ = assert_same(
        tmp_path,
        child_text("base.toml", None, {}, {"2016": '"1%"'}),
        scenario_text(COMMITMENTS, series),
    )
    # 100,000 x 1.009 x 1.01 = 101,909.00
    assert views(via_patch)["none"][("a", "VenJ", "cash", 2016)] == 10_190_900


def test_a_patch_that_adds_a_year_to_the_series(tmp_path):
    """A child that runs a year longer adds the rate its indexed commitment needs."""
    child = child_text("base.toml", "a", {"last_year": "2018"}, {"2018": '"2%"'})
    child = child.replace("[scenario]\n", "[scenario]\nlast_year = 2018\n", 1)
    full = scenario_text(patched("a", {"last_year": "2018"}), {**SERIES, "2018": '"2%"'})
    full = full.replace("last_year = 2017\n", "last_year = 2018\n", 1)  # [scenario]'s
    via_patch, _ = assert_same(tmp_path, child, full)
    assert views(via_patch)["none"][("a", "VenJ", "cash", 2018)] == 10_467_440  # x 1.02


BAD = [
    ("eu", "status", '"maybe"', "'maybe' is not a status"),
    ("eu", "p", '"2"', "is outside (0, 1]"),
    ("eu", "decision", '"soon"', "soon"),
    ("d", "p", '"1/2"', "is given but the commitment is decided"),
    ("eu", "rate", '"120%"', "above 100%"),
    ("eu", "max", '"-1.00"', ""),
    ("eu", "max_per_year", '"lots"', ""),
    ("eu", "eligible", '{ 2015 = "x", 2016 = "1.00" }', ""),
    ("a", "indexation", '{ index = "cpi", base_year = 2014 }', "'cpi' is not an index series"),
    ("a", "indexation", '{ index = "pbo", base_year = 2016 }', "base_year 2016 is after"),
    ("top", "cap_indexation", '{ index = "cpi", base_year = 2014 }', "is not an index series"),
    ("t", "condition", '{ indicator = "arrests", year = 2014 }', "'arrests' is not an indicator"),
    ("t", "condition", '{ indicator = "police-suspects", year = 2014 }', "p is missing"),
    ("t", "condition", '"police-suspects in 2014"', "is not a condition"),
]


@pytest.mark.parametrize(
    ("cid", "name", "value", "message"), BAD, ids=[f"{n}={v}" for _, n, v, _ in BAD]
)
def test_a_bad_patched_field_names_the_patching_file(tmp_path, cid, name, value, message):
    (tmp_path / "base.toml").write_text(scenario_text(COMMITMENTS, SERIES), encoding="utf-8")
    loaded, problems = load_text(tmp_path, child_text("base.toml", cid, {name: value}), "c.toml")
    assert loaded is None
    assert len(problems) == 1, problems
    line = problems[0]
    assert f"c.toml: commitment '{cid}', field '{name}': " in line, line
    assert message in line and "(hint: " in line, line


def test_a_bad_patched_year_of_a_series_names_the_patching_file(tmp_path):
    (tmp_path / "base.toml").write_text(scenario_text(COMMITMENTS, SERIES), encoding="utf-8")
    loaded, problems = load_text(
        tmp_path, child_text("base.toml", None, {}, {"2016": '"lots"'}), "c.toml"
    )
    assert loaded is None
    assert len(problems) == 1, problems
    assert "c.toml: index 'pbo', field '2016': " in problems[0], problems[0]


def test_a_register_row_that_decides_an_inherited_pending_commitment(tmp_path):
    (tmp_path / "r.csv").write_text("id,status,rate\neu,decided,50%\n", encoding="utf-8")
    child = child_text("base.toml", None, {}).replace(
        "[scenario]\n", '[scenario]\nregister = "r.csv"\n', 1
    )
    full = scenario_text(
        patched("eu", {"status": '"decided"', "rate": '"50%"'}, ("p", "decision")), SERIES
    )
    assert_same(tmp_path, child, full)
