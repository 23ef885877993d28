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
from budget.render.workbook import write_workbook
from tests.helpers import SCENARIOS, as_run
from tests.render.workbook.test_workbook import HOSTILE, scenario_file
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
        scenario = as_run(source)  # as run counts it: no pending commitment
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


LIMITS = """
[[limits]]
funder = "VenJ"
max = "133799.99"
[[limits]]
funder = "BZ"
basis = "commitment"
max = "2000000.00"
"""


def test_cached_values_are_what_libreoffice_computes(tmp_path: Path) -> None:
    """Every formula of every kind of workbook (run with the ledger and limits, compare,
    simulate) caches the value that LibreOffice's recalculation gives, to the cent."""
    from click.testing import CliRunner

    from budget.cli.group import cli

    soffice()
    scenarios = SCENARIOS
    limited = tmp_path / "limited.toml"
    base = (scenarios / "bz-advance-80.toml").as_posix()
    limited.write_text(f'[scenario]\nextends = "{base}"\n{LIMITS}', encoding="utf-8")
    compared = ("letter-2014.toml", "sin-eu-grant.toml", "bz-advance-80.toml")
    uncertain = str(scenarios / "letter-2014-uncertain.toml")
    commands = {
        "run": ["run", str(limited)],
        "compare": ["compare", *(str(scenarios / n) for n in compared)],
        "simulate": ["simulate", uncertain, "--draws", "20", "--seed", "1"],
    }
    written, doctored = [], []
    for name, command in commands.items():
        path = tmp_path / f"{name}-written.xlsx"
        result = CliRunner().invoke(cli, [*command, "-o", str(path)])
        assert result.exit_code == 0, result.output
        written.append(path)
        doctored.append(tmp_path / f"{name}.xlsx")
        assert with_wrong_cached_values(path, doctored[-1]) > 10
    converted = libreoffice_convert(doctored, tmp_path / "out", "xlsx", tmp_path / "profile")
    for ours, theirs in zip(written, converted, strict=True):
        formulas = openpyxl.load_workbook(ours)
        cached = openpyxl.load_workbook(ours, data_only=True)
        values = openpyxl.load_workbook(theirs, data_only=True)
        checked = 0
        for ws in formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    mine = cached[ws.title][cell.coordinate].value
                    got = values[ws.title][cell.coordinate].value
                    where = (ours.name, ws.title, cell.coordinate, mine, got)
                    if isinstance(mine, str) or mine is None:
                        assert (mine or "") == (got or ""), where
                    elif ws.title == "Commitment vs cash" and cell.column == 8:  # a share
                        assert got == pytest.approx(mine, rel=1e-12), where
                    else:
                        assert isinstance(got, int | float), where
                        assert round(got * 100) == round(mine * 100), where
                    checked += 1
        assert checked > 20, ours.name
