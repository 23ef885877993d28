"""`budget export --to datapackage`: CSV and datapackage.json that `frictionless validate`
accepts, with the Fiscal Data Package model."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import budget
from budget.cli import cli
from budget.core.currency import parse_currency
from budget.core.money import format_euros
from budget.render.export.text import decimal_text
from tests.export_helpers import AMOUNT, cents
from tests.helpers import LETTER, SCENARIOS

EXAMPLES = sorted(SCENARIOS.glob("*.toml"))


def frictionless_valid(descriptor: Path) -> tuple[bool, list]:
    frictionless = pytest.importorskip("frictionless", reason="frictionless is not installed")
    report = frictionless.validate(str(descriptor))
    return report.valid, report.flatten(["type", "note"])


def export(scenario: Path, folder: Path):
    return CliRunner().invoke(
        cli, ["export", str(scenario), "--to", "datapackage", "-o", str(folder)]
    )


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_scenario_exports_a_valid_data_package(tmp_path, scenario):
    folder = tmp_path / "package"
    result = export(scenario, folder)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["datapackage.json", "projection.csv"]
    valid, errors = frictionless_valid(folder / "datapackage.json")
    assert valid, errors
    # The CSV holds the projection's rows, amounts with two decimals equal to the cents.
    rows = budget.project(budget.load_scenario(scenario))
    with open(folder / "projection.csv", encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == len(rows)
    for row, cents_value in zip(written, rows["amount_cents"].tolist(), strict=True):
        assert AMOUNT.fullmatch(row["amount"])
        assert cents(row["amount"]) == int(row["amount_cents"]) == cents_value
    assert sum(int(r["amount_cents"]) for r in written) == int(rows["amount_cents"].sum())


def test_the_descriptor_has_the_table_schema_and_the_fiscal_model(tmp_path):
    folder = tmp_path / "package"
    assert export(LETTER, folder).exit_code == 0
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "letter-2014"
    assert descriptor["fiscalPeriod"] == {"start": "2014-01-01", "end": "2017-12-31"}
    schema = descriptor["resources"][0]["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert schema["primaryKey"] == ["scenario", "commitment", "funder", "basis", "year"]
    assert fields["basis"]["constraints"]["enum"] == ["commitment", "cash"]
    assert set(fields["kind"]["constraints"]["enum"]) >= {"top_up", "annual", "grant"}
    assert fields["year"]["type"] == "integer"
    assert fields["amount"]["type"] == "number"
    assert fields["amount_cents"]["type"] == "integer"
    assert fields["period_start"]["type"] == fields["period_end"]["type"] == "date"
    model = descriptor["model"]
    assert model["measures"]["amount"]["source"] == "amount"
    assert model["measures"]["amount"]["currency"] == "EUR"
    dimensions = model["dimensions"]
    assert dimensions["funder"]["classificationType"] == "administrative"
    assert dimensions["funder"]["attributes"]["code"] == {"source": "funder"}
    assert dimensions["commitment"]["dimensionType"] == "activity"
    assert dimensions["recipient"]["attributes"]["code"] == {"source": "recipient"}
    assert dimensions["basis"]["attributes"]["code"] == {"source": "basis"}
    period = dimensions["fiscal_period"]
    assert period["dimensionType"] == "datetime"
    assert {a["source"] for a in period["attributes"].values()} == {
        "year",
        "period_start",
        "period_end",
    }
    # Every source the model names is a column of the resource.
    sources = [model["measures"]["amount"]["source"]] + [
        a["source"] for d in dimensions.values() for a in d["attributes"].values()
    ]
    assert set(sources) <= set(fields)


def test_amounts_read_back_as_exact_decimals_and_bz_grant_figures(tmp_path):
    frictionless = pytest.importorskip("frictionless", reason="frictionless is not installed")
    folder = tmp_path / "package"
    assert export(LETTER, folder).exit_code == 0
    package = frictionless.Package(str(folder / "datapackage.json"))
    rows = package.resources[0].read_rows()
    bz = {
        (r["year"], str(r["period_start"]), str(r["period_end"])): r["amount"]
        for r in rows
        if r["commitment"] == "bz-tdh-ecpat" and r["basis"] == "cash"
    }
    assert bz == {
        (2014, "2014-01-01", "2014-12-31"): Decimal("1206140.35"),
        (2015, "2015-01-01", "2015-12-31"): Decimal("793859.65"),
    }


def test_april_fiscal_years_and_another_currency(tmp_path):
    path = tmp_path / "uk.toml"
    path.write_text(
        '[scenario]\nname = "UK, what if?"\nfiscal_year_start = "04-01"\ncurrency = "gbp"\n'
        '[funders.HMT]\nname = "Treasury"\n[recipients.NGO]\nname = "An NGO, Ltd."\n'
        '[[commitments]]\nid = "g"\nkind = "grant"\nrecipient = "NGO"\nfunders = { HMT = "1" }\n'
        'total = "2000000.00"\nstart = 2014-04-01\nend = 2015-07-01\n',
        encoding="utf-8",
    )
    folder = tmp_path / "package"
    assert export(path, folder).exit_code == 0
    valid, errors = frictionless_valid(folder / "datapackage.json")
    assert valid, errors
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "uk-what-if"
    assert descriptor["model"]["measures"]["amount"]["currency"] == "GBP"
    with open(folder / "projection.csv", encoding="utf-8", newline="") as handle:
        cash = [r for r in csv.DictReader(handle) if r["basis"] == "cash"]
    assert [(r["year"], r["period_start"], r["period_end"], r["amount"]) for r in cash] == [
        ("2015", "2014-04-01", "2015-03-31", "1600877.19"),
        ("2016", "2015-04-01", "2016-03-31", "399122.81"),
    ]
    assert {r["currency"] for r in cash} == {"GBP"}
    assert {r["recipient_name"] for r in cash} == {"An NGO, Ltd."}


def test_frictionless_rejects_a_package_whose_rows_break_the_schema(tmp_path):
    """The check above can fail: a basis outside the enum and a repeated key are caught."""
    folder = tmp_path / "package"
    assert export(LETTER, folder).exit_code == 0
    data = folder / "projection.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",commitment,", ",accrual,")
    lines.append(lines[2])
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    valid, errors = frictionless_valid(folder / "datapackage.json")
    assert not valid
    assert {e[0] for e in errors} >= {"constraint-error", "primary-key"}


def test_datapackage_refuses_a_file_as_folder_and_writing_over_inputs(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("x", encoding="utf-8")
    result = export(LETTER, taken)
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.stderr
    # A scenario kept in the folder under the data file's name is never written over.
    folder = tmp_path / "package"
    folder.mkdir()
    scenario = folder / "projection.csv"
    scenario.write_bytes((LETTER).read_bytes())
    before = scenario.read_bytes()
    result = export(scenario, folder)
    assert result.exit_code == 1
    assert "is an input of this scenario" in result.stderr
    assert scenario.read_bytes() == before
    assert not (folder / "datapackage.json").exists()
    result = export(LETTER, tmp_path / "no" / "such")
    assert result.exit_code == 1 and "does not exist" in result.stderr


@given(st.lists(st.integers(-(10**15), 10**15), max_size=50))
def test_decimal_text_is_format_euros_for_every_amount(values):
    """The vectorised amount text agrees with the scalar one (budget.core.money.format_euros)."""
    found = decimal_text(np.array(values, dtype=np.int64)).tolist()
    assert found == [format_euros(v) for v in values]


def test_decimal_text_by_hand():
    values = np.array([0, 1, -1, 99, 100, -123456, 120614035], dtype=np.int64)
    assert decimal_text(values).tolist() == [
        "0.00",
        "0.01",
        "-0.01",
        "0.99",
        "1.00",
        "-1234.56",
        "1206140.35",
    ]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("EUR", "EUR", ""),
        (" usd ", "USD", ""),
        ("JPY", None, "JPY has no decimals"),
        ("KWD", None, "KWD has three decimals"),
        ("GPB", None, "not an ISO 4217 currency code"),
        (978, None, "is not a currency code"),
    ],
)
def test_currency_codes(value, code, message):
    found, problem, hint = parse_currency(value)
    assert found == code
    assert message in problem
    assert bool(hint) == (code is None)
