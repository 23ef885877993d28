"""The test-side interpreter of the IATI Standard Ruleset (tests/iati_ruleset.py) can fail:
a hand-made activity that passes every rule, and one bad activity per rule form, each
failing the rule it was made to fail.

The loop of rule 2.1.2 (sector percentages per vocabulary other than 1) cannot fail as the
ruleset is written: its `subs` name only `paths`, so its condition keeps a literal `$1`
(the Validator substitutes the same keys); the loop form is tested with 3.4.2, whose
`subs` include the condition."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.iati_ruleset import FORMS, check_ruleset

LANG = 'xml:lang="en"'

GOOD = {
    "attrs": f'{LANG} default-currency="EUR" last-updated-datetime="2020-01-01T00:00:00Z"',
    "identifier": "XM-DAC-7-a1",
    "reporting": '<reporting-org ref="XM-DAC-7" type="10"><narrative>MFA</narrative>'
    "</reporting-org>",
    "title": "<title><narrative>A</narrative></title>",
    "description": '<description type="1"><narrative>B</narrative></description>',
    "orgs": '<participating-org ref="XM-DAC-7" role="1" type="10"><narrative>M</narrative>'
    "</participating-org>",
    "dates": '<activity-date type="1" iso-date="2014-01-01"/>'
    '<activity-date type="3" iso-date="2014-12-31"/>',
    "recipient": '<recipient-country code="NL"/>',
    "sector": '<sector vocabulary="1" code="15160"/>',
    "aid": '<default-aid-type code="C01"/>',
    "budget": '<budget type="1" status="1"><period-start iso-date="2014-01-01"/>'
    '<period-end iso-date="2014-12-31"/><value currency="EUR" value-date="2014-01-01">'
    "1.00</value></budget>",
    "transactions": '<transaction><transaction-type code="3"/>'
    '<transaction-date iso-date="2014-05-01"/>'
    '<value currency="EUR" value-date="2014-05-01">1.00</value></transaction>',
}


def document(**changes: str) -> ET.Element:
    parts = {**GOOD, **changes}
    text = (
        f'<iati-activities version="2.03"><iati-activity {parts["attrs"]}>'
        f"<iati-identifier>{parts['identifier']}</iati-identifier>"
        + "".join(parts[k] for k in GOOD if k not in ("attrs", "identifier"))
        + "</iati-activity></iati-activities>"
    )
    return ET.fromstring(text)


def failed(root: ET.Element, ruleset) -> set[tuple[str, str]]:
    rules, prefixes = ruleset
    return {(f.id, f.form) for f in check_ruleset(root, rules, prefixes)}


def test_the_good_activity_passes_every_rule(iati_ruleset):
    assert failed(document(), iati_ruleset) == set()


BAD = [
    # (rule form, the rule expected to fail, the change that breaks it)
    ("atleast_one", "6.2.2", {"sector": ""}),
    ("atleast_one", "6.11.1", {"dates": '<activity-date type="3" iso-date="2014-12-31"/>'}),
    ("no_more_than_one", "107.1.2", {"aid": GOOD["aid"] * 2}),
    ("one_or_all", "4.1.1", {"attrs": GOOD["attrs"].replace(LANG, "")}),
    (
        "one_or_all",
        "7.8.1",
        {
            "attrs": GOOD["attrs"].replace('default-currency="EUR"', ""),
            "transactions": GOOD["transactions"].replace('currency="EUR" ', ""),
        },
    ),
    ("date_now", "11.1.1", {"attrs": GOOD["attrs"].replace("2020-01-01", "2999-01-01")}),
    ("date_order", "11.1.2", {"dates": GOOD["dates"].replace("2014-12-31", "2013-12-31")}),
    (
        "date_order",
        "11.2.1",
        {"transactions": GOOD["transactions"].replace("2014-05-01", "2999-05-01")},
    ),
    ("unique", "1.1.3", {"identifier": "XM-DAC-7"}),
    ("startswith", "1.1.21", {"identifier": "NL-KVK-1-a1"}),
    (
        "startswith",
        "1.14.8",
        {"reporting": GOOD["reporting"].replace("XM-DAC-7", "MINBUZA"), "identifier": "MINBUZA-a1"},
    ),
    ("regex_matches", "1.3.13", {"identifier": "XM-DAC-7-a/1"}),
    ("no_spaces", "1.3.1", {"identifier": "XM-DAC-7-a1 "}),
    (
        "strict_sum",
        "3.1.2",
        {
            "recipient": '<recipient-country code="NL" percentage="50"/>'
            '<recipient-country code="BE" percentage="40"/>'
        },
    ),
    ("range", "12.3.1", {"sector": '<sector vocabulary="1" code="15160" percentage="120"/>'}),
    ("if_then", "3.7.1", {"recipient": ""}),
    (
        "if_then",
        "3.6.2",
        {
            "transactions": GOOD["transactions"].replace(
                "</transaction>", '<recipient-country code="NL"/></transaction>'
            )
        },
    ),
    (
        "loop",  # strict_sum inside a loop over the region vocabularies ($1 = "1")
        "3.4.2",
        {
            "recipient": '<recipient-region vocabulary="1" code="998" percentage="60"/>'
            '<recipient-region vocabulary="1" code="298" percentage="30"/>'
        },
    ),
    (
        "time_limit",
        "7.5.3",
        {
            "budget": GOOD["budget"].replace(
                'period-end iso-date="2014-12-31"', 'period-end iso-date="2015-12-31"'
            )
        },
    ),
]


@pytest.mark.parametrize(("form", "rule", "change"), BAD, ids=[f"{f}-{r}" for f, r, _ in BAD])
def test_a_bad_activity_fails_the_rule_it_breaks(iati_ruleset, form, rule, change):
    found = failed(document(**change), iati_ruleset)
    assert rule in {r for r, _ in found}, found
    if form != "loop":
        assert (rule, form) in found


def test_the_forms_not_in_activity_rules_can_fail_too(iati_ruleset):
    """between_dates is used by organisation files only (11.3.1): a budget line dated
    outside its period fails."""
    org = ET.fromstring(
        '<iati-organisations version="2.03"><iati-organisation xml:lang="en" '
        'default-currency="EUR" last-updated-datetime="2020-01-01T00:00:00Z">'
        "<organisation-identifier>XM-DAC-7</organisation-identifier>"
        '<reporting-org ref="XM-DAC-7" type="10"><narrative>M</narrative></reporting-org>'
        '<recipient-country-budget><recipient-country code="NL"/>'
        '<period-start iso-date="2014-01-01"/><period-end iso-date="2014-12-31"/>'
        '<value currency="EUR" value-date="2014-01-01">1.00</value>'
        '<budget-line><value currency="EUR" value-date="2015-03-01">1.00</value>'
        "<narrative>x</narrative></budget-line></recipient-country-budget>"
        "</iati-organisation></iati-organisations>"
    )
    assert ("11.3.1", "between_dates") in failed(org, iati_ruleset)


def test_every_form_the_ruleset_uses_is_known(iati_ruleset):
    rules, _ = iati_ruleset
    used = {name for body in rules.values() for name in body} - {"loop"}
    used |= {
        form
        for body in rules.values()
        for case in body.get("loop", {}).get("cases", [])
        for form in case["do"]
    }
    assert used <= FORMS.keys()
    tested = {f for f, _, _ in BAD} | {"between_dates"}
    assert used - tested == set()
