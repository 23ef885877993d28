"""Every look of the workbook in one place: fonts, fills, borders and number formats.

Sheets import these constants instead of building their own, so that all sheets (including
those that other modules add through `write_workbook(extra_sheets=...)`) look alike.

Number formats:
- EUROS: euros with a thousands separator and two decimals; zero shows as "-", as in the
  budget tables of the Dutch state. The unit ("EUR") is stated in the sheet's title.
- EUROS_SIGN: the same with a euro sign, for cells read outside a titled table (Data).
- THOUSANDS: the same numbers shown in thousands of euros ("x EUR 1,000") by the format's
  trailing comma, so that the value itself is never rounded away.
- CENTS, YEAR: whole numbers without separators.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

EUROS = '#,##0.00;-#,##0.00;"-"'
EUROS_SIGN = '"€" #,##0.00;"€" -#,##0.00;"€" 0.00'
THOUSANDS = '#,##0,;-#,##0,;"-"'
CENTS = "0"
YEAR = "0"

# Every font names its face: without a name, LibreOffice falls back to a serif face.
FONT_NAME = "Calibri"
PLAIN = Font(name=FONT_NAME, size=11)
TITLE = Font(name=FONT_NAME, bold=True, size=14)
SUBTITLE = Font(name=FONT_NAME, italic=True, color="595959")
BOLD = Font(name=FONT_NAME, bold=True)
HEADER = Font(name=FONT_NAME, bold=True, color="FFFFFF")
NOTE = Font(name=FONT_NAME, italic=True, color="595959", size=9)

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
BLOCK_FILL = PatternFill("solid", fgColor="DDEBF7")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
ASSUMPTION_FILL = PatternFill("solid", fgColor="FFF2CC")

THIN = Side(style="thin", color="808080")
MEDIUM = Side(style="medium", color="000000")
TOP_RULE = Border(top=THIN)
TOTAL_RULE = Border(top=MEDIUM, bottom=MEDIUM)

LEFT = Alignment(horizontal="left", vertical="top")
WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
INDENT = Alignment(horizontal="left", indent=1)
RIGHT = Alignment(horizontal="right")
CENTER = Alignment(horizontal="center")
HEADER_RIGHT = Alignment(horizontal="right", vertical="center")
HEADER_LEFT = Alignment(horizontal="left", vertical="center")

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
