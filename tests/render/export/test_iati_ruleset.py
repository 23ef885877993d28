"""`budget export --to iati` against the IATI Standard Ruleset (tests/iati_ruleset.py), and
what the export refuses before it would fail one of its error-level rules: a missing
sector or recipient, a code not on its IATI codelist, an organisation identifier without
a registration agency or retired.

Every bundled scenario is exported with a reporting organisation added (none of them
publishes as IATI on its own) and must pass the 2.03 schema and the ruleset: 0 errors and
0 warnings.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.helpers import SCENARIOS, invoke
from tests.iati_ruleset import check_ruleset, errors

ORG = 'reporting_org = { ref = "XM-DAC-7", name = "Ministry of Foreign Affairs", type = "10" }'
BUNDLED = sorted(SCENARIOS.glob("*.toml"))


def publishing(tmp_path: Path, base: Path, head: str = "", rest: str = "") -> Path:
    """A scenario extending `base` with a reporting organisation (and `head` in its
    [scenario], `rest` after it)."""
    path = tmp_path / f"iati-{base.name}"
    path.write_text(
        f'[scenario]\nextends = "{base.as_posix()}"\n{ORG}\n{head}\n{rest}', encoding="utf-8"
    )
    return path


def export(path: Path, out: Path):
    return invoke("export", path, "--to", "iati", "-o", out)


def activity(root: ET.Element, cid: str) -> ET.Element:
    for element in root.iter("iati-activity"):
        if element.findtext("iati-identifier") == f"XM-DAC-7-{cid}":
            return element
    raise AssertionError(f"no activity {cid}")


@pytest.mark.parametrize("base", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_export_passes_the_standard_ruleset(
    tmp_path, iati_schema, iati_ruleset, base
):
    out = tmp_path / "activities.xml"
    result = export(publishing(tmp_path, base), out)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    rules, prefixes = iati_ruleset
    findings = check_ruleset(ET.parse(out), rules, prefixes)
    assert errors(findings) == {}
    assert [(f.id, f.identifier) for f in findings] == []  # no warnings either


def test_a_settlement_after_the_grant_widens_the_activity(tmp_path, iati_schema):
    """bz-advance-80: 80% of the 2,000,000.00 paid in 2014 (1,600,000.00), the rest at
    settlement in 2016 (400,000.00), after the grant's period [2014-04-01, 2015-07-01).
    The activity's planned end becomes the end of fiscal 2016, so the 2016 budget lies
    within it."""
    out = tmp_path / "activities.xml"
    result = export(publishing(tmp_path, SCENARIOS / "bz-advance-80.toml"), out)
    assert result.exit_code == 0, result.output
    bz = activity(ET.parse(out).getroot(), "bz-tdh-ecpat")
    dates = {d.get("type"): d.get("iso-date") for d in bz.iter("activity-date")}
    assert dates == {"1": "2014-04-01", "3": "2016-12-31"}
    found = [
        (b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"))
        for b in bz.iter("budget")
        if b.findtext("value") != "0.00"
    ]
    values = [b.findtext("value") for b in bz.iter("budget") if b.findtext("value") != "0.00"]
    assert found == [("2014-04-01", "2014-12-31"), ("2016-01-01", "2016-12-31")]
    assert values == ["1600000.00", "400000.00"]


def test_actual_dates_come_from_the_bookings(tmp_path, iati_schema):
    """The realised letter: BZ's grant decision booked 2014-04-01 and its second
    instalment paid 2015-07-01, the grant's exclusive end date. The actuals run to
    2015-09-01, after the activity's end: the actual end is the last booking."""
    out = tmp_path / "activities.xml"
    result = export(publishing(tmp_path, SCENARIOS / "letter-2014-realised.toml"), out)
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    bz = activity(root, "bz-tdh-ecpat")
    dates = {d.get("type"): d.get("iso-date") for d in bz.iter("activity-date")}
    assert dates == {"1": "2014-04-01", "2": "2014-04-01", "3": "2015-07-01", "4": "2015-07-01"}
    assert bz.find("activity-status").get("code") == "3"  # finalisation
    last = max(t.find("transaction-date").get("iso-date") for t in bz.iter("transaction"))
    assert last == "2015-07-01" <= dates["3"]
    # MKI runs to 2017: its first booking is its actual start; no actual end yet.
    mki = {
        d.get("type"): d.get("iso-date")
        for d in activity(root, "mki-support").iter("activity-date")
    }
    assert mki == {"1": "2014-01-01", "2": "2014-01-10", "3": "2017-12-31"}


def one_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


def bare_letter(tmp_path: Path) -> Path:
    """The letter without its IATI defaults (sector, recipient_country) nor the grant's
    region: a copy with those lines taken out."""
    text = (SCENARIOS / "letter-2014.toml").read_text(encoding="utf-8")
    kept = [
        line
        for line in text.splitlines()
        if not line.startswith(("sector =", "recipient_country =", "recipient_region ="))
    ]
    path = tmp_path / "bare.toml"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_an_export_without_a_sector_is_refused_naming_the_field(tmp_path):
    path = publishing(tmp_path, bare_letter(tmp_path), 'recipient_country = "NL"')
    out = tmp_path / "activities.xml"
    line = one_line(export(path, out))
    assert "iati-bare.toml: [scenario] field 'sector': is missing" in line
    assert "rule 6.2.2" in line and 'sector = "15160"' in line
    assert not out.exists()


def test_a_commitment_without_a_sector_is_named(tmp_path):
    rest = '[[commitments]]\nid = "mki-support"\nsector = "15160"\n'
    path = publishing(tmp_path, bare_letter(tmp_path), 'recipient_country = "NL"', rest)
    result = export(path, tmp_path / "activities.xml")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "bare.toml: commitment 'sin-top-up', field 'sector': is missing" in lines[0]
    assert "bare.toml: commitment 'bz-tdh-ecpat', field 'sector': is missing" in lines[1]


def test_an_export_without_a_recipient_is_refused_naming_the_field(tmp_path):
    path = publishing(tmp_path, bare_letter(tmp_path), 'sector = "15160"')
    line = one_line(export(path, tmp_path / "activities.xml"))
    assert "[scenario] field 'recipient_country': is missing" in line
    assert "rule 3.7.1" in line and "recipient_region" in line


@pytest.mark.parametrize(
    ("head", "rest", "expected"),
    [
        ('sector = "1516"', "", "[scenario] field 'sector': '1516' is not on the IATI Sector"),
        (
            "",
            '[[commitments]]\nid = "mki-support"\nrecipient_country = "XX"\n',
            "commitment 'mki-support', field 'recipient_country': 'XX' is not on the IATI Country",
        ),
        (
            "",
            '[[commitments]]\nid = "mki-support"\nrecipient_country = "AN"\n',
            "'AN' (NETHERLAND ANTILLES) is withdrawn from the IATI Country codelist",
        ),
        (
            "",
            '[[commitments]]\nid = "mki-support"\nrecipient_region = "998"\n'
            'recipient_country = "NL"\n',
            "commitment 'mki-support', field 'recipient_region': is given beside recipient_country",
        ),
        ('sector_vocabulary = "7"', "", "'7' is not a sector vocabulary taken here"),
        (
            'iati = { aid_type = "Z99" }',
            "",
            "[scenario] field 'iati', aid_type: 'Z99' is not on the IATI AidType codelist",
        ),
        ('iati = { aid = "C01" }', "", "[scenario] field 'iati': 'aid' is not a field here"),
        ("iati = { last_updated = 5 }", "", "last_updated: 5 is not a date"),
        ("", '[funders.BZ]\niati_ref = "MINBUZA"\n', "does not begin with an IATI organisation"),
        (
            "",
            '[funders.BZ]\niati_ref = "NL-1"\n',
            "funder 'BZ', field 'iati_ref': 'NL-1' is a retired IATI organisation identifier "
            "(hint: use 'XM-DAC-7', which replaced it)",
        ),
        (
            "",
            '[recipients.MKI]\niati_ref = "GB-GOVUK-1"\n',
            "iati-letter-2014.toml: recipient 'MKI', field 'iati_ref': 'GB-GOVUK-1' begins with "
            "'GB-GOVUK', a registration agency withdrawn",
        ),
    ],
)
def test_codes_and_organisation_ids_are_checked_before_export(tmp_path, head, rest, expected):
    out = tmp_path / "activities.xml"
    line = one_line(export(publishing(tmp_path, SCENARIOS / "letter-2014.toml", head, rest), out))
    assert expected in line
    assert not out.exists()


def test_the_reporting_organisation_id_is_checked_too(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        f'[scenario]\nextends = "{(SCENARIOS / "letter-2014.toml").as_posix()}"\n'
        'reporting_org = { ref = "NL-1", name = "Ministry of Foreign Affairs", type = "10" }\n',
        encoding="utf-8",
    )
    line = one_line(export(path, tmp_path / "a.xml"))
    assert "[scenario] field 'reporting_org', ref: 'NL-1' is a retired" in line
    assert "XM-DAC-7" in line


def test_a_bad_organisation_type_is_a_load_error(tmp_path):
    line = one_line(
        export(
            publishing(
                tmp_path, SCENARIOS / "letter-2014.toml", "", '[recipients.MKI]\niati_type = "99"\n'
            ),
            tmp_path / "a.xml",
        )
    )
    assert "recipient 'MKI', field 'iati_type': '99' is not an IATI organisation type" in line


ACTIVITY_WIDE = (
    'iati = { collaboration_type = "1", flow_type = "10", finance_type = "110", '
    'aid_type = "C01", tied_status = "5", last_updated = 2026-01-15 }'
)


def test_activity_wide_codes_and_organisation_types_are_written(
    tmp_path, iati_schema, iati_ruleset, monkeypatch
):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    rest = (
        '[funders.BZ]\niati_ref = "XM-DAC-7"\n'
        '[recipients.TdH-ECPAT]\niati_ref = "NL-KVK-41177588"\niati_type = 21\n'
    )
    out = tmp_path / "activities.xml"
    path = publishing(tmp_path, SCENARIOS / "letter-2014.toml", ACTIVITY_WIDE, rest)
    result = export(path, out)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    root = ET.parse(out).getroot()
    rules, prefixes = iati_ruleset
    assert check_ruleset(root, rules, prefixes) == []
    bz = activity(root, "bz-tdh-ecpat")
    assert bz.get("last-updated-datetime") == "2026-01-15T00:00:00"
    codes = [(e.tag, e.get("code")) for e in bz if e.tag.startswith(("collab", "default-"))]
    assert codes == [
        ("collaboration-type", "1"),
        ("default-flow-type", "10"),
        ("default-finance-type", "110"),
        ("default-aid-type", "C01"),
        ("default-tied-status", "5"),
    ]
    implementing = bz.find("participating-org[@role='4']")
    assert (implementing.get("ref"), implementing.get("type")) == ("NL-KVK-41177588", "21")
    assert bz.find("planned-disbursement/receiver-org").get("type") == "21"
    assert bz.find("planned-disbursement/provider-org").get("type") == "10"


def test_source_date_epoch_sets_the_time_stamp_and_keeps_the_bytes(tmp_path, monkeypatch):
    """SOURCE_DATE_EPOCH = 1767225600 is 2026-01-01T00:00:00Z (56 years of 365.25 days
    ... worked: 1767225600 / 86400 = 20454 days after 1970-01-01, which is 2026-01-01)."""
    assert dt.date(1970, 1, 1) + dt.timedelta(days=1767225600 // 86400) == dt.date(2026, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    path = publishing(tmp_path, SCENARIOS / "letter-2014.toml", ACTIVITY_WIDE)
    one, two = tmp_path / "one.xml", tmp_path / "two.xml"
    assert export(path, one).exit_code == 0
    assert export(path, two).exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    stamps = {a.get("last-updated-datetime") for a in ET.parse(one).iter("iati-activity")}
    assert stamps == {"2026-01-01T00:00:00Z"}  # over [scenario] iati's last_updated
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    line = one_line(export(path, tmp_path / "three.xml"))
    assert line.startswith("SOURCE_DATE_EPOCH: 'yesterday' is not a number of seconds")


def test_a_registers_sector_and_country_columns_are_exported(tmp_path, iati_schema):
    register = tmp_path / "more.csv"
    register.write_text(
        "id,kind,recipient,funders,first_year,last_year,amount,sector,recipient_country\n"
        "extra-1,annual,MKI,VenJ,2015,2016,10.00,15180,BE\n"
        "extra-2,annual,MKI,VenJ,2015,2016,10.00,,\n",
        encoding="utf-8",
    )
    path = publishing(tmp_path, SCENARIOS / "letter-2014.toml", 'register = "more.csv"')
    out = tmp_path / "activities.xml"
    result = export(path, out)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    root = ET.parse(out).getroot()
    one, two = activity(root, "extra-1"), activity(root, "extra-2")
    assert (one.find("sector").get("code"), one.find("recipient-country").get("code")) == (
        "15180",
        "BE",
    )
    # Empty cells: the [scenario] defaults.
    assert (two.find("sector").get("code"), two.find("recipient-country").get("code")) == (
        "15160",
        "NL",
    )


def test_dates_in_the_future_are_refused(tmp_path, monkeypatch):
    """Rules 11.2.1 (a transaction dated after today) and 11.1.1 (last-updated-datetime
    after today): the export says which booking, or which setting."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    bookings = tmp_path / "bookings.csv"
    bookings.write_text(
        "date,commitment,funder,basis,amount,reference\n"
        "2014-05-01,mki-support,VenJ,cash,10.00,a\n"
        "2199-05-01,mki-support,VenJ,cash,10.00,b\n",
        encoding="utf-8",
    )
    path = publishing(tmp_path, SCENARIOS / "letter-2014.toml", 'actuals = "bookings.csv"')
    line = one_line(export(path, tmp_path / "a.xml"))
    assert "bookings.csv: row 3, field 'date': 2199-05-01 is after today" in line
    assert "rule 11.2.1" in line
    path = publishing(
        tmp_path, SCENARIOS / "letter-2014.toml", "iati = { last_updated = 2199-01-01 }"
    )
    line = one_line(export(path, tmp_path / "a.xml"))
    assert "[scenario] field 'iati', last_updated: 2199-01-01T00:00:00 is after today" in line


def test_a_supplementary_version_reports_revised_budgets_of_its_whole_stand(
    tmp_path, iati_schema, iati_ruleset
):
    """Issue 22: the budgets of a supplementary budget are IATI BudgetType 2 (revised),
    each the version's whole stand for its year (MKI's 2015 after the cash shift:
    80,000.00), never an increment on the original, which stands beside them as type 1
    (the adopted version's: 100,000.00 a year); the draft's are type 1 only. A commitment
    the supplementary budget adds (eu-sin) has revised budgets only."""
    rules, prefixes = iati_ruleset
    found = {}
    for stem in ("round-2015-draft", "round-2015-1st-supplementary"):
        out = tmp_path / f"{stem}.xml"
        result = export(publishing(tmp_path, SCENARIOS / f"{stem}.toml"), out)
        assert result.exit_code == 0, result.output
        iati_schema.validate(str(out))
        tree = ET.parse(out)
        assert errors(check_ruleset(tree, rules, prefixes)) == {}
        mki = activity(tree.getroot(), "mki-support")
        found[stem] = [
            (b.get("type"), b.find("period-start").get("iso-date")[:4], b.findtext("value"))
            for b in mki.iter("budget")
        ]
    assert found["round-2015-draft"] == [
        ("1", "2014", "100000.00"), ("1", "2015", "100000.00"),
        ("1", "2016", "100000.00"), ("1", "2017", "100000.00"),
    ]  # fmt: skip
    assert found["round-2015-1st-supplementary"] == [
        ("1", "2014", "100000.00"), ("1", "2015", "100000.00"),
        ("1", "2016", "100000.00"), ("1", "2017", "100000.00"),
        ("2", "2014", "100000.00"), ("2", "2015", "80000.00"),
        ("2", "2016", "120000.00"), ("2", "2017", "100000.00"),
    ]  # fmt: skip
    out = tmp_path / "round-2015-1st-supplementary.xml"
    eu = activity(ET.parse(out).getroot(), "eu-sin")
    assert [b.get("type") for b in eu.iter("budget")] == ["2", "2"]


def test_a_recovery_is_a_negative_planned_disbursement(tmp_path, iati_schema, iati_ruleset):
    """bz-advance-80 settled in 2016 at 1,500,000.00, below the 1,600,000.00 advance paid
    in 2014: nothing more is paid, 100,000.00 comes back. The planned disbursements are
    the advance and, in 2016, -100,000.00 (a recovery is a negative disbursement, as in
    the transactions); the 2016 budget stays the cash planned (none). The 2.03 schema
    (xsd:decimal) and the ruleset allow a negative value: 0 errors, 0 warnings."""
    out = tmp_path / "activities.xml"
    rest = '[[commitments]]\nid = "bz-tdh-ecpat"\nsettled = { year = 2016, amount = "1500000.00" }'
    result = export(publishing(tmp_path, SCENARIOS / "bz-advance-80.toml", rest=rest), out)
    assert result.exit_code == 0, result.output
    iati_schema.validate(str(out))
    rules, prefixes = iati_ruleset
    assert check_ruleset(ET.parse(out), rules, prefixes) == []
    bz = activity(ET.parse(out).getroot(), "bz-tdh-ecpat")
    planned = [
        (p.find("period-start").get("iso-date"), p.findtext("value"),
         p.find("provider-org").get("ref"))
        for p in bz.iter("planned-disbursement")
    ]  # fmt: skip
    assert [(start, value) for start, value, _ in planned] == [
        ("2014-04-01", "1600000.00"),
        ("2016-01-01", "-100000.00"),
    ]
    assert planned[0][2] == planned[1][2]  # the same funder provides both
    budgets = [b.findtext("value") for b in bz.iter("budget") if b.findtext("value") != "0.00"]
    assert budgets == ["1600000.00"]
    dates = {d.get("type"): d.get("iso-date") for d in bz.iter("activity-date")}
    assert dates["3"] == "2016-12-31"  # the recovery year lies within the activity


@pytest.mark.parametrize("stem", ["round-2015-1st-supplementary", "letter-2014-realised"])
def test_elements_made_a_block_of_commitments_at_a_time_are_the_same_bytes(
    tmp_path, monkeypatch, stem
):
    """Issue 21 (memory): the budgets (original and revised) and planned disbursements are
    made a block of commitments at a time; a block of one gives the file of one block."""
    from budget.render.export import iati

    path = publishing(tmp_path, SCENARIOS / f"{stem}.toml")
    whole = tmp_path / "whole.xml"
    assert export(path, whole).exit_code == 0
    for block in (1, 2):
        monkeypatch.setattr(iati, "BLOCK", block)
        out = tmp_path / f"block{block}.xml"
        assert export(path, out).exit_code == 0
        assert out.read_bytes() == whole.read_bytes()
    assert b"<budget" in whole.read_bytes() and b"<planned-disbursement" in whole.read_bytes()
