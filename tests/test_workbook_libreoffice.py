"""LibreOffice recalculates every formula of the workbook to the engine's value, to the cent.

One LibreOffice run (about two seconds per workbook) converts two workbooks with a profile
that recalculates on load. To prove that the values come from recalculation, every formula
cell is first given a wrong cached value (999): a LibreOffice that only read the cache
would report 999. Skipped when LibreOffice is not installed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import budget
from budget.workbook import write_workbook
from tests.test_workbook import HOSTILE, scenario_file
from tests.workbook_helpers import engine_cents, libreoffice_convert, soffice, table_cells

pytestmark = pytest.mark.slow  # LibreOffice: end to end, skipped by -m 'not slow'

SHEETS = (("Overview", "funder"), ("Overview x EUR 1,000", "funder"), ("By recipient", "recipient"))


def with_wrong_cached_values(source: Path, target: Path) -> int:
    """Copy the workbook, caching 999 as the value of every formula; return their count."""
    count = 0
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                text, found = re.subn(
                    r"</f><v>[^<]*</v>|</f><v/>|</f>(?!<v>)", "</f><v>999</v>", data.decode("utf-8")
                )
                count += found
                data = text.encode("utf-8")
            new.writestr(info, data)
    return count


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    soffice()
    folder = tmp_path_factory.mktemp("libreoffice")
    cases = []
    for name, source in (
        ("letter", budget.example_path()),
        ("hostile", scenario_file(folder, HOSTILE)),
    ):
        scenario = budget.load_scenario(source)
        rows = budget.project(scenario)
        written = folder / f"{name}-written.xlsx"
        write_workbook(scenario, rows, written, inputs=[source])
        doctored = folder / f"{name}.xlsx"
        assert with_wrong_cached_values(written, doctored) > 20
        cases.append((scenario, rows, written, doctored))
    converted = libreoffice_convert(
        [c[3] for c in cases], folder / "out", "xlsx", folder / "profile"
    )
    return [(*case[:3], result) for case, result in zip(cases, converted, strict=True)]


def test_every_formula_recalculates_to_the_engine_value(recalculated) -> None:  # type: ignore[no-untyped-def]
    for scenario, rows, written, result in recalculated:
        formulas = openpyxl.load_workbook(written)
        values = openpyxl.load_workbook(result, data_only=True)
        checked = 0
        for sheet, by in SHEETS:
            cells = {c.coordinate: c for c in table_cells(formulas[sheet])}
            for row in formulas[sheet].iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    meaning = cells[cell.coordinate]  # every formula is a table cell
                    got = values[sheet][cell.coordinate].value
                    assert isinstance(got, int | float), (sheet, cell.coordinate, got)
                    assert round(got * 100) == engine_cents(rows, scenario, meaning, by), (
                        sheet,
                        meaning,
                        got,
                    )
                    checked += 1
        assert checked > 50
        # Text stays text through LibreOffice too.
        names = {c.value for row in values["Overview"].iter_rows() for c in row}
        if scenario.name.startswith("="):
            assert {"=1+1", "=SUM(1,2)", "=c1"} <= names
