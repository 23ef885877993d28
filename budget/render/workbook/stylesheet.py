"""The workbook's styles part (xl/styles.xml), made from the looks its cells use.

`Stylesheet.attribute(look)` gives a cell's ` s="N"` attribute, registering the look on
first use; `xml()` writes every registered look, so it is called after the sheets are
written. Fonts, fills, borders and number formats are shared between looks, each listed
once, in order of first use, so that the same workbook gives the same part.
"""

from __future__ import annotations

from budget.render.workbook.styles import Alignment, Border, Fill, Font, Look, Side, for_currency
from budget.render.workbook.xmltext import xml_attribute as quoteattr

# Number formats that every spreadsheet program knows by number; others get 164 onwards.
BUILT_IN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9,
                    "0.00%": 10, "@": 49}  # fmt: skip
DEFAULT_FONT = (
    '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
    '<scheme val="minor"/></font>'
)


class Stylesheet:
    """The looks of one workbook, numbered in order of first use (0 is the default)."""

    __slots__ = (
        "borders",
        "currency",
        "dxfs",
        "fills",
        "fonts",
        "kept",
        "looks",
        "numbers",
        "quoted_seen",
        "seen",
    )

    def __init__(self, currency: str = "EUR") -> None:
        self.currency = currency
        self.looks: dict[Look, int] = {}
        self.seen: dict[int, str] = {}  # id(look) -> attribute, for looks met before
        self.kept: list[Look] = []  # keeps every look seen alive, so that its id stays its own
        self.fonts: dict[Font, int] = {}
        self.fills: dict[Fill, int] = {}
        self.borders: dict[Border, int] = {}
        self.numbers: dict[str, int] = {}
        self.quoted_seen: dict[int, str] = {}
        self.dxfs: dict[tuple[Font | None, Fill | None], int] = {}

    def dxf(self, font: Font | None, fill: Fill | None) -> int:
        """The number of the differential format (a conditional format's look) of `font`
        and `fill`, registered on first use."""
        return self.dxfs.setdefault((font, fill), len(self.dxfs))

    def quoted_attribute(self, look: Look) -> str:
        """The ` s="N"` attribute of text with this look that starts like a formula: the
        same look with Excel's quote prefix."""
        found = self.quoted_seen.get(id(look))
        if found is None:
            self.kept.append(look)
            found = self.quoted_seen[id(look)] = self.attribute(look.quoted())
        return found

    def attribute(self, look: Look) -> str:
        """The ` s="N"` attribute of a cell with this look."""
        found = self.seen.get(id(look))
        if found is None:
            number = self.looks.get(look)
            if number is None:
                number = self.looks[look] = len(self.looks) + 1
                self._register(look)
            found = self.seen[id(look)] = f' s="{number}"'
            self.kept.append(look)
        return found

    def _register(self, look: Look) -> None:
        self.fonts.setdefault(look.font, len(self.fonts) + 1)
        if look.fill is not None:
            self.fills.setdefault(look.fill, len(self.fills) + 2)
        if look.border is not None:
            self.borders.setdefault(look.border, len(self.borders) + 1)
        if look.number_format not in BUILT_IN_FORMATS:
            self.numbers.setdefault(look.number_format, len(self.numbers) + 164)

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{n}" formatCode={quoteattr(for_currency(code, self.currency))}/>'
            for code, n in self.numbers.items()
        )
        if formats:
            formats = f'<numFmts count="{len(self.numbers)}">{formats}</numFmts>'
        fonts = DEFAULT_FONT + "".join(_font(f) for f in self.fonts)
        fills = '<fill><patternFill patternType="none"/></fill>'
        fills += '<fill><patternFill patternType="gray125"/></fill>'
        fills += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="00{f.colour}"/>'
            f'<bgColor indexed="64"/></patternFill></fill>'
            for f in self.fills
        )
        borders = "<border><left/><right/><top/><bottom/><diagonal/></border>"
        borders += "".join(_border(b) for b in self.borders)
        xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        xfs += "".join(self._xf(look) for look in self.looks)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{formats}"
            f'<fonts count="{len(self.fonts) + 1}">{fonts}</fonts>'
            f'<fills count="{len(self.fills) + 2}">{fills}</fills>'
            f'<borders count="{len(self.borders) + 1}">{borders}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            f'</cellStyleXfs><cellXfs count="{len(self.looks) + 1}">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles>"
            f'<dxfs count="{len(self.dxfs)}">{"".join(_dxf(*key) for key in self.dxfs)}</dxfs>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )

    def _xf(self, look: Look) -> str:
        number = BUILT_IN_FORMATS.get(look.number_format)
        if number is None:
            number = self.numbers[look.number_format]
        fill = self.fills[look.fill] if look.fill is not None else 0
        border = self.borders[look.border] if look.border is not None else 0
        applied = ' applyFont="1"'
        applied += ' applyNumberFormat="1"' if number else ""
        applied += ' applyFill="1"' if fill else ""
        applied += ' applyBorder="1"' if border else ""
        applied += ' applyAlignment="1"' if look.alignment is not None else ""
        applied += ' quotePrefix="1"' if look.quote else ""
        alignment = _alignment(look.alignment) if look.alignment is not None else ""
        head = (
            f'<xf numFmtId="{number}" fontId="{self.fonts[look.font]}" fillId="{fill}" '
            f'borderId="{border}" xfId="0"{applied}'
        )
        return f"{head}>{alignment}</xf>" if alignment else f"{head}/>"


def _dxf(font: Font | None, fill: Fill | None) -> str:
    parts = ""
    if font is not None:
        bold = '<b val="1"/>' if font.bold else ""
        colour = f'<color rgb="FF{font.colour}"/>' if font.colour else ""
        parts += f"<font>{bold}{colour}</font>"
    if fill is not None:
        parts += f'<fill><patternFill><bgColor rgb="FF{fill.colour}"/></patternFill></fill>'
    return f"<dxf>{parts}</dxf>"


def _font(font: Font) -> str:
    parts = [f"<name val={quoteattr(font.name)}/>"]
    if font.bold:
        parts.append('<b val="1"/>')
    if font.italic:
        parts.append('<i val="1"/>')
    if font.colour:
        parts.append(f'<color rgb="00{font.colour}"/>')
    if font.size:
        parts.append(f'<sz val="{font.size:g}"/>')
    return f"<font>{''.join(parts)}</font>"


def _side(tag: str, side: Side | None) -> str:
    if side is None:
        return f"<{tag}/>"
    return f'<{tag} style="{side.style}"><color rgb="00{side.colour}"/></{tag}>'


def _border(border: Border) -> str:
    return (
        f"<border><left/><right/>{_side('top', border.top)}{_side('bottom', border.bottom)}"
        "<diagonal/></border>"
    )


def _alignment(alignment: Alignment) -> str:
    attributes = ""
    if alignment.horizontal:
        attributes += f' horizontal="{alignment.horizontal}"'
    if alignment.vertical:
        attributes += f' vertical="{alignment.vertical}"'
    if alignment.wrap:
        attributes += ' wrapText="1"'
    if alignment.indent:
        attributes += f' indent="{alignment.indent}"'
    return f"<alignment{attributes}/>"
