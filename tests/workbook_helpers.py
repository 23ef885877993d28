"""Helpers for the workbook tests: LibreOffice recalculation and reading workbooks back."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.formulas import evaluator

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The LibreOffice executable, or skip the test."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def libreoffice_convert(sources: list[Path], out_dir: Path, to: str, profile: Path) -> list[Path]:
    """Convert `sources` (in one LibreOffice run) with a fresh profile that recalculates
    every formula on load. to: "xlsx" (recalculated values cached in the file) or "pdf"."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            *(str(s) for s in sources),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    converted = [out_dir / f"{s.stem}.{to}" for s in sources]
    if result.returncode != 0 or not all(c.exists() for c in converted):
        raise AssertionError(f"LibreOffice failed: {result.stdout} {result.stderr}")
    return converted


# --- Reading the year tables back, independently of how they were written ---------------

REF = re.compile(r"^(?:'((?:[^']|'')+)'|([A-Za-z0-9_]+))?!?\$?([A-Z]+)\$?(\d+)$")


def evaluate(workbook: Any, sheet: str, coordinate: str, seen: frozenset[str] = frozenset()) -> int:
    """A cell's value in cents, evaluating the formulas this program writes: =SUM(...) of
    cells and ranges, =0, and references to cells on any sheet (='Sheet'!$C$8)."""
    key = f"{sheet}!{coordinate}"
    assert key not in seen, f"circular reference at {key}"
    cell = workbook[sheet][coordinate]
    value = cell.value
    if cell.data_type != "f":
        if value is None:
            return 0
        assert isinstance(value, int | float), f"{key}: {value!r} is not a number"
        return round(value * 100)
    formula = str(value)[1:]
    if formula == "0":
        return 0
    if formula.startswith("SUM(") and formula.endswith(")") and "!" not in formula:
        return sum(_sum_part(workbook, sheet, part, seen | {key}) for part in _split(formula[4:-1]))
    match = REF.match(formula)
    if not match:  # the Calculation sheet's formulas (and sums of its cells)
        return evaluator(workbook).cents(sheet, coordinate)
    other = (match.group(1) or "").replace("''", "'") or match.group(2) or sheet
    return evaluate(workbook, other, f"{match.group(3)}{match.group(4)}", seen | {key})


def _split(arguments: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in arguments:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    return [*parts, current]


def _sum_part(workbook: Any, sheet: str, part: str, seen: frozenset[str]) -> int:
    if part.startswith("SUM("):
        return evaluate_text(workbook, sheet, "=" + part, seen)
    if ":" in part:
        first, last = part.split(":")
        ws = workbook[sheet]
        return sum(
            evaluate(workbook, sheet, cell.coordinate, seen)
            for row in ws[f"{first}:{last}"]
            for cell in row
        )
    return evaluate(workbook, sheet, part, seen)


def evaluate_text(workbook: Any, sheet: str, formula: str, seen: frozenset[str]) -> int:
    inner = formula[len("=SUM(") : -1]
    return sum(_sum_part(workbook, sheet, part, seen) for part in _split(inner))


@dataclass(frozen=True)
class TableCell:
    """What a value cell of a year table stands for.

    level: "item", "subtotal" or "total"; basis: "cash" or "commitment"; group: the funder
    or recipient key; item: the commitment id; funder: for by-recipient items, the funder;
    column: the header ("2015", "earlier", "later" or "Total").
    """

    coordinate: str
    level: str
    basis: str
    group: str
    item: str
    funder: str
    column: str


def table_cells(ws: Any, header_row: int = 5) -> list[TableCell]:
    """Every value cell of the year tables on an Overview-like sheet, read from the sheet's
    own labels: block titles, group headings (a key in column B, no amounts), items,
    "Total KEY" subtotals and the "Total" line."""
    headers = [c.value for c in ws[header_row]]
    value_columns = [i for i, h in enumerate(headers, 1) if i > 2 and h is not None]
    out: list[TableCell] = []
    basis = group = ""
    for row in ws.iter_rows(min_row=header_row + 1):
        label, key = row[0].value, row[1].value
        amounts = [row[i - 1] for i in value_columns if i - 1 < len(row)]
        if label is None:
            continue
        if all(c.value is None for c in amounts):
            if str(label).startswith("Cash basis"):
                basis = "cash"
            elif str(label).startswith("Commitment basis"):
                basis = "commitment"
            elif key is not None:
                group = str(key)
            continue
        if label == "Total" and key is None:
            level, item = "total", ""
        elif key == group and label == f"Total {group}":
            level, item = "subtotal", ""
        else:
            level, item = "item", str(key)
        funder = ""
        if level == "item" and str(label).endswith(")") and "(from " in str(label):
            funder = str(label).rsplit("(from ", 1)[1][:-1]
        for cell in amounts:
            out.append(
                TableCell(
                    cell.coordinate,
                    level,
                    basis,
                    group if level != "total" else "",
                    item,
                    funder,
                    str(headers[cell.column - 1]),
                )
            )
    return out


def shown(text: str) -> str:
    """Text as a cell shows it: control characters that XML cannot hold become U+FFFD."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", text)


_INDEXES: dict[tuple[int, str], tuple[pd.DataFrame, dict[tuple[str, ...], int]]] = {}


def engine_index(rows: pd.DataFrame, scenario: Any, by: str) -> dict[tuple[str, ...], int]:
    """The engine's amount of every table cell, computed once from the tidy rows: keys are
    (basis, level, group, item, funder, column) as `TableCell` names them."""
    found = _INDEXES.get((id(rows), by))
    if found is not None and found[0] is rows:
        return found[1]
    index: dict[tuple[str, ...], int] = {}
    first, last = scenario.first_year, scenario.last_year
    groups = rows.groupby(["basis", by, "commitment", "funder", "year"], observed=True, sort=False)
    for key, cents in groups["amount_cents"].sum().items():
        basis, group, item, funder, year = (str(k) for k in key)  # type: ignore[union-attr]
        group, item, funder = shown(group), shown(item), shown(funder)
        y = int(year)
        column = "earlier" if y < first else "later" if y > last else str(y)
        own_funder = funder if by == "recipient" else ""
        for level, place in (
            ("item", (group, item, own_funder)),
            ("subtotal", (group, "", "")),
            ("total", ("", "", "")),
        ):
            for shown_column in (column, "Total"):
                name = (basis, level, *place, shown_column)
                index[name] = index.get(name, 0) + int(cents)
    _INDEXES[(id(rows), by)] = (rows, index)
    return index


def engine_cents(rows: pd.DataFrame, scenario: Any, cell: TableCell, by: str) -> int:
    """The engine's amount for what a table cell stands for."""
    key = (cell.basis, cell.level, cell.group, cell.item, cell.funder, cell.column)
    return engine_index(rows, scenario, by).get(key, 0)


# --- Comparing two workbooks cell by cell (used to check a change of the serialiser) -----


def workbook_differences(old: Any, new: Any) -> list[str]:
    """What differs between two workbooks (paths), read with openpyxl: sheet names; per
    sheet every cell's value, number format, bold, italic, fill colour, quote prefix and
    alignment, column widths, row heights, frozen panes, print titles, tables and the
    number of charts. Formulas are compared as text, not by their cached values."""
    import openpyxl

    a, b = openpyxl.load_workbook(old), openpyxl.load_workbook(new)
    out: list[str] = []
    if a.sheetnames != b.sheetnames:
        return [f"sheets: {a.sheetnames} != {b.sheetnames}"]
    for name in a.sheetnames:
        left, right = a[name], b[name]

        def looks(ws: Any) -> dict[str, tuple[Any, ...]]:
            found = {}
            for row in ws.iter_rows():
                for c in row:
                    fill = c.fill.fgColor.rgb if c.fill and c.fill.fill_type == "solid" else None
                    look = (
                        c.value,
                        c.number_format if c.value is not None else None,
                        bool(c.font.b),
                        bool(c.font.i),
                        fill,
                        bool(c.quotePrefix),
                        c.alignment.horizontal,
                        bool(c.alignment.wrap_text),
                        c.alignment.indent,
                        c.font.sz,
                    )
                    if any(x not in (None, False, 0, 0.0) for x in look):
                        found[c.coordinate] = look
            return found

        mine, theirs = looks(left), looks(right)
        for key in sorted(mine.keys() | theirs.keys()):
            if mine.get(key) != theirs.get(key):
                out.append(f"{name}!{key}: {mine.get(key)} != {theirs.get(key)}")
        widths = [
            {k: d.width for k, d in ws.column_dimensions.items() if d.width} for ws in (left, right)
        ]
        if widths[0] != widths[1]:
            out.append(f"{name}: widths {widths[0]} != {widths[1]}")
        heights = [
            {k: d.height for k, d in ws.row_dimensions.items() if d.height} for ws in (left, right)
        ]
        if heights[0] != heights[1]:
            out.append(f"{name}: heights {heights[0]} != {heights[1]}")
        for attribute in ("freeze_panes", "print_title_rows", "dimensions"):
            x, y = getattr(left, attribute), getattr(right, attribute)
            if x != y:
                out.append(f"{name}: {attribute} {x} != {y}")
        tables = [{t.name: (t.ref, t.tableStyleInfo.name) for t in ws.tables.values()}
                  for ws in (left, right)]  # fmt: skip
        if tables[0] != tables[1]:
            out.append(f"{name}: tables {tables[0]} != {tables[1]}")
        charts = [len(ws._charts) for ws in (left, right)]  # openpyxl's only view of charts
        if charts[0] != charts[1]:
            out.append(f"{name}: {charts[0]} charts != {charts[1]}")
        setups = [
            (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.paperSize)
            for ws in (left, right)
        ]
        if setups[0] != setups[1]:
            out.append(f"{name}: page setup {setups[0]} != {setups[1]}")
    return out
