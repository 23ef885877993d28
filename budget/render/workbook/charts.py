"""Charts as plain data, and their DrawingML.

A `Chart` is a column chart (stacked or not) or a line chart of series whose values are
ranges of a sheet ("'Overview'!$C$10:$F$10"), with the categories (the years) from another
range. `chart_xml` writes the chart part and `drawing_xml` the drawing that places a sheet's
charts; the serialiser (`save`) names and links the parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from budget.render.workbook.xmltext import xml_attribute as quoteattr
from budget.render.workbook.xmltext import xml_text as escape

EMU_PER_CM = 360_000


@dataclass(frozen=True, slots=True)
class Series:
    """One series: its name (a reference to a cell holding it) and values (a range);
    colour RRGGBB; line charts: line width in EMU and whether the line is dashed."""

    name: str
    values: str
    colour: str
    line_width: int | None = None
    dashed: bool = False


class ChartKind(StrEnum):
    """How a chart draws its series: columns stacked or side by side, or lines."""

    STACKED_COLUMNS = "stacked columns"
    COLUMNS = "columns"
    LINES = "lines"


@dataclass(frozen=True, slots=True)
class Chart:
    """kind: a ChartKind; width and height in centimetres; y_minimum: where the value axis
    starts (None: where the spreadsheet program chooses)."""

    kind: ChartKind
    title: str
    categories: str
    series: tuple[Series, ...]
    y_title: str = ""
    y_number_format: str = "#,##0"
    width: float = 15.0
    height: float = 7.5
    y_minimum: int | None = None


A = "http://schemas.openxmlformats.org/drawingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _text(text: str) -> str:
    return (
        "<c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr>"
        f"<a:r><a:t>{escape(text)}</a:t></a:r></a:p></c:rich></c:tx>"
    )


def _series(index: int, series: Series, categories: str, lines: bool) -> str:
    fill = f'<a:solidFill><a:srgbClr val="{series.colour}"/></a:solidFill>'
    dash = "dash" if series.dashed else "solid"
    width = f' w="{series.line_width}"' if series.line_width else ""
    line = f'<a:ln{width}>{fill}<a:prstDash val="{dash}"/></a:ln>'
    looks = f"<c:spPr>{line}</c:spPr>" if lines else f"<c:spPr>{fill}{line}</c:spPr>"
    marker = '<c:marker><c:symbol val="none"/></c:marker>' if lines else ""
    smooth = '<c:smooth val="0"/>' if lines else ""
    return (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
        f"<c:tx><c:strRef><c:f>{escape(series.name)}</c:f></c:strRef></c:tx>{looks}{marker}"
        f"<c:cat><c:numRef><c:f>{escape(categories)}</c:f></c:numRef></c:cat>"
        f"<c:val><c:numRef><c:f>{escape(series.values)}</c:f></c:numRef></c:val>{smooth}</c:ser>"
    )


def chart_xml(chart: Chart) -> str:
    """The chart part (xl/charts/chartN.xml)."""
    lines = chart.kind == ChartKind.LINES
    series = "".join(_series(i, s, chart.categories, lines) for i, s in enumerate(chart.series))
    axes = '<c:axId val="10"/><c:axId val="100"/>'
    if lines:
        plot = f'<c:lineChart><c:grouping val="standard"/>{series}{axes}</c:lineChart>'
    else:
        stacked = chart.kind == ChartKind.STACKED_COLUMNS
        overlap = '<c:overlap val="100"/>' if stacked else ""
        plot = (
            '<c:barChart><c:barDir val="col"/>'
            f'<c:grouping val="{"stacked" if stacked else "clustered"}"/>{series}'
            f'<c:gapWidth val="150"/>{overlap}'
            f"{axes}</c:barChart>"
        )
    y_title = f"<c:title>{_text(chart.y_title)}</c:title>" if chart.y_title else ""
    minimum = "" if chart.y_minimum is None else f'<c:min val="{chart.y_minimum}"/>'
    return (
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}">'
        f"<c:chart><c:title>{_text(chart.title)}</c:title>"
        f'<c:autoTitleDeleted val="0"/><c:plotArea>{plot}'
        '<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:majorTickMark val="none"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="100"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/></c:catAx>'
        f'<c:valAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/>{minimum}'
        "</c:scaling>"
        f'<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>{y_title}'
        f'<c:numFmt formatCode={quoteattr(chart.y_number_format)} sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        '<c:tickLblPos val="nextTo"/><c:crossAx val="10"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx></c:plotArea>'
        '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


def _cell(anchor: str) -> tuple[int, int]:
    """A cell name ("A33") as 0-based (column, row)."""
    letters = anchor.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return column - 1, int(anchor[len(letters) :]) - 1


def drawing_xml(charts: Sequence[tuple[Chart, str]], first_id: int = 1) -> str:
    """The drawing part that places a sheet's charts, each at its top-left cell; its
    relationships rId1, rId2... are the charts in order."""
    anchors = []
    for number, (chart, anchor) in enumerate(charts, 1):
        column, row = _cell(anchor)
        anchors.append(
            f"<xdr:oneCellAnchor><xdr:from><xdr:col>{column}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{round(chart.width * EMU_PER_CM)}" '
            f'cy="{round(chart.height * EMU_PER_CM)}"/>'
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
            f'<xdr:cNvPr id="{first_id + number}" name="Chart {number}"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{C}"><c:chart r:id="rId{number}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"
            "</xdr:oneCellAnchor>"
        )
    return (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
        f' xmlns:a="{A}" xmlns:c="{C}" xmlns:r="{R}">{"".join(anchors)}</xdr:wsDr>'
    )
