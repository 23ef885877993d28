"""Scenarios that extend others: chains, patching field by field, remove, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from budget.cli import cli
from budget.load import load_scenario, read_scenario

BASE = """
[scenario]
name = "Base"
first_year = 2015
last_year = 2017

[funders.VenJ]
name = "Justice"
[funders.VWS]
name = "Health"

[recipients.SIN]
name = "Stop It Now!"
costs = "67600.00"

[recipients.MKI]
name = "Hotline"

[[commitments]]
id = "sin"
kind = "top_up"
recipient = "SIN"
funders = { VenJ = "1/2", VWS = "1/2" }
first_year = 2015
last_year = 2017
cap = "67600.00"

[[commitments]]
id = "mki"
kind = "annual"
recipient = "MKI"
funders = "VenJ"
first_year = 2015
last_year = 2017
amount = "100000.00"
source = "letter, p. 3"

[[limits]]
funder = "VenJ"
max = "200000.00"
"""


def problems_of(path: Path) -> list[str]:
    scenario, problems = read_scenario(path)
    assert scenario is None
    return [str(p) for p in problems]


def test_patching_replaces_only_the_fields_given(tmp_path, scenario_file):
    scenario_file(BASE, "base.toml")
    child = scenario_file(
        '[scenario]\nextends = "base.toml"\nname = "Child"\n'
        '[[commitments]]\nid = "mki"\nlast_year = 2016\n',
        "child.toml",
    )
    scenario = load_scenario(child)
    mki = scenario.commitment("mki")
    assert (mki.spec.first_year, mki.spec.last_year) == (2015, 2016)
    assert mki.spec.amount.every == 10_000_000
    assert mki.source == "letter, p. 3"
    assert mki.field_origins["last_year"] == str(child)
    assert mki.field_origins["amount"] == str(tmp_path / "base.toml")
    # The horizon and the rest are inherited key by key.
    assert (scenario.name, scenario.first_year, scenario.last_year) == ("Child", 2015, 2017)
    assert [c.id for c in scenario.commitments] == ["sin", "mki"]


def test_funders_are_replaced_as_a_whole(scenario_file):
    scenario_file(BASE, "base.toml")
    child = scenario_file(
        '[scenario]\nextends = "base.toml"\n[[commitments]]\nid = "sin"\nfunders = "VWS"\n',
        "child.toml",
    )
    sin = load_scenario(child).commitment("sin")
    assert [k for k, _ in sin.funders] == ["VWS"]


def test_a_chain_of_three_files_in_subfolders(scenario_file):
    scenario_file(BASE, "base.toml")
    scenario_file(
        '[scenario]\nextends = "../base.toml"\nname = "Middle"\n'
        '[recipients.SIN]\ncosts = "50000.00"\n',
        "a/middle.toml",
    )
    top = scenario_file(
        '[scenario]\nextends = "../middle.toml"\nremove = ["mki"]\n'
        '[[commitments]]\nid = "new"\nkind = "annual"\nrecipient = "MKI"\nfunders = "VWS"\n'
        'first_year = 2016\nlast_year = 2016\namount = "5.00"\n',
        "a/b/top.toml",
    )
    scenario = load_scenario(top)
    assert scenario.name == "Middle"
    assert [c.id for c in scenario.commitments] == ["sin", "new"]
    assert scenario.recipients["SIN"].costs.every == 5_000_000
    assert scenario.recipients["SIN"].name == "Stop It Now!"
    assert len(scenario.files) == 3


def test_limits_merge_by_funder_and_basis(scenario_file):
    scenario_file(BASE, "base.toml")
    child = scenario_file(
        '[scenario]\nextends = "base.toml"\n'
        '[[limits]]\nfunder = "VenJ"\nmax = "150000.00"\n'
        '[[limits]]\nfunder = "VenJ"\nbasis = "commitment"\nmax = "1.00"\n',
        "child.toml",
    )
    limits = {(x.funder, x.basis): x.maximum.every for x in load_scenario(child).limits}
    assert limits == {("VenJ", "cash"): 15_000_000, ("VenJ", "commitment"): 100}


def test_remove_and_extends_apply_only_to_the_file_that_states_them(scenario_file):
    scenario_file(BASE, "base.toml")
    scenario_file('[scenario]\nextends = "base.toml"\nremove = ["mki"]\n', "middle.toml")
    # The top file re-adds "mki" under the same id: the middle file's remove does not apply.
    top = scenario_file(
        '[scenario]\nextends = "middle.toml"\n'
        '[[commitments]]\nid = "mki"\nkind = "annual"\nrecipient = "MKI"\nfunders = "VenJ"\n'
        'first_year = 2015\nlast_year = 2015\namount = "1.00"\n',
        "top.toml",
    )
    scenario = load_scenario(top)
    assert scenario.commitment("mki").spec.last_year == 2015


@pytest.mark.parametrize(
    ("files", "culprit", "message"),
    [
        ({"child.toml": '[scenario]\nextends = "nowhere.toml"\n'}, "child.toml", "does not exist"),
        (
            {
                "child.toml": '[scenario]\nextends = "other.toml"\n',
                "other.toml": '[scenario]\nextends = "child.toml"\n',
            },
            "child.toml",
            "is a cycle: child.toml -> other.toml -> child.toml",
        ),
        (
            {"child.toml": '[scenario]\nextends = "child.toml"\n'},
            "child.toml",
            "is a cycle",
        ),
        (
            {
                "child.toml": '[scenario]\nextends = "base.toml"\n'
                '[[commitments]]\nid = "mki"\ncapp = "1"\n'
            },
            "child.toml",
            "commitment 'mki', field 'capp': is not a field here",
        ),
        (
            {"child.toml": '[scenario]\nextends = "base.toml"\nremove = ["nope"]\n'},
            "child.toml",
            "[scenario] field 'remove': no inherited commitment has the id 'nope'",
        ),
        (
            {
                "child.toml": '[scenario]\nextends = "base.toml"\n'
                '[[commitments]]\nid = "mki"\namount = 1.5\n'
            },
            "child.toml",
            "commitment 'mki', field 'amount': 1.5 is a floating-point number",
        ),
        (
            {"child.toml": '[scenario]\nextends = "base.toml"\n[recipients.SIN]\ncosts = "x"\n'},
            "child.toml",
            "recipient 'SIN', field 'costs'",
        ),
        (
            {"child.toml": "[scenario]\nextends = 3\n"},
            "child.toml",
            "3 is not a file name",
        ),
    ],
    ids=[
        "missing-base",
        "cycle",
        "self",
        "unknown-field",
        "unknown-remove",
        "float",
        "recipient",
        "not-a-name",
    ],
)
def test_errors_name_the_file_that_caused_them(tmp_path, scenario_file, files, culprit, message):
    scenario_file(BASE, "base.toml")
    for name, text in files.items():
        scenario_file(text, name)
    lines = problems_of(tmp_path / "child.toml")
    assert any(line.startswith(str(tmp_path / culprit)) and message in line for line in lines), (
        lines
    )


def test_an_error_in_an_inherited_field_names_the_base(tmp_path, scenario_file):
    scenario_file(BASE.replace('amount = "100000.00"', 'amount = "1.005"'), "base.toml")
    child = scenario_file('[scenario]\nextends = "base.toml"\n', "child.toml")
    lines = problems_of(child)
    assert lines == [
        f"{tmp_path / 'base.toml'}: commitment 'mki', field 'amount': '1.005' has more than "
        "two decimals (hint: amounts are exact to the cent; round it yourself to two decimals)"
    ]


def test_a_register_id_that_repeats_a_commitment_of_the_same_file(tmp_path, scenario_file):
    scenario_file(BASE, "base.toml")
    scenario_file(
        "id,kind,recipient,funders,first_year,last_year,amount\n"
        "extra,annual,MKI,VenJ,2015,2015,1.00\n"
        "own,annual,MKI,VenJ,2015,2015,2.00\n",
        "more.csv",
    )
    child = scenario_file(
        '[scenario]\nextends = "base.toml"\nregister = "more.csv"\n'
        '[[commitments]]\nid = "own"\nkind = "annual"\nrecipient = "MKI"\nfunders = "VenJ"\n'
        'first_year = 2015\nlast_year = 2015\namount = "3.00"\n',
        "child.toml",
    )
    lines = problems_of(child)
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / 'more.csv'}: row 3 (commitment 'own'), column 'id'")
    assert "used twice" in lines[0]


def test_a_register_row_may_patch_an_inherited_commitment(tmp_path, scenario_file):
    scenario_file(BASE, "base.toml")
    scenario_file("id,last_year\nmki,2016\n", "patch.csv")
    child = scenario_file(
        '[scenario]\nextends = "base.toml"\nregister = "patch.csv"\n', "child.toml"
    )
    mki = load_scenario(child).commitment("mki")
    assert mki.spec.last_year == 2016
    assert mki.field_origins["last_year"] == str(tmp_path / "patch.csv")


def test_validate_through_the_cli_reports_the_extending_file(scenario_file):
    scenario_file(BASE, "base.toml")
    child = scenario_file('[scenario]\nextends = "missing.toml"\n', "child.toml")
    result = CliRunner().invoke(cli, ["validate", str(child)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{child}: [scenario] field 'extends': the base scenario")


def test_an_error_in_a_register_patch_names_its_row_and_column(tmp_path, scenario_file):
    scenario_file(BASE, "base.toml")
    scenario_file("id,last_year,amount\nmki,20x6,\n", "patch.csv")
    child = scenario_file(
        '[scenario]\nextends = "base.toml"\nregister = "patch.csv"\n', "child.toml"
    )
    lines = problems_of(child)
    assert len(lines) == 1
    assert lines[0].startswith(
        f"{tmp_path / 'patch.csv'}: row 2 (commitment 'mki'), column 'last_year': '20x6'"
    )


def test_an_error_in_a_toml_patch_names_the_child_and_the_field(scenario_file):
    scenario_file(BASE, "base.toml")
    child = scenario_file(
        '[scenario]\nextends = "base.toml"\n[[commitments]]\nid = "mki"\nlast_year = "x"\n',
        "child.toml",
    )
    (line,) = problems_of(child)
    assert line.startswith(f"{child}: commitment 'mki', field 'last_year': 'x' is not a year")
