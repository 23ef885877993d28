"""Every active ISO 4217 code: accepted when its minor unit is 2, else refused naming it.

The table below is ISO 4217's list one (current currencies and funds) as published for
1 January 2026, written out by minor unit. Bulgaria's lev (BGN) left the list when Bulgaria
joined the euro on 1 January 2026; the Netherlands Antillean guilder (ANG) gave way to the
Caribbean guilder (XCG) in 2025. A newer `iso4217` release that adds or removes a code fails
`test_the_package_holds_exactly_the_table`, so that the table (and the README) follow it.
"""

from __future__ import annotations

import pytest

from budget.core.currency import minor_units, parse_currency, with_cents
from tests.helpers import LETTER, invoke

TWO = """
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK
LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS
SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST
XAD XCD XCG YER ZAR ZMW ZWG
"""
ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
THREE = "BHD IQD JOD KWD LYD OMR TND"
FOUR = "CLF UYW"
NONE = "XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX"

TABLE: dict[str, int | None] = {
    **dict.fromkeys(TWO.split(), 2),
    **dict.fromkeys(ZERO.split(), 0),
    **dict.fromkeys(THREE.split(), 3),
    **dict.fromkeys(FOUR.split(), 4),
    **dict.fromkeys(NONE.split(), None),
}
REFUSAL = {0: "no decimals", 3: "three decimals", 4: "four decimals", None: "no minor unit"}


def test_the_table_counts_by_hand():
    assert len(TWO.split()) == 139
    assert len(TABLE) == 139 + 17 + 7 + 2 + 13 == 178


def test_the_package_holds_exactly_the_table():
    assert minor_units() == TABLE
    assert with_cents() == sorted(TWO.split())


@pytest.mark.parametrize(("code", "unit"), sorted(TABLE.items()))
def test_every_active_code(code, unit):
    found, problem, hint = parse_currency(code.lower())
    if unit == 2:
        assert (found, problem, hint) == (code, "", "")
    else:
        assert found is None
        assert problem.startswith(f"{code} (")
        assert REFUSAL[unit] in problem
        if unit is not None:
            assert f"ISO 4217 minor unit {unit}" in problem
        assert "cents (minor unit 2)" in problem
        assert "two decimals" in hint


def test_bdt_by_name():
    assert parse_currency("BDT") == ("BDT", "", "")
    found, problem, _ = parse_currency("JPY")
    assert found is None
    assert problem == (
        "JPY (Yen) has no decimals (ISO 4217 minor unit 0);"
        " amounts here are kept in cents (minor unit 2)"
    )


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("GPB", "'GPB' is not an active ISO 4217 currency code", "did you mean GBP"),
        (
            "BGN",
            "BGN is no longer an ISO 4217 code (Bulgaria adopted the euro on 2026-01-01)",
            'use "EUR"',
        ),
        ("QQQ", "'QQQ' is not an active ISO 4217 currency code", "such as EUR"),
        (978, "978 is not a currency code", 'e.g. "EUR"'),
    ],
)
def test_unknown_codes(value, message, hint):
    found, problem, found_hint = parse_currency(value)
    assert found is None
    assert problem == message
    assert hint in found_hint


def test_a_scenario_in_bdt_runs(tmp_path):
    path = tmp_path / "bd.toml"
    path.write_text(
        f'[scenario]\nextends = "{LETTER.as_posix()}"\ncurrency = "BDT"\n', encoding="utf-8"
    )
    result = invoke("run", path, "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = lines[0].split(",").index("currency")
    assert {line.split(",")[at] for line in lines[1:]} == {"BDT"}


def test_a_scenario_in_kwd_is_one_line_naming_the_minor_unit(tmp_path):
    path = tmp_path / "kw.toml"
    path.write_text(
        f'[scenario]\nextends = "{LETTER.as_posix()}"\ncurrency = "KWD"\n', encoding="utf-8"
    )
    result = invoke("run", path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{path}: [scenario] field 'currency': KWD (Kuwaiti Dinar) has three decimals"
        " (ISO 4217 minor unit 3); amounts here are kept in cents (minor unit 2)"
        " (hint: use a currency with two decimals, e.g. EUR, USD, GBP, CHF or BDT)"
    ]
