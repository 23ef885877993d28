"""`budget export --to iati`: IATI 2.03 activities that the published schema accepts.

Expected figures are worked out by hand (see tests/cli/test_letter_figures.py for the BZ grant):
- BZ grant by days, calendar years: 2014 = 1,206,140.35 (275 of 456 days), 2015 = 793,859.65.
- The same grant with fiscal years from 1 April: FY2015 (2014-04-01 to 2015-03-31) holds 365
  of the 456 days: 200,000,000 x 365/456 = 160,087,719.30 cents; FY2016 holds 91 days:
  39,912,280.70 cents. Floors 160,087,719 and 39,912,280 leave one cent, which goes to the
  larger remainder (.70): 1,600,877.19 and 399,122.81.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import budget
from budget.cli import cli
from budget.core.model import Funder, ReportingOrg
from budget.render.export.iati import activities_xml, iati_problems, status
from budget.testing.strategies import scenarios
from tests.export_helpers import cents, check_iati_rules
from tests.helpers import LETTER
from tests.iati_ruleset import check_ruleset, errors

ORG = 'reporting_org = { ref = "XM-DAC-7", name = "Ministry of Foreign Affairs", type = "10" }'


def export(tmp_path: Path, scenario: Path, name: str = "activities.xml"):
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["export", str(scenario), "--to", "iati", "-o", str(out)])
    return result, out


def letter_with_org(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "letter-iati.toml"
    path.write_text(
        f'[scenario]\nextends = "{LETTER.as_posix()}"\n{ORG}\n\n'
        '[funders.BZ]\niati_ref = "XM-DAC-7"\n' + extra,
        encoding="utf-8",
    )
    return path


def activity(root: ET.Element, identifier: str) -> ET.Element:
    for element in root.iter("iati-activity"):
        if element.findtext("iati-identifier") == identifier:
            return element
    raise AssertionError(f"no activity {identifier}")


def budgets(element: ET.Element) -> list[tuple[str, str, str]]:
    return [
        (
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.findtext("value"),
        )
        for b in element.iter("budget")
    ]


def test_the_letters_bz_grant_is_a_valid_iati_activity(tmp_path, iati_schema):
    result, out = export(tmp_path, letter_with_org(tmp_path))
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    root = ET.parse(out).getroot()
    check_iati_rules(root)
    assert len(root.findall("iati-activity")) == 3
    bz = activity(root, "XM-DAC-7-bz-tdh-ecpat")
    # Each fiscal year's budget within the activity's dates, 2014-04-01 to 2015-06-30.
    assert budgets(bz) == [
        ("2014-04-01", "2014-12-31", "1206140.35"),
        ("2015-01-01", "2015-06-30", "793859.65"),
    ]
    assert [v.get("currency") for v in bz.iter("value")] == ["EUR"] * 4
    dates = {d.get("type"): d.get("iso-date") for d in bz.iter("activity-date")}
    assert dates == {"1": "2014-04-01", "3": "2015-06-30"}  # the period [2014-04-01, 2015-07-01)
    orgs = [
        (o.get("role"), o.get("ref"), o.get("type"), o.findtext("narrative"))
        for o in bz.iter("participating-org")
    ]
    # The funder that is the reporting organisation has its type; the reporting
    # organisation is accountable (2) and extending (3).
    assert orgs == [
        ("1", "XM-DAC-7", "10", "Ministry of Foreign Affairs (BZ)"),
        ("2", "XM-DAC-7", "10", "Ministry of Foreign Affairs"),
        ("3", "XM-DAC-7", "10", "Ministry of Foreign Affairs"),
        ("4", None, None, "Terre des Hommes and ECPAT Netherlands"),
    ]
    # The letter's defaults, and the grant's own region.
    assert bz.find("recipient-region").attrib == {"code": "998"}
    assert bz.find("recipient-country") is None
    assert bz.find("sector").attrib == {"vocabulary": "1", "code": "15160"}
    assert activity(root, "XM-DAC-7-mki-support").find("recipient-country").get("code") == "NL"
    assert bz.find("reporting-org").get("type") == "10"
    assert bz.findtext("title/narrative").startswith("Terre des Hommes and ECPAT")
    assert "BZ funds the project with EUR 2 million" in bz.findtext("description/narrative")
    planned = [
        (p.find("period-start").get("iso-date"), p.findtext("value"))
        for p in bz.iter("planned-disbursement")
    ]
    assert planned == [("2014-04-01", "1206140.35"), ("2015-01-01", "793859.65")]
    # SIN: 67,600.00 a year, half from each of VenJ and VWS as planned disbursements.
    sin = activity(root, "XM-DAC-7-sin-top-up")
    assert [b[2] for b in budgets(sin)] == ["67600.00"] * 3
    assert [p.findtext("value") for p in sin.iter("planned-disbursement")] == ["33800.00"] * 6
    assert [o.get("role") for o in sin.iter("participating-org")] == ["1", "1", "2", "3", "4"]
    assert "Assumed, not given by the source: funders." in sin.findtext("description/narrative")


def test_april_fiscal_years_give_budget_periods_from_april_to_march(tmp_path, iati_schema):
    path = tmp_path / "uk.toml"
    path.write_text(
        f"""
[scenario]
name = "UK grant"
fiscal_year_start = "04-01"
currency = "GBP"
{ORG.replace("XM-DAC-7", "GB-GOV-1")}
sector = "15110"
recipient_country = "GB"
[funders.FCDO]
name = "Foreign Office"
iati_ref = "GB-GOV-1"
[recipients.NGO]
name = "An NGO"
iati_ref = "GB-CHC-123456"
[[commitments]]
id = "grant-1"
kind = "grant"
recipient = "NGO"
funders = {{ FCDO = "1" }}
total = "2000000.00"
start = 2014-04-01
end = 2015-07-01
""",
        encoding="utf-8",
    )
    result, out = export(tmp_path, path)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    root = ET.parse(out).getroot()
    check_iati_rules(root)
    grant = activity(root, "GB-GOV-1-grant-1")
    # FY2016 runs from 2015-04-01; the grant ends 2015-06-30.
    assert budgets(grant) == [
        ("2014-04-01", "2015-03-31", "1600877.19"),
        ("2015-04-01", "2015-06-30", "399122.81"),
    ]
    assert {v.get("currency") for v in grant.iter("value")} == {"GBP"}
    assert grant.get("default-currency") == "GBP"
    recipient = next(o for o in grant.iter("participating-org") if o.get("role") == "4")
    assert recipient.get("ref") == "GB-CHC-123456"
    receiver = grant.find("planned-disbursement/receiver-org")
    assert receiver.get("ref") == "GB-CHC-123456"


def test_an_extending_scenario_inherits_reporting_org(tmp_path, iati_schema):
    base = letter_with_org(tmp_path)
    what_if = tmp_path / "what-if.toml"
    what_if.write_text(
        '[scenario]\nextends = "letter-iati.toml"\nname = "What if"\n', encoding="utf-8"
    )
    scenario = budget.load_scenario(what_if)
    assert scenario.reporting_org == ReportingOrg("XM-DAC-7", "Ministry of Foreign Affairs", "10")
    assert scenario.funders["BZ"].iati_ref == "XM-DAC-7"
    assert budget.load_scenario(base).currency == "EUR"
    result, out = export(tmp_path, what_if)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))


def test_the_same_scenario_gives_the_same_bytes(tmp_path):
    path = letter_with_org(tmp_path)
    _, first = export(tmp_path, path, "one.xml")
    _, second = export(tmp_path, path, "two.xml")
    assert first.read_bytes() == second.read_bytes()


def bookings(rows: list[tuple]) -> pd.DataFrame:
    """A frame of actual bookings, as the realisation reader hands them over."""
    frame = pd.DataFrame(
        rows, columns=["commitment", "funder", "basis", "date", "year", "amount_cents", "reference"]
    )
    return frame.astype({"year": "int64", "amount_cents": "int64"})


def test_actual_bookings_become_transactions(tmp_path, iati_schema):
    scenario = budget.load_scenario(letter_with_org(tmp_path))
    rows = budget.project(scenario)
    actuals = bookings(
        [
            ("bz-tdh-ecpat", "BZ", "commitment", None, 2014, 200_000_000, "BZ-2014-17"),
            ("bz-tdh-ecpat", "BZ", "cash", dt.date(2014, 5, 2), 2014, 50_000_000, "advance & co"),
            ("bz-tdh-ecpat", "BZ", "cash", dt.date(2015, 8, 3), 2015, -1_050, ""),
            ("(unplanned)", "VenJ", "cash", dt.date(2014, 6, 1), 2014, 12_345, "x"),
        ]
    )
    chunks, skipped = activities_xml(scenario, rows, actuals)
    text = "".join(chunks)
    assert skipped == 1
    iati_schema.validate(text)
    root = ET.fromstring(text)
    check_iati_rules(root)
    bz = activity(root, "XM-DAC-7-bz-tdh-ecpat")
    found = [
        (
            t.get("ref"),
            t.find("transaction-type").get("code"),
            t.find("transaction-date").get("iso-date"),
            t.findtext("value"),
            t.find("provider-org").get("ref"),
        )
        for t in bz.iter("transaction")
    ]
    # In date order; a booking known by its year only is dated on the year's last day.
    assert found == [
        ("advance & co", "3", "2014-05-02", "500000.00", "XM-DAC-7"),
        ("BZ-2014-17", "2", "2014-12-31", "2000000.00", "XM-DAC-7"),
        (None, "3", "2015-08-03", "-10.50", "XM-DAC-7"),
    ]
    assert not list(activity(root, "XM-DAC-7-mki-support").iter("transaction"))


TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r"),
    min_size=1,
    max_size=20,
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=5), st.lists(TEXT, min_size=6, max_size=6))
def test_generated_scenarios_export_valid_files_whose_budgets_are_the_cash(
    iati_schema, iati_ruleset, generated, names
):
    """Any scenario exports a file the schema and the Standard Ruleset accept; per
    commitment and year the budget is the engine's cash (added up independently from the
    tidy rows), planned disbursements add up to the same, every budget lies within the
    activity's dates, and names with XML's special characters come back unchanged."""
    funders = {
        key: Funder(key, names[i % 3], iati_ref=f"XM-DAC-{i}" if i % 2 else "")
        for i, key in enumerate(generated.funders)
    }
    recipients = {
        key: dataclasses.replace(r, name=names[3 + i % 3])
        for i, (key, r) in enumerate(generated.recipients.items())
    }
    scenario = dataclasses.replace(
        generated,
        funders=funders,
        recipients=recipients,
        reporting_org=ReportingOrg("XI-IATI-1", names[0], "90"),
        export_fields={"sector": ("15160", "x.toml"), "recipient_region": ("998", "x.toml")},
    )
    assert iati_problems(scenario) == []
    rows = budget.project(scenario)
    chunks, _ = activities_xml(scenario, rows)
    text = "".join(chunks)
    iati_schema.validate(text)
    root = ET.fromstring(text)
    check_iati_rules(root)
    rules, prefixes = iati_ruleset
    assert errors(check_ruleset(root, rules, prefixes)) == {}
    cash = rows[rows["basis"] == "cash"]
    expected: dict[tuple[str, int], int] = {}
    for cid, year, amount in zip(
        cash["commitment"], cash["year"], cash["amount_cents"], strict=True
    ):
        expected[(str(cid), int(year))] = expected.get((str(cid), int(year)), 0) + int(amount)
    found: dict[tuple[str, int], int] = {}
    planned: dict[tuple[str, int], int] = {}
    calendar = scenario.calendar

    def year_of(element: ET.Element) -> int:
        return calendar.year_of(dt.date.fromisoformat(element.find("period-start").get("iso-date")))

    for element in root.iter("iati-activity"):
        cid = element.findtext("iati-identifier").removeprefix("XI-IATI-1-")
        assert element.find("reporting-org/narrative").text == names[0]
        dates = {d.get("type"): d.get("iso-date") for d in element.iter("activity-date")}
        for b in element.iter("budget"):
            key = (cid, year_of(b))
            assert key not in found
            found[key] = cents(b.findtext("value"))
            assert dates["1"] <= b.find("period-start").get("iso-date")
            assert b.find("period-end").get("iso-date") <= dates["3"]
        for p in element.iter("planned-disbursement"):
            key = (cid, year_of(p))
            planned[key] = planned.get(key, 0) + cents(p.findtext("value"))
            assert p.find("receiver-org/narrative").text in names[3:]
        for o in element.iter("participating-org"):
            assert o.findtext("narrative") in names
    # A year of no cash outside the activity's dates has no budget.
    assert found == {k: v for k, v in expected.items() if v != 0 or k in found}
    assert planned == {k: v for k, v in expected.items() if v != 0}
    assert len(root.findall("iati-activity")) == len(scenario.commitments)


def test_without_reporting_org_export_names_the_field_with_an_example(tmp_path):
    result, out = export(tmp_path, LETTER)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert re.search(r"letter-2014\.toml: \[scenario\] field 'reporting_org': is missing", lines[0])
    assert 'reporting_org = { ref = "XM-DAC-7"' in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_control_character_is_an_error_naming_where_it_is(tmp_path):
    path = letter_with_org(
        tmp_path,
        '\n[[commitments]]\nid = "bz-tdh-ecpat"\nsource = "the letter\\u0007, page 3"\n',
    )
    out = tmp_path / "activities.xml"
    out.write_text("the previous export", encoding="utf-8")
    result, _ = export(tmp_path, path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "letter-iati.toml: commitment 'bz-tdh-ecpat', field 'source'" in lines[0]
    assert "U+0007" in lines[0] and "(hint: " in lines[0]
    assert out.read_text(encoding="utf-8") == "the previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_text_is_escaped_as_xml_requires(tmp_path, iati_schema):
    path = letter_with_org(
        tmp_path,
        '\n[[commitments]]\nid = "bz-tdh-ecpat"\nname = "R&D <pilot> \\"phase\\" 1\\r\\n2"\n'
        '[recipients.TdH-ECPAT]\niati_ref = "NL-KVK-1&2\\"3"\n',
    )
    result, out = export(tmp_path, path)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    bz = activity(ET.parse(out).getroot(), "XM-DAC-7-bz-tdh-ecpat")
    assert bz.findtext("title/narrative") == 'R&D <pilot> "phase" 1\r\n2'
    assert bz.find("participating-org[@role='4']").get("ref") == 'NL-KVK-1&2"3'


@pytest.mark.parametrize(
    ("scenario_text", "expected"),
    [
        (
            'reporting_org = { ref = "XM-DAC-7", name = "BZ", type = "99" }',
            "type '99' is not an IATI organisation type",
        ),
        ('reporting_org = { ref = "XM-DAC-7", type = "10" }', "name is missing"),
        ('reporting_org = "XM-DAC-7"', "must be a table of ref, name and type"),
        ('reporting_org = { ref = "XM DAC 7", name = "BZ", type = "10" }', "cannot begin an IATI"),
        ('currency = "EUX"', "did you mean EUR"),
        ('currency = "JPY"', "JPY (Yen) has no decimals"),
        (
            'currency = "XCG"\nreporting_org = { ref = "XM-DAC-7", name = "BZ", type = "10" }',
            "field 'currency': 'XCG' is not on the IATI Currency codelist",
        ),
    ],
)
def test_bad_publishing_fields_are_one_clear_line(tmp_path, scenario_text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(
        f'[scenario]\nextends = "{LETTER.as_posix()}"\n{scenario_text}\n', encoding="utf-8"
    )
    result, out = export(tmp_path, path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "bad.toml: [scenario] field" in lines[0] and expected in lines[0]
    assert not out.exists()


def test_a_commitment_id_that_cannot_be_an_identifier_is_an_error(tmp_path):
    path = letter_with_org(
        tmp_path,
        '\n[recipients.X]\nname = "X"\n[[commitments]]\nid = "a/b"\nkind = "annual"\n'
        'recipient = "X"\nfunders = { BZ = "1" }\nfirst_year = 2014\nlast_year = 2014\n'
        'amount = "1.00"\n',
    )
    result, _ = export(tmp_path, path)
    assert result.exit_code == 1
    assert "commitment 'a/b', field 'id': cannot be part of an IATI identifier" in result.stderr


def test_export_refuses_to_write_over_its_input(tmp_path):
    path = letter_with_org(tmp_path)
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["export", str(path), "--to", "iati", "-o", str(path)])
    assert result.exit_code == 1
    assert "is an input of this scenario" in result.stderr
    assert path.read_bytes() == before
    result = CliRunner().invoke(cli, ["export", str(path), "--to", "iati", "-o", str(LETTER)])
    assert result.exit_code == 1
    assert "is an input of this scenario" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    path = letter_with_org(tmp_path)
    for args in (["--to", "pdf", "-o", "x"], ["--to", "iati"], ["-o", "x.xml"]):
        result = CliRunner().invoke(cli, ["export", str(path), *args])
        assert result.exit_code == 2, args


def test_activity_status_follows_as_of_when_given():
    start, end = dt.date(2014, 4, 1), dt.date(2015, 6, 30)
    assert status(start, end, None) == "2"  # no date to judge by: implementation
    assert status(start, end, dt.date(2014, 3, 31)) == "1"  # pipeline
    assert status(start, end, start) == status(start, end, end) == "2"
    assert status(start, end, dt.date(2015, 7, 1)) == "3"  # finalisation


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_commitments=6), st.integers(1, 4))
def test_a_block_of_commitments_at_a_time_gives_the_same_file(generated, block):
    """The budget and planned-disbursement elements are made a block of commitments at a
    time (issue 21: memory); any block gives the text of one block of them all."""
    from budget.render.export import iati

    scenario = dataclasses.replace(
        generated,
        reporting_org=ReportingOrg("XI-IATI-1", "Org", "90"),
        export_fields={"sector": ("15160", "x.toml"), "recipient_region": ("998", "x.toml")},
    )
    rows = budget.project(scenario)
    whole = "".join(activities_xml(scenario, rows)[0])
    original = iati.BLOCK
    iati.BLOCK = block
    try:
        assert "".join(activities_xml(scenario, rows)[0]) == whole
    finally:
        iati.BLOCK = original


@given(st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)), max_size=30), st.booleans())
def test_iso_dates_on_arrays_are_isoformat(days, close):
    """`_iso` (a table of the days between the least and the greatest, or one by one when
    they lie far apart) gives each day's isoformat."""
    from budget.render.export import iati

    if close and days:  # days near each other: the table
        days = [days[0] + dt.timedelta(days=i % 7) for i in range(len(days) * 20)]
    array = np.array([d.isoformat() for d in days], dtype="datetime64[D]")
    assert iati._iso(array) == [d.isoformat() for d in days]
