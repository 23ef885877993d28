"""Every look of the workbook in one place: fonts, fills, borders, alignments, number formats,
and the named looks that cells carry.

A cell's look is a `Look` (font, fill, border, alignment, number format), a frozen value;
sheets use the named looks below (or `Look(...)` made from these parts) instead of building
their own, so that every sheet (including those that other modules add through
`write_workbook(extra_sheets=...)`) looks alike. The serialiser gives each look that a
workbook uses one entry of styles.xml, in order of first use.

Number formats:
- EUROS: euros with a thousands separator and two decimals; zero shows as "-", as in the
  budget tables of the Dutch state. The unit ("EUR") is stated in the sheet's title.
- EUROS_SIGN: the same with a euro sign, for cells read outside a titled table (Data).
- THOUSANDS: the same numbers shown in thousands of euros ("x EUR 1,000") by the format's
  trailing comma, so that the value itself is never rounded away.
- CENTS, YEAR: whole numbers without separators; PERCENT: one decimal.

Currency: the formats are written with the euro sign; `for_currency` (applied by the
stylesheet to every format of a book, from `Book.currency`) puts the book's currency in
its place: its symbol for EUR, GBP, USD and CHF, its ISO code for others. Formats of titled
tables show no sign: the title and the note above name the unit ("Amounts in GBP").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

EUROS = '#,##0.00;-#,##0.00;"-"'
EUROS_SIGN = '"€" #,##0.00;"€" -#,##0.00;"€" 0.00'
THOUSANDS = '#,##0,;-#,##0,;"-"'
CENTS = "0"
YEAR = "0"
PERCENT = "0.0%"
TEXT = "@"
GENERAL = "General"

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def currency_sign(currency: str) -> str:
    """How a number format names the currency: its symbol, or its ISO code."""
    return SYMBOLS.get(currency, currency)


def for_currency(number_format: str, currency: str) -> str:
    """`number_format` with the euro sign replaced by `currency`'s sign."""
    if currency == "EUR":
        return number_format
    return number_format.replace('"€"', f'"{currency_sign(currency)}"')


def thousands_unit(currency: str) -> str:
    """ "x EUR 1,000": how titles and the thousands sheet name the unit."""
    return f"x {currency} 1,000"


@dataclass(frozen=True, slots=True)
class Font:
    """A font: face, size in points, bold, italic, colour (RRGGBB, None: automatic)."""

    name: str = "Calibri"
    size: float | None = None
    bold: bool = False
    italic: bool = False
    colour: str | None = None


@dataclass(frozen=True, slots=True)
class Fill:
    """A solid background colour (RRGGBB)."""

    colour: str


@dataclass(frozen=True, slots=True)
class Side:
    """One edge of a border: "thin" or "medium", and its colour (RRGGBB)."""

    style: str
    colour: str = "000000"


@dataclass(frozen=True, slots=True)
class Border:
    """Lines above and below a cell (None: no line)."""

    top: Side | None = None
    bottom: Side | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    """horizontal: "left", "right", "center" or None; vertical: "top", "center" or None;
    wrap: wrap long text; indent: levels of indent."""

    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    indent: int = 0


# Every font names its face: without a name, LibreOffice falls back to a serif face.
FONT_NAME = "Calibri"
PLAIN = Font(FONT_NAME, size=11)
TITLE = Font(FONT_NAME, bold=True, size=14)
SUBTITLE = Font(FONT_NAME, italic=True, colour="595959")
BOLD = Font(FONT_NAME, bold=True)
HEADER = Font(FONT_NAME, bold=True, colour="FFFFFF")
NOTE = Font(FONT_NAME, italic=True, colour="595959", size=9)

HEADER_FILL = Fill("1F4E78")
BLOCK_FILL = Fill("DDEBF7")
SUBTOTAL_FILL = Fill("F2F2F2")
ASSUMPTION_FILL = Fill("FFF2CC")

THIN = Side("thin", "808080")
MEDIUM = Side("medium", "000000")
TOP_RULE = Border(top=THIN)
TOTAL_RULE = Border(top=MEDIUM, bottom=MEDIUM)

LEFT = Alignment(horizontal="left", vertical="top")
WRAP = Alignment(horizontal="left", vertical="top", wrap=True)
INDENT = Alignment(horizontal="left", indent=1)
RIGHT = Alignment(horizontal="right")
CENTER = Alignment(horizontal="center")
HEADER_RIGHT = Alignment(horizontal="right", vertical="center")
HEADER_LEFT = Alignment(horizontal="left", vertical="center")


@dataclass(frozen=True, slots=True)
class Look:
    """How a cell looks. `quote` is Excel's quote prefix, which keeps text that starts like a
    formula as text when someone edits the cell; the serialiser sets it on such text by
    itself, so sheets never need to."""

    font: Font = PLAIN
    fill: Fill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str = GENERAL
    quote: bool = False

    def quoted(self) -> Look:
        return replace(self, quote=True)


# Named looks, for the cells that most sheets have.
TEXT_LOOK = Look()
TITLE_LOOK = Look(TITLE)
SUBTITLE_LOOK = Look(SUBTITLE)
NOTE_LOOK = Look(NOTE)
BOLD_LOOK = Look(BOLD)
WRAPPED = Look(alignment=WRAP)
HEADER_LOOK = Look(HEADER, HEADER_FILL, alignment=HEADER_LEFT)
HEADER_RIGHT_LOOK = Look(HEADER, HEADER_FILL, alignment=HEADER_RIGHT)
BLOCK_TITLE = Look(BOLD, BLOCK_FILL)
BLOCK = Look(fill=BLOCK_FILL)  # the blank cells beside a block title
MONEY = Look(number_format=EUROS)
MONEY_BOLD = Look(BOLD, number_format=EUROS)
YEAR_LOOK = Look(number_format=YEAR)
YEAR_TEXT_LOOK = Look(alignment=RIGHT)  # a year named "2014-15" or "FY2015", as text
# A breach: Excel's "bad" colours (red text on a light red fill), not only the word.
BREACH_FONT = Font(FONT_NAME, bold=True, colour="9C0006")
BREACH_FILL = Fill("FFC7CE")
BREACH_MONEY = Look(BREACH_FONT, BREACH_FILL, number_format=EUROS)
BREACH_FLAG = Look(BREACH_FONT, BREACH_FILL, alignment=RIGHT)
PERCENT_LOOK = Look(number_format=PERCENT)
ASSUMED = Look(fill=ASSUMPTION_FILL)

# Colours of the chart's series, one per funder in order (repeats after eight).
SERIES_COLOURS = (
    "1F4E78",
    "C55A11",
    "548235",
    "7F6000",
    "7030A0",
    "2E75B6",
    "BF9000",
    "A5A5A5",
)
