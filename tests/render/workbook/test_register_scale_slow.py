"""A 100,000-commitment register end to end (issue 21): `budget run REG -o out.xlsx` exits
0; the workbook opens with openpyxl (read_only) and in LibreOffice (recalculated on load),
and its totals are the engine's to the cent; the rows and the inputs in the CSVs beside it
add up too. Slow: a minute or two."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import budget
from tests.workbook_helpers import libreoffice_convert, soffice

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
COMMITMENTS = 100_000


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import bench_register  # the benchmarks' register generator
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("register")
    path = bench_register.write_csv(folder, COMMITMENTS)
    scenario = folder / "scenario.toml"
    scenario.write_text(bench_register.SCENARIO.format(register=path.name), encoding="utf-8")
    out = folder / "out.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "budget", "run", str(scenario), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "out.data.csv" in result.stderr and "out.assumptions.csv" in result.stderr
    loaded = budget.load_scenario(scenario)
    return loaded, budget.project(loaded), out


def engine_totals(rows):  # type: ignore[no-untyped-def]
    """{(basis, funder or "Total", column): cents}, columns the years and "Total"."""
    out: dict[tuple[str, str, str], int] = {}
    sums = rows.groupby(["basis", "funder", "year"], observed=True)["amount_cents"].sum()
    for (basis, funder, year), cents in sums.items():
        for key in ((basis, funder), (basis, "Total")):
            for column in (str(year), "Total"):
                out[(*key, column)] = out.get((*key, column), 0) + int(cents)
    return out


def overview_amounts(path: Path, sheet: str = "Overview"):  # type: ignore[no-untyped-def]
    """{(basis, funder key or "Total", column): cents} as the sheet's cells hold them."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    headers = [str(h) if h is not None else "" for h in rows[4]]
    out: dict[tuple[str, str, str], int] = {}
    basis = ""
    for row in rows[5:]:
        label = row[0] if row else None
        if isinstance(label, str) and label.startswith("Cash basis"):
            basis = "cash"
        elif isinstance(label, str) and label.startswith("Commitment basis"):
            basis = "commitment"
        elif label is not None and len(row) > 2 and row[2] is not None:
            key = "Total" if label == "Total" else str(row[1])
            for column, value in zip(headers[2:], row[2:], strict=False):
                if column:
                    out[(basis, key, column)] = round(float(value or 0) * 100)
    return out


def test_the_workbook_opens_and_its_totals_are_the_engines(register) -> None:  # type: ignore[no-untyped-def]
    scenario, rows, out = register
    want = engine_totals(rows)
    got = overview_amounts(out)
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}
    # The Data sheet's CSV holds every row; its cents add up to the engine's.
    with (out.parent / "out.data.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        count = total = 0
        for line in reader:
            count += 1
            total += int(line["amount_cents"])
    assert count == len(rows) and total == int(rows["amount_cents"].sum())
    with (out.parent / "out.assumptions.csv").open(encoding="utf-8", newline="") as handle:
        items = {line[0] for line in csv.reader(handle)}
    assert items == {"Item", *(c.id for c in scenario.commitments)}


def test_libreoffice_opens_it_and_recalculates_the_engines_totals(  # type: ignore[no-untyped-def]
    register, tmp_path: Path
) -> None:
    soffice()
    _, rows, out = register
    (converted,) = libreoffice_convert([out], tmp_path / "out", "xlsx", tmp_path / "profile")
    want = engine_totals(rows)
    got = overview_amounts(converted)
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}
