"""The one serialiser of sheets: a `Sheet` (plain data, see `sheet.py`) as worksheet XML.

`sheet_xml(sheet, stylesheet, drawing, tables)` yields the part in pieces, so that the save
compresses it while it is made and a sheet of a million rows never sits in memory whole.
Cells are written in row and column order; a block's rows are made from its numpy columns
a few thousand at a time. Text is always an inline string (cleaned, and quote-prefixed when
it starts like a formula); a formula carries its cached value.

Speed: about a microsecond per cell (openpyxl's writer takes ten), which matters for the
overview sheets of a scenario with thousands of commitments and for the Data sheet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape

import numpy as np

from budget.core.money import format_euros
from budget.render.workbook.exact import FLOAT_LIMIT, INT_LIMIT, WORKBOOK_LIMIT_CENTS, exact_number
from budget.render.workbook.sheet import (
    FORMULA_STARTS,
    Block,
    ColumnKind,
    Formula,
    Sheet,
    clean_text,
    column_letter,
)
from budget.render.workbook.stylesheet import Stylesheet
from budget.render.workbook.xmltext import ILLEGAL, xml_clean, xml_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BLOCK_CHUNK = 4_000  # rows of a block made at a time
BATCH = 1_000_000  # characters of rows handed on at a time


class _Letters(dict[int, str]):
    def __missing__(self, column: int) -> str:
        letter = self[column] = column_letter(column)
        return letter


def used_range(sheet: Sheet) -> str:
    """The sheet's used range ("A1:G30"), from its cells and blocks."""
    rows = [r for r, cells in sheet.rows.items() if cells]
    columns = [c for cells in sheet.rows.values() for c in (min(cells), max(cells)) if cells]
    for block in sheet.blocks:
        if block.rows and block.columns:
            rows += [block.first_row, block.first_row + block.rows - 1]
            columns += [1, len(block.columns)]
    if not rows:
        return "A1"
    first = f"{column_letter(min(columns))}{min(rows)}"
    return f"{first}:{column_letter(max(columns))}{max(rows)}"


def _pane(freeze: str) -> str:
    letters = freeze.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    x_split, y_split = column - 1, int(freeze[len(letters) :]) - 1
    if x_split and y_split:
        active = "bottomRight"
        selections = '<selection pane="topRight"/><selection pane="bottomLeft"/>'
    else:
        active = "topRight" if x_split else "bottomLeft"
        selections = ""
    splits = (f' xSplit="{x_split}"' if x_split else "") + (
        f' ySplit="{y_split}"' if y_split else ""
    )
    return (
        f'<pane{splits} topLeftCell="{freeze}" activePane="{active}" state="frozen"/>'
        f'{selections}<selection pane="{active}" activeCell="{freeze}" sqref="{freeze}"/>'
    )


def head_xml(sheet: Sheet, selected: bool) -> str:
    """Everything before the sheet's cells: properties, used range, view, column widths."""
    pane = _pane(sheet.freeze) if sheet.freeze else '<selection activeCell="A1" sqref="A1"/>'
    tab = ' tabSelected="1"' if selected else ""
    cols = "".join(
        f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
        for c, w in sorted(sheet.widths.items())
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
        '<pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="{used_range(sheet)}"/>'
        f'<sheetViews><sheetView{tab} workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"{f'<cols>{cols}</cols>' if cols else ''}"
    )


def conditional_xml(sheet: Sheet, stylesheet: Stylesheet | None) -> str:
    """The sheet's conditional formats (`Sheet.highlights`), each with its dxf."""
    if stylesheet is None or not sheet.highlights:
        return ""
    out = []
    for priority, h in enumerate(sheet.highlights, 1):
        dxf = stylesheet.dxf(h.font, h.fill)
        out.append(
            f'<conditionalFormatting sqref="{h.ref}"><cfRule type="expression" dxfId="{dxf}" '
            f'priority="{priority}"><formula>{xml_text(h.formula)}</formula></cfRule>'
            "</conditionalFormatting>"
        )
    return "".join(out)


def tail_xml(
    sheet: Sheet, drawing: str | None, tables: Sequence[str], stylesheet: Stylesheet | None = None
) -> str:
    """Everything after the cells, in the schema's order: merged ranges, conditional
    formats, print setup, page breaks, drawing, tables (`drawing` and `tables` are the
    relationship ids of the sheet's parts)."""
    merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in sheet.merged)
    breaks = "".join(f'<brk id="{row}" max="16383" man="1"/>' for row in sheet.row_breaks)
    count = len(sheet.row_breaks)
    parts = [
        f'<mergeCells count="{len(sheet.merged)}">{merged}</mergeCells>' if merged else "",
        conditional_xml(sheet, stylesheet),
        '<printOptions gridLines="0"/>',
        '<pageMargins left="0.5" right="0.5" top="1" bottom="1" header="0.5" footer="0.5"/>',
        '<pageSetup paperSize="9" fitToWidth="1" fitToHeight="0" orientation="landscape"/>',
        "<headerFooter><oddFooter>&amp;C&amp;A, page &amp;P of &amp;N</oddFooter></headerFooter>",
        f'<rowBreaks count="{count}" manualBreakCount="{count}">{breaks}</rowBreaks>'
        if breaks
        else "",
        f'<drawing r:id="{drawing}"/>' if drawing else "",
        (
            f'<tableParts count="{len(tables)}">'
            + "".join(f'<tablePart r:id="{t}"/>' for t in tables)
            + "</tableParts>"
        )
        if tables
        else "",
        "</worksheet>",
    ]
    return "".join(parts)


def sheet_xml(
    sheet: Sheet,
    stylesheet: Stylesheet,
    drawing: str | None = None,
    tables: Sequence[str] = (),
    selected: bool = False,
) -> Iterator[str]:
    """The worksheet part in pieces (see the module docstring)."""
    yield head_xml(sheet, selected)
    yield "<sheetData>"
    yield from _rows(sheet, stylesheet)
    yield "</sheetData>"
    yield tail_xml(sheet, drawing, tables, stylesheet)


def _rows(sheet: Sheet, stylesheet: Stylesheet) -> Iterator[str]:
    """The `<row>` elements of cells and blocks, in row order, a batch at a time."""
    blocks = sorted(sheet.blocks, key=lambda b: b.first_row)
    order = sorted(sheet.rows.keys() | sheet.heights.keys())
    spans = [(b.first_row, b.first_row + b.rows) for b in blocks]
    for start, stop in spans:
        if any(start <= row < stop for row in order):
            raise ValueError(f"{sheet.title}: cells in the rows of a block ({start}-{stop - 1})")
    writer = _CellWriter(sheet, stylesheet)
    position = 0
    for block in blocks:
        stop = position
        while stop < len(order) and order[stop] < block.first_row:
            stop += 1
        yield from _batches(writer, order[position:stop])
        position = stop
        yield from block_rows(block, stylesheet)
    yield from _batches(writer, order[position:])


def _batches(writer: _CellWriter, rows: Sequence[int]) -> Iterator[str]:
    """The XML of `rows`, about BATCH characters at a time (memory stays flat)."""
    batch: list[str] = []
    size = 0
    for row in rows:
        xml = writer.row(row)
        batch.append(xml)
        size += len(xml)
        if size >= BATCH:
            yield "".join(batch)
            batch = []
            size = 0
    yield "".join(batch)


class _CellWriter:
    """Writes the rows of a sheet's cells, with caches for letters and repeated text."""

    def __init__(self, sheet: Sheet, stylesheet: Stylesheet) -> None:
        self.sheet = sheet
        self.styles = stylesheet
        self.letters = _Letters()
        self.texts: dict[str, tuple[str, bool]] = {}  # text -> (escaped, starts like a formula)

    def text(self, value: str) -> tuple[str, bool]:
        found = self.texts.get(value)
        if found is None:
            if len(self.texts) > 100_000:
                self.texts.clear()
            shown = clean_text(value)
            found = self.texts[value] = (escape(shown), shown.startswith(FORMULA_STARTS))
        return found

    def inexact(self, value: float | int, ref: str) -> None:
        """Refuse a number the sheet cannot show to the cent (budget/render/workbook/exact.py)."""
        exact_number(value, f"sheet {self.sheet.title!r}, cell {ref}", "workbook")

    def row(self, row: int) -> str:
        height = self.sheet.heights.get(row)
        attributes = f' ht="{height:g}" customHeight="1"' if height else ""
        cells = self.sheet.rows.get(row)
        if not cells:
            return f'<row r="{row}"{attributes}/>'
        parts = [f'<row r="{row}"{attributes}>']
        append = parts.append
        letters, texts, seen = self.letters, self.texts, self.styles.seen
        for column in sorted(cells):
            value, look = cells[column]
            style = seen.get(id(look))
            if style is None:
                style = self.styles.attribute(look)
            ref = f"{letters[column]}{row}"
            kind = type(value)
            if kind is Formula:
                formula: Formula = value  # type: ignore[assignment]
                expression, cached = formula[0][1:], formula[1]
                if "<" in expression or ">" in expression or "&" in expression:
                    expression = xml_text(expression)
                elif ILLEGAL.search(expression):
                    expression = xml_clean(expression)
                kind = type(cached)
                if kind is not str and not -FLOAT_LIMIT <= cached <= FLOAT_LIMIT:  # type: ignore[operator]
                    self.inexact(cached, ref)  # type: ignore[arg-type]
                if kind is float:
                    append(f'<c r="{ref}"{style}><f>{expression}</f><v>{cached!r}</v></c>')
                elif kind is str:
                    append(
                        f'<c r="{ref}"{style} t="str"><f>{expression}</f>'
                        f"<v>{xml_text(cached)}</v></c>"
                    )
                else:
                    append(f'<c r="{ref}"{style}><f>{expression}</f><v>{int(cached)}</v></c>')
            elif kind is str:
                if not value:
                    append(f'<c r="{ref}"{style}/>')
                    continue
                found = texts.get(value)  # type: ignore[arg-type]
                if found is None:
                    found = self.text(value)  # type: ignore[arg-type]
                if found[1]:  # starts like a formula: quote-prefixed
                    style = self.styles.quoted_attribute(look)
                append(
                    f'<c r="{ref}"{style} t="inlineStr"><is>'
                    f'<t xml:space="preserve">{found[0]}</t></is></c>'
                )
            elif kind is int:
                if not -INT_LIMIT <= value <= INT_LIMIT:  # type: ignore[operator]
                    self.inexact(value, ref)  # type: ignore[arg-type]
                append(f'<c r="{ref}"{style}><v>{value}</v></c>')
            elif kind is float:
                if not -FLOAT_LIMIT <= value <= FLOAT_LIMIT:  # type: ignore[operator]
                    self.inexact(value, ref)  # type: ignore[arg-type]
                append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
            elif value is None:
                append(f'<c r="{ref}"{style}/>')
            else:
                raise TypeError(f"{self.sheet.title}!{ref}: cannot write {value!r}")
        append("</row>")
        return "".join(parts)


def block_rows(block: Block, stylesheet: Stylesheet, chunk: int | None = None) -> Iterator[str]:
    """A block's rows as XML, `chunk` rows (default BLOCK_CHUNK) at a time, so that memory
    stays flat."""
    chunk = chunk or BLOCK_CHUNK
    count = block.rows
    letters = [column_letter(i) for i in range(1, len(block.columns) + 1)]
    caches: list[dict[object, str]] = [{} for _ in block.columns]
    amounts: dict[int, str] = {}  # cents -> their cell's XML, for amounts that repeat

    def text(value: object, cache: dict[object, str], plain: str, quoted: str) -> str:
        found = cache.get(value)
        if found is None:
            if len(cache) >= 100_000:
                cache.clear()
            shown = clean_text("" if value is None else value)
            style = quoted if shown.startswith(FORMULA_STARTS) else plain
            found = cache[value] = (
                f'"{style} t="inlineStr"><is><t xml:space="preserve">{escape(shown)}</t></is></c>'
            )
        return found

    def amount(cents: int, style: str) -> str:
        found = amounts.get(cents)
        if found is None:
            if not -WORKBOOK_LIMIT_CENTS <= cents <= WORKBOOK_LIMIT_CENTS:
                exact_number(cents / 100, "a row of the data", "workbook")
            if len(amounts) >= 100_000:
                amounts.clear()
            found = amounts[cents] = f'"{style}><v>{format_euros(cents)}</v></c>'
        return found

    # One row: <row r="N"><c r="AN" ...><c r="BN" ...>...</row>, filled by str.format.
    row = (
        '<row r="{0}">'
        + "".join(f'<c r="{letter}{{0}}{{{i}}}' for i, letter in enumerate(letters, 1))
        + "</row>"
    ).format
    styles = [stylesheet.attribute(c.look) for c in block.columns]
    quoted = [
        stylesheet.quoted_attribute(c.look) if c.kind == ColumnKind.TEXT else ""
        for c in block.columns
    ]
    for start in range(0, count, chunk):
        stop = min(start + chunk, count)
        cells: list[list[str]] = []
        for index, column in enumerate(block.columns):
            values = column.values[start:stop]
            style = styles[index]
            if column.kind == ColumnKind.TEXT:
                cache, plain, quote = caches[index], style, quoted[index]
                cells.append([text(v, cache, plain, quote) for v in values])
            elif column.kind == ColumnKind.MONEY:
                cells.append([amount(v, style) for v in np.asarray(values).tolist()])
            else:
                cells.append([f'"{style}><v>{v}</v></c>' for v in np.asarray(values).tolist()])
        yield "".join(
            row(r, *parts)
            for r, parts in enumerate(zip(*cells, strict=True), block.first_row + start)
        )
