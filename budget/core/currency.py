"""Currencies: the ISO 4217 codes a scenario may name, and reading `[scenario] currency`.

Amounts are integer cents, so only currencies with two decimals (minor units of 1/100) are
accepted; a code of a currency without cents (JPY, ISK, ...) is refused with a hint.
"""

from __future__ import annotations

import difflib

DEFAULT = "EUR"

# ISO 4217 codes of currencies with two decimals, and their names.
CURRENCIES: dict[str, str] = {
    "AUD": "Australian dollar",
    "BGN": "Bulgarian lev",
    "BRL": "Brazilian real",
    "CAD": "Canadian dollar",
    "CHF": "Swiss franc",
    "CNY": "Chinese yuan renminbi",
    "CZK": "Czech koruna",
    "DKK": "Danish krone",
    "EGP": "Egyptian pound",
    "ETB": "Ethiopian birr",
    "EUR": "Euro",
    "GBP": "Pound sterling",
    "GHS": "Ghanaian cedi",
    "HKD": "Hong Kong dollar",
    "HUF": "Hungarian forint",
    "IDR": "Indonesian rupiah",
    "ILS": "Israeli new shekel",
    "INR": "Indian rupee",
    "KES": "Kenyan shilling",
    "MAD": "Moroccan dirham",
    "MXN": "Mexican peso",
    "NGN": "Nigerian naira",
    "NOK": "Norwegian krone",
    "NZD": "New Zealand dollar",
    "PHP": "Philippine peso",
    "PLN": "Polish zloty",
    "RON": "Romanian leu",
    "SEK": "Swedish krona",
    "SGD": "Singapore dollar",
    "THB": "Thai baht",
    "TRY": "Turkish lira",
    "TZS": "Tanzanian shilling",
    "UAH": "Ukrainian hryvnia",
    "USD": "US dollar",
    "ZAR": "South African rand",
}

# ISO 4217 codes of currencies without two decimals: named, so that the error says why.
NOT_IN_CENTS: dict[str, str] = {
    "CLP": "no decimals",
    "ISK": "no decimals",
    "JPY": "no decimals",
    "KRW": "no decimals",
    "UGX": "no decimals",
    "VND": "no decimals",
    "XAF": "no decimals",
    "XOF": "no decimals",
    "BHD": "three decimals",
    "JOD": "three decimals",
    "KWD": "three decimals",
    "OMR": "three decimals",
    "TND": "three decimals",
}


def parse_currency(value: object) -> tuple[str | None, str, str]:
    """(code, message, hint): the code when `value` names a currency with cents, else None
    with what is wrong and what would be right. Lower case is accepted ("eur" -> "EUR")."""
    if not isinstance(value, str):
        return None, f"{value!r} is not a currency code", 'write it in quotes, e.g. "EUR"'
    code = value.strip().upper()
    if code in CURRENCIES:
        return code, "", ""
    if code in NOT_IN_CENTS:
        return (
            None,
            f"{code} has {NOT_IN_CENTS[code]}; amounts here are kept in cents",
            "use a currency with two decimals, e.g. " + ", ".join(list(CURRENCIES)[:5]),
        )
    close = difflib.get_close_matches(code, list(CURRENCIES), n=3)
    hint = (
        "did you mean " + " or ".join(close) + "?"
        if close
        else "use an ISO 4217 code such as EUR, GBP, USD or CHF"
    )
    return None, f"{value!r} is not an ISO 4217 currency code known here", hint
