"""`budget export --to datapackage`: CSV and datapackage.json that `frictionless validate`
accepts, as a Fiscal Data Package OpenSpending can load: a measure per basis (summed, the
money once), a phase per resource, a columnType on every field, the realised amounts."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import budget
from budget.cli import cli
from budget.core.currency import parse_currency
from budget.core.money import format_euros
from budget.engine.pending import with_pending
from budget.render.export.datapackage import package_descriptor, package_rows, plan_phase
from budget.render.export.text import decimal_text
from budget.testing.strategies import scenarios
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


# The OpenSpending column types (FDP 1.0 `columnType`) the export uses, with the Table
# Schema type each requires: from openspending/os-types, src/os-types.json.
OS_TYPES = {
    "activity:generic:program:code": "string",
    "activity:generic:project:code": "string",
    "activity:generic:project:label": "string",
    "administrative-classification:generic:level1:code:full": "string",
    "administrative-classification:generic:level1:label": "string",
    "economic-classification:generic:level1:code:full": "string",
    "administrative-classification:generic:level1:code:part": "string",
    "administrative-classification:generic:level2:code:part": "string",
    "administrative-classification:generic:level3:code:part": "string",
    "economic-classification:generic:level2:code:part": "string",
    "economic-classification:generic:level3:code:part": "string",
    "recipient:generic:id": "string",
    "recipient:generic:name": "string",
    "date:fiscal-year": "integer",
    "date:generic": "date",
    "value": "number",
}
PHASES = {"proposed", "approved", "adjusted", "executed"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_fiscal_fields(descriptor: dict) -> None:
    """Every field has a columnType that OpenSpending knows, of its Table Schema type;
    every value field has a phase, and it is its resource's."""
    for resource in descriptor["resources"]:
        assert resource["phase"] in PHASES
        for field in resource["schema"]["fields"]:
            assert OS_TYPES[field["columnType"]] == field["type"], field
            if field["columnType"] == "value":
                assert field["phase"] == resource["phase"]


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_scenario_exports_a_valid_data_package(tmp_path, scenario):
    folder = tmp_path / "package"
    result = export(scenario, folder)
    assert result.exit_code == 0, result.output
    loaded = budget.load_scenario(scenario)
    expected = ["datapackage.json", "projection.csv"]
    if loaded.actuals:
        expected.append("realised.csv")
    assert sorted(p.name for p in folder.iterdir()) == expected
    valid, errors = frictionless_valid(folder / "datapackage.json")
    assert valid, errors
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    check_fiscal_fields(descriptor)
    # Each measure holds one basis: summed, it is that basis's money in the engine's
    # rows, once; amounts have two decimals.
    # export counts no pending commitment by default (--pending none, issue 23)
    rows = budget.project(with_pending(loaded, "none"))
    written = read_csv(folder / "projection.csv")
    keys = {(r["commitment"], r["funder"], r["year"]) for r in written}
    assert len(keys) == len(written)
    assert len(written) == len(rows[["commitment", "funder", "year"]].drop_duplicates())
    for basis in ("commitment", "cash"):
        column = [r[f"{basis}_amount"] for r in written]
        assert all(AMOUNT.fullmatch(v) for v in column)
        engine = int(rows.loc[rows["basis"] == basis, "amount_cents"].sum())
        assert sum(cents(v) for v in column) == engine
    measures = descriptor["model"]["measures"]
    assert {m["source"] for m in measures.values()} <= {"commitment_amount", "cash_amount"}


def test_summing_a_measure_gives_the_letters_money_once(tmp_path):
    """The issue's figures: the letter's commitments are 2,602,800.00 of money (the BZ
    grant 2,000,000.00, MKI 4 x 100,000.00, SIN 3 x 67,600.00), committed and paid; the
    old single amount column summed to 5,205,600.00."""
    assert 200_000_000 + 4 * 10_000_000 + 3 * 6_760_000 == 260_280_000
    folder = tmp_path / "package"
    assert export(LETTER, folder).exit_code == 0
    written = read_csv(folder / "projection.csv")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    measures = descriptor["model"]["measures"]
    assert set(measures) == {"projection_commitment", "projection_cash"}
    for measure in measures.values():
        total = sum(Decimal(r[measure["source"]]) for r in written)
        assert total == Decimal("2602800.00")
        assert measure["phase"] == "approved"
        assert measure["direction"] == "expenditure"
    fields = [f for r in descriptor["resources"] for f in r["schema"]["fields"]]
    assert all("columnType" in f for f in fields)
    assert sum(f["columnType"] == "value" for f in fields) == len(measures)


def test_the_descriptor_has_the_table_schema_and_the_fiscal_model(tmp_path):
    folder = tmp_path / "package"
    assert export(LETTER, folder).exit_code == 0
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "letter-2014"
    assert descriptor["fiscalPeriod"] == {"start": "2014-01-01", "end": "2017-12-31"}
    [resource] = descriptor["resources"]
    assert (resource["name"], resource["phase"]) == ("projection", "approved")
    schema = resource["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert schema["primaryKey"] == ["scenario", "commitment", "funder", "year"]
    assert set(fields["kind"]["constraints"]["enum"]) >= {"top_up", "annual", "grant"}
    assert fields["year"]["type"] == "integer"
    assert fields["year"]["columnType"] == "date:fiscal-year"
    assert fields["cash_amount"]["type"] == fields["commitment_amount"]["type"] == "number"
    assert fields["period_start"]["type"] == fields["period_end"]["type"] == "date"
    assert fields["funder"]["columnType"].startswith("administrative-classification:")
    assert fields["kind"]["columnType"].startswith("economic-classification:")
    model = descriptor["model"]
    assert model["measures"]["projection_cash"]["source"] == "cash_amount"
    assert model["measures"]["projection_cash"]["currency"] == "EUR"
    dimensions = model["dimensions"]
    assert dimensions["funder"]["classificationType"] == "administrative"
    assert dimensions["funder"]["attributes"]["code"] == {"source": "funder"}
    assert dimensions["commitment"]["dimensionType"] == "activity"
    assert dimensions["recipient"]["attributes"]["code"] == {"source": "recipient"}
    assert dimensions["kind"]["classificationType"] == "economic"
    period = dimensions["fiscal_period"]
    assert period["dimensionType"] == "datetime"
    assert {a["source"] for a in period["attributes"].values()} == {
        "year",
        "period_start",
        "period_end",
    }
    # Every source the model names is a column of the resource.
    sources = [m["source"] for m in model["measures"].values()] + [
        a["source"] for d in dimensions.values() for a in d["attributes"].values()
    ]
    assert set(sources) <= set(fields)


def test_the_realised_amounts_are_a_resource_of_their_own(tmp_path):
    """Worked from scenarios/letter-2014-actuals.csv: BZ paid 1,000,000.00 in 2014 and
    206,140.35 + 500,000.00 = 706,140.35 in 2015; booked commitments are 2,000,000.00 +
    2 x 100,000.00 + 2 x 33,800.00 + 12,500.00 (unplanned) = 2,280,100.00; cash 1,000,000.00
    + 706,140.35 + 50,000.00 + 45,000.00 + 60,000.00 - 2,500.00 + 33,800.00 + 12,500.00 =
    1,904,940.35."""
    folder = tmp_path / "package"
    assert export(SCENARIOS / "letter-2014-realised.toml", folder).exit_code == 0
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    phases = {r["name"]: r["phase"] for r in descriptor["resources"]}
    assert phases == {"projection": "approved", "realised": "executed"}
    assert descriptor["model"]["measures"]["realised_cash"]["phase"] == "executed"
    realised = read_csv(folder / "realised.csv")
    bz = {r["year"]: r["cash_amount"] for r in realised if r["commitment"] == "bz-tdh-ecpat"}
    assert bz == {"2014": "1000000.00", "2015": "706140.35"}
    assert sum(Decimal(r["commitment_amount"]) for r in realised) == Decimal("2280100.00")
    assert sum(Decimal(r["cash_amount"]) for r in realised) == Decimal("1904940.35")
    unplanned = [r for r in realised if r["commitment"] == "(unplanned)"]
    assert [(r["funder"], r["kind"], r["recipient"]) for r in unplanned] == [("VenJ", "", "")]


def test_the_plans_phase_follows_the_scenarios_stage():
    letter = budget.load_scenario(LETTER)
    assert plan_phase(letter) == "approved"  # no stage: the plan as adopted
    for stage, phase in [
        ("draft", "proposed"),
        ("adopted", "approved"),
        ("supplementary", "adjusted"),
        ("final", "adjusted"),
    ]:
        assert plan_phase(SimpleNamespace(stage=stage)) == phase


def test_receipts_are_a_revenue_measure_of_their_own():
    """A basis "receipts" (money received) gets its own column, direction revenue."""
    letter = budget.load_scenario(LETTER)
    rows = budget.project(letter)
    received = rows[rows["basis"] == "cash"].astype({"basis": str})
    received["basis"] = "receipts"
    both = pd.concat([rows.astype({"basis": str}), received.astype({"basis": str})])
    table = package_rows(letter, both.astype({"basis": "category"}))
    assert sum(cents(v) for v in table["receipts_amount"]) == 260_280_000
    descriptor = package_descriptor(letter, {"projection": table})
    assert descriptor["model"]["measures"]["projection_receipts"]["direction"] == "revenue"
    check_fiscal_fields(descriptor)


def test_amounts_read_back_as_exact_decimals_and_bz_grant_figures(tmp_path):
    frictionless = pytest.importorskip("frictionless", reason="frictionless is not installed")
    folder = tmp_path / "package"
    assert export(LETTER, folder).exit_code == 0
    package = frictionless.Package(str(folder / "datapackage.json"))
    rows = package.resources[0].read_rows()
    bz = {
        (r["year"], str(r["period_start"]), str(r["period_end"])): r["cash_amount"]
        for r in rows
        if r["commitment"] == "bz-tdh-ecpat"
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
    assert descriptor["model"]["measures"]["projection_cash"]["currency"] == "GBP"
    cash = read_csv(folder / "projection.csv")
    assert [(r["year"], r["period_start"], r["period_end"], r["cash_amount"]) for r in cash] == [
        ("2015", "2014-04-01", "2015-03-31", "1600877.19"),
        ("2016", "2015-04-01", "2016-03-31", "399122.81"),
    ]
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["cash_amount"]["currency"] == "GBP"
    assert {r["recipient_name"] for r in cash} == {"An NGO, Ltd."}


def test_frictionless_rejects_a_package_whose_rows_break_the_schema(tmp_path):
    """The check above can fail: a kind outside the enum and a repeated key are caught."""
    folder = tmp_path / "package"
    assert export(LETTER, folder).exit_code == 0
    data = folder / "projection.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    assert ",grant," in lines[1]
    lines[1] = lines[1].replace(",grant,", ",loan,")
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
        ("JPY", None, "JPY (Yen) has no decimals"),
        ("KWD", None, "KWD (Kuwaiti Dinar) has three decimals"),
        ("GPB", None, "not an active ISO 4217 currency code"),
        (978, None, "is not a currency code"),
    ],
)
def test_currency_codes(value, code, message):
    found, problem, hint = parse_currency(value)
    assert found == code
    assert message in problem
    assert bool(hint) == (code is None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=5))
def test_each_measure_sums_to_its_bases_money_for_any_scenario(generated):
    """For any scenario: one row per commitment, funder and year, and each amount column
    adds up, per commitment and funder, to the engine's cents of its basis (summed here
    from the tidy rows, independently)."""
    rows = budget.project(generated)
    table = package_rows(generated, rows)
    keys = list(zip(table["commitment"], table["funder"], table["year"], strict=True))
    assert len(set(keys)) == len(keys)
    for basis in ("commitment", "cash"):
        expected: dict[tuple[str, str], int] = {}
        chosen = rows[rows["basis"] == basis]
        for cid, funder, amount in zip(
            chosen["commitment"], chosen["funder"], chosen["amount_cents"], strict=True
        ):
            key = (str(cid), str(funder))
            expected[key] = expected.get(key, 0) + int(amount)
        found: dict[tuple[str, str], int] = {}
        for cid, funder, text in zip(
            table["commitment"], table["funder"], table[f"{basis}_amount"], strict=True
        ):
            found[(cid, funder)] = found.get((cid, funder), 0) + cents(text)
        assert {k: v for k, v in found.items() if v or k in expected} == expected


def test_a_budget_round_version_carries_its_classification_and_phase(tmp_path):
    """Issue 22: the administrative (chapter, article, article part) and economic
    (instrument, scheme) classification as columns and FDP 0.3 dimensions; the phase from
    [scenario] stage (draft: proposed, supplementary: adjusted)."""
    for stem, phase in (
        ("round-2015-draft", "proposed"),
        ("round-2015-1st-supplementary", "adjusted"),
    ):
        folder = tmp_path / stem
        result = export(SCENARIOS / f"{stem}.toml", folder)
        assert result.exit_code == 0, result.output
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        check_fiscal_fields(descriptor)
        assert descriptor["resources"][0]["phase"] == phase
        rows = read_csv(folder / "projection.csv")
        mki = next(r for r in rows if r["commitment"] == "mki-support")
        assert (mki["chapter"], mki["article"], mki["instrument"], mki["scheme"]) == (
            "VI", "33", "Subsidies", "MKI"
        )  # fmt: skip
        bz = next(r for r in rows if r["commitment"] == "bz-tdh-ecpat")
        assert (bz["chapter"], bz["article"], bz["instrument"], bz["scheme"]) == (
            "V", "", "", "TdH-ECPAT"
        )  # fmt: skip
        dimensions = descriptor["model"]["dimensions"]
        assert dimensions["budget_article"]["classificationType"] == "administrative"
        assert dimensions["instrument"]["classificationType"] == "economic"
        sources = [a["source"] for d in dimensions.values() for a in d["attributes"].values()]
        assert set(sources) <= set(rows[0])


def test_a_scenario_without_a_classification_has_no_such_columns(tmp_path):
    folder = tmp_path / "letter"
    assert export(SCENARIOS / "letter-2014.toml", folder).exit_code == 0
    header = read_csv(folder / "projection.csv")[0]
    assert not {"chapter", "article", "instrument"} & set(header)


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda p: p.stem)
def test_the_files_are_the_bytes_of_to_csv(tmp_path, scenario):
    """The tables are written per distinct value (budget.render.csvtext, issue 21): the
    bytes of pandas' `to_csv` of the same tables."""
    from budget.engine.realised import actuals_frame
    from budget.render.export.datapackage import realised_rows

    folder = tmp_path / "package"
    assert export(scenario, folder).exit_code == 0
    loaded = budget.load_scenario(scenario)
    table = package_rows(loaded, budget.project(with_pending(loaded, "none")))
    want = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert (folder / "projection.csv").read_bytes() == want
    if loaded.actuals:
        realised = realised_rows(loaded, actuals_frame(loaded))
        want = realised.to_csv(index=False, lineterminator="\n").encode("utf-8")
        assert (folder / "realised.csv").read_bytes() == want
