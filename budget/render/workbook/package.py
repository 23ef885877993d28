"""The package around the sheets: every part of an .xlsx file, written into a zip.

`write_package(book, out)` writes, in a fixed order: the content types, the package and
workbook relationships, the document properties (fixed times, so that the bytes depend on
the inputs only), xl/workbook.xml (which asks spreadsheet programs to recalculate every
formula on load), each sheet (streamed through `sheetxml.sheet_xml`) with its tables,
drawing and charts, the theme, and last the styles (every look the sheets used). Every zip
entry has the same fixed time and compression level.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from budget.render.workbook.charts import chart_xml, drawing_xml
from budget.render.workbook.sheet import Book, Sheet, Table, quote_sheetname
from budget.render.workbook.sheetxml import MAIN, sheet_xml
from budget.render.workbook.stylesheet import Stylesheet
from budget.render.workbook.theme import THEME_XML
from budget.render.workbook.xmltext import xml_attribute as quoteattr
from budget.render.workbook.xmltext import xml_text as escape

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # zip's earliest time; the document says 2000-01-01
DOCUMENT_TIME = "2000-01-01T00:00:00Z"


def document_times() -> tuple[tuple[int, int, int, int, int, int], str]:
    """(zip entry time, document time): from SOURCE_DATE_EPOCH (seconds since 1970, UTC)
    when it is set, as reproducible builds do; else the fixed ZIP_TIME and DOCUMENT_TIME,
    so that the same inputs give the same bytes. Zip cannot hold times before 1980."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return ZIP_TIME, DOCUMENT_TIME
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    zip_time = max(ZIP_TIME, (when.year, when.month, when.day, when.hour, when.minute, when.second))
    return zip_time, when.strftime("%Y-%m-%dT%H:%M:%SZ")


COMPRESSION = 1  # fastest deflate: a quarter larger files, four times quicker
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = {
    "sheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "table": "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml",
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
}


def _relationships(targets: Iterable[tuple[str, str]]) -> str:
    """A relationships part: (type, target) pairs, numbered rId1, rId2..."""
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, 1)
    )
    return f'{XML}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{items}</Relationships>'


def table_xml(table: Table, number: int) -> str:
    columns = "".join(
        f'<tableColumn id="{i}" name={quoteattr(name)}/>' for i, name in enumerate(table.headers, 1)
    )
    return (
        f'{XML}<table xmlns="{MAIN}" id="{number}" name={quoteattr(table.name)} '
        f'displayName={quoteattr(table.name)} ref="{table.ref}" headerRowCount="1">'
        f'<autoFilter ref="{table.ref}"/><tableColumns count="{len(table.headers)}">'
        f'{columns}</tableColumns><tableStyleInfo name="{table.style}" showFirstColumn="0" '
        'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
    )


def workbook_xml(book: Book) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(s.title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, s in enumerate(book.sheets, 1)
    )
    names = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{n}">'
        f"{escape(quote_sheetname(s.title))}!{_rows(s.title_rows)}</definedName>"
        for n, s in enumerate(book.sheets)
        if s.title_rows
    )
    return (
        f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets>"
        f"{f'<definedNames>{names}</definedNames>' if names else ''}"
        '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>'
    )


def _rows(title_rows: str) -> str:
    first, last = title_rows.split(":")
    return f"${first}:${last}"


def core_xml(creator: str, title: str = "", when: str = DOCUMENT_TIME) -> str:
    who = escape(creator)
    named = f"<dc:title>{escape(title)}</dc:title>" if title else ""
    return (
        f"{XML}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{named}<dc:creator>{who}</dc:creator><cp:lastModifiedBy>{who}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def app_xml(creator: str) -> str:
    return (
        f"{XML}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{escape(creator)}</Application></Properties>"
    )


SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
FIXED_TYPES = (
    ("/xl/workbook.xml", f"{SPREADSHEET}.sheet.main+xml"),
    ("/xl/styles.xml", f"{SPREADSHEET}.styles+xml"),
    ("/xl/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
    ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    (
        "/docProps/app.xml",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    ),
)


class _Parts:
    """Numbers every table, drawing and chart of the book, and lists their parts."""

    def __init__(self, book: Book) -> None:
        self.tables: list[list[tuple[int, Table]]] = []
        self.drawings: list[int | None] = []
        self.charts: list[list[int]] = []
        table_number = drawing_number = chart_number = 0
        for sheet in book.sheets:
            mine = []
            for table in sheet.tables:
                table_number += 1
                mine.append((table_number, table))
            self.tables.append(mine)
            if sheet.charts:
                drawing_number += 1
                self.drawings.append(drawing_number)
                numbers = list(range(chart_number + 1, chart_number + 1 + len(sheet.charts)))
                chart_number += len(sheet.charts)
                self.charts.append(numbers)
            else:
                self.drawings.append(None)
                self.charts.append([])

    def content_types(self, book: Book) -> str:
        overrides = list(FIXED_TYPES)
        for index in range(len(book.sheets)):
            overrides.append((f"/xl/worksheets/sheet{index + 1}.xml", TYPES["sheet"]))
            for n, _table in self.tables[index]:
                overrides.append((f"/xl/tables/table{n}.xml", TYPES["table"]))
            drawing = self.drawings[index]
            if drawing is not None:
                overrides.append((f"/xl/drawings/drawing{drawing}.xml", TYPES["drawing"]))
                for n in self.charts[index]:
                    overrides.append((f"/xl/charts/chart{n}.xml", TYPES["chart"]))
        items = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        return (
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>'
        )


class _Zip:
    """The zip being written: every entry with the same time (zip's earliest) and level.
    Entries get zipfile's own attributes (owner read-write; made on this platform)."""

    def __init__(
        self, archive: zipfile.ZipFile, time: tuple[int, int, int, int, int, int] = ZIP_TIME
    ) -> None:
        self.archive = archive
        self.time = time

    def put(self, name: str, text: str) -> None:
        entry = zipfile.ZipInfo(name, date_time=self.time)
        self.archive.writestr(entry, text.encode("utf-8"), zipfile.ZIP_DEFLATED, COMPRESSION)

    def stream(self, name: str, pieces: Iterable[str]) -> None:
        """An entry written piece by piece. open() with a name gives it the zip's
        compression and level and zip's earliest time; for another time (SOURCE_DATE_EPOCH)
        the entry is made here, and its level is set where zipfile has a public name for it
        (Python 3.13's `compress_level`; before that, zlib's default level)."""
        target: str | zipfile.ZipInfo = name
        if self.time != ZIP_TIME:
            target = zipfile.ZipInfo(name, date_time=self.time)
            target.compress_type = zipfile.ZIP_DEFLATED
            if hasattr(target, "compress_level"):
                setattr(target, "compress_level", COMPRESSION)  # noqa: B010 (3.13+ only)
        with self.archive.open(target, "w", force_zip64=True) as stream:
            for piece in pieces:
                stream.write(piece.encode("utf-8"))


def write_package(
    book: Book, out: IO[bytes], progress: Callable[[int, int], Any] | None = None
) -> None:
    """Write the whole .xlsx file of `book` to `out` (see the module docstring);
    progress(done, total): called after each sheet."""
    parts = _Parts(book)
    stylesheet = Stylesheet(book.currency)
    zip_time, document_time = document_times()
    with zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESSION
    ) as archive:
        zip_ = _Zip(archive, zip_time)
        zip_.put("[Content_Types].xml", parts.content_types(book))
        package_links = [
            (f"{OFFICE}/officeDocument", "xl/workbook.xml"),
            (f"{PACKAGE_RELATIONSHIPS}/metadata/core-properties", "docProps/core.xml"),
            (f"{OFFICE}/extended-properties", "docProps/app.xml"),
        ]
        zip_.put("_rels/.rels", _relationships(package_links))
        zip_.put("docProps/app.xml", app_xml("budget"))
        zip_.put("docProps/core.xml", core_xml(book.creator, book.title, document_time))
        zip_.put("xl/workbook.xml", workbook_xml(book))
        book_links = [
            (f"{OFFICE}/worksheet", f"worksheets/sheet{n}.xml")
            for n in range(1, len(book.sheets) + 1)
        ]
        book_links += [(f"{OFFICE}/styles", "styles.xml"), (f"{OFFICE}/theme", "theme/theme1.xml")]
        zip_.put("xl/_rels/workbook.xml.rels", _relationships(book_links))
        for index, sheet in enumerate(book.sheets):
            _write_sheet(zip_, parts, index, sheet, stylesheet)
            if progress is not None:
                progress(index + 1, len(book.sheets))
        zip_.put("xl/theme/theme1.xml", THEME_XML)
        zip_.put("xl/styles.xml", stylesheet.xml())


def _write_sheet(
    zip_: _Zip, parts: _Parts, index: int, sheet: Sheet, stylesheet: Stylesheet
) -> None:
    number = index + 1
    links: list[tuple[str, str]] = []
    drawing = parts.drawings[index]
    if drawing is not None:
        links.append((f"{OFFICE}/drawing", f"../drawings/drawing{drawing}.xml"))
    tables = parts.tables[index]
    links += [(f"{OFFICE}/table", f"../tables/table{n}.xml") for n, _ in tables]
    first_table = 2 if drawing is not None else 1
    table_ids = [f"rId{first_table + i}" for i in range(len(tables))]
    drawing_id = "rId1" if drawing is not None else None
    pieces = sheet_xml(sheet, stylesheet, drawing_id, table_ids, selected=index == 0)
    zip_.stream(f"xl/worksheets/sheet{number}.xml", pieces)
    if links:
        zip_.put(f"xl/worksheets/_rels/sheet{number}.xml.rels", _relationships(links))
    for table_number, table in tables:
        zip_.put(f"xl/tables/table{table_number}.xml", table_xml(table, table_number))
    if drawing is not None:
        zip_.put(f"xl/drawings/drawing{drawing}.xml", drawing_xml(sheet.charts))
        charts = parts.charts[index]
        chart_links = [(f"{OFFICE}/chart", f"../charts/chart{n}.xml") for n in charts]
        zip_.put(f"xl/drawings/_rels/drawing{drawing}.xml.rels", _relationships(chart_links))
        for chart_number, (chart, _anchor) in zip(charts, sheet.charts, strict=True):
            zip_.put(f"xl/charts/chart{chart_number}.xml", chart_xml(chart))
