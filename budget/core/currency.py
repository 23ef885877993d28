"""Currencies: the ISO 4217 codes a scenario may name, and reading `[scenario] currency`.

The codes and their minor units come from ISO 4217's current list (list one), as the
`iso4217` package ships it (the maintenance agency's table.xml). Amounts are integer cents,
so exactly the currencies whose minor unit is 2 (1/100) are accepted. Every other active
code is refused with its minor unit named: 0 decimals (JPY, XOF, ...), 3 (BHD, KWD, ...),
4 (CLF, UYW), or none at all (gold XAU, the SDR XDR, the testing code XTS, ...).
"""

from __future__ import annotations

import difflib
import functools

DEFAULT = "EUR"

# Codes withdrawn from ISO 4217 in recent years, and the code that replaced each: a scenario
# in one of them is refused with its successor as the hint (the list holds current codes only).
WITHDRAWN: dict[str, tuple[str, str]] = {
    "BGN": ("EUR", "Bulgaria adopted the euro on 2026-01-01"),
    "HRK": ("EUR", "Croatia adopted the euro on 2023-01-01"),
    "ANG": ("XCG", "the Caribbean guilder replaced it in 2025"),
    "SLL": ("SLE", "the redenominated leone replaced it in 2022"),
    "ZWL": ("ZWG", "Zimbabwe Gold replaced it in 2024"),
    "VEF": ("VES", "the bolivar soberano replaced it in 2018"),
    "MRO": ("MRU", "the redenominated ouguiya replaced it in 2018"),
    "STD": ("STN", "the redenominated dobra replaced it in 2018"),
    "BYR": ("BYN", "the redenominated rouble replaced it in 2016"),
}

# Suggested first for a mistyped code, when close to it.
COMMON = ("EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "SEK", "NOK", "DKK")

# The meaning of each minor unit that is not 2, as the refusal names it.
_DECIMALS = {0: "no decimals", 1: "one decimal", 3: "three decimals", 4: "four decimals"}


@functools.cache
def minor_units() -> dict[str, int | None]:
    """Every active ISO 4217 code and its minor unit (the number of decimals; None for a
    code without one, such as XAU or XDR). Read once, on first use: the package parses its
    XML table when imported (about 10 ms), which commands that name no currency skip."""
    import iso4217

    return {c.code: c.exponent for c in iso4217.Currency}


@functools.cache
def names() -> dict[str, str]:
    """The ISO 4217 name of every active code ("BDT" -> "Taka")."""
    import iso4217

    return {c.code: c.currency_name for c in iso4217.Currency}


def with_cents() -> list[str]:
    """The active codes with a minor unit of 2, in alphabetical order."""
    return sorted(code for code, unit in minor_units().items() if unit == 2)


def _close(code: str) -> list[str]:
    """Up to three active codes with cents close to `code`: its letters swapped ("GPB" ->
    GBP) before one letter off, common currencies before others."""
    candidates = with_cents()
    rank = {c: i for i, c in enumerate(COMMON)}
    swapped = [c for c in candidates if sorted(c) == sorted(code) and c != code]
    one_off = [
        c
        for c in candidates
        if len(c) == len(code) and sum(a != b for a, b in zip(c, code, strict=True)) == 1
    ]
    ordered = sorted(swapped, key=lambda c: rank.get(c, 99)) + sorted(
        one_off, key=lambda c: rank.get(c, 99)
    )
    ordered += difflib.get_close_matches(code, candidates, n=3)
    return list(dict.fromkeys(ordered))[:3]


def parse_currency(value: object) -> tuple[str | None, str, str]:
    """(code, message, hint): the code when `value` names a currency with cents, else None
    with what is wrong and what would be right. Lower case is accepted ("eur" -> "EUR")."""
    if not isinstance(value, str):
        return None, f"{value!r} is not a currency code", 'write it in quotes, e.g. "EUR"'
    code = value.strip().upper()
    units = minor_units()
    if code in units:
        unit = units[code]
        if unit == 2:
            return code, "", ""
        name = names()[code]
        if unit is None:
            what = f"{code} ({name}) has no minor unit in ISO 4217"
        else:
            what = f"{code} ({name}) has {_DECIMALS.get(unit, f'{unit} decimals')}"
            what += f" (ISO 4217 minor unit {unit})"
        return (
            None,
            f"{what}; amounts here are kept in cents (minor unit 2)",
            "use a currency with two decimals, e.g. EUR, USD, GBP, CHF or BDT",
        )
    if code in WITHDRAWN:
        successor, why = WITHDRAWN[code]
        return (
            None,
            f"{code} is no longer an ISO 4217 code ({why})",
            f'use "{successor}"',
        )
    close = _close(code)
    hint = (
        "did you mean " + " or ".join(close) + "?"
        if close
        else "use an active ISO 4217 code such as EUR, GBP, USD or CHF"
    )
    return None, f"{value!r} is not an active ISO 4217 currency code", hint
