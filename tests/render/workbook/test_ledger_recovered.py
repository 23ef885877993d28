"""The Commitment vs cash sheet where money comes back (issue 18): a settled grant's
recovery gets a "Recovered" column, the closing is opening + entered - paid + recovered,
and after a recalculation every figure is still the engine's (the Calculation sheet
settles the grant in formulas: the final payment MAX(0, amount - paid before), the
release amount - total, nothing paid after).

The scenario: 2,000,000.00 granted by BZ (1/3) and VWS (2/3), 80% advance (1,600,000.00
in 2014), settled in 2016 at 1,500,000.00, below the payments; beside it a plain grant
of BZ. Worked by hand: BZ pays 533,333.33 of the advance, VWS 1,066,666.67; their shares
of 1,500,000.00 are 500,000.00 and 1,000,000.00, so BZ recovers 33,333.33 and VWS
66,666.67; the releases are -166,666.67 and -333,333.33 (the parts of -500,000.00,
largest remainder, ties to the funder listed first).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from budget import load_scenario, project
from budget.engine.limits import check_rows
from budget.render.workbook.ledger_sheet import LIMITS_SHEET, RECOVERED_HEADER, SHEET
from budget.reports.ledger import ledger
from tests.helpers import invoke, settled_bz, write_file

SETTLED = (
    settled_bz('{ BZ = "1/3", VWS = "2/3" }', 'settled = { year = 2016, amount = "1500000.00" }')
    + """[[commitments]]
id = "plain"
kind = "grant"
recipient = "TdH"
funders = "BZ"
total = "300000.00"
start = 2014-01-01
end = 2016-01-01
[[limits]]
funder = "VWS"
basis = "receipts"
max = "50000.00"
[[limits]]
funder = "BZ"
max = "700000.00"
"""
)


def cents(value: float) -> int:
    return round(value * 100)


def ledger_lines(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path, data_only=True)[SHEET]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    return [r for r in rows if r[0] in ("BZ", "VWS") and isinstance(r[1], int)]


def written(tmp_path: Path) -> tuple[Path, Path]:
    scenario = write_file(tmp_path, SETTLED)
    out = tmp_path / "run.xlsx"
    result = invoke("run", scenario, "-o", out)
    assert result.exit_code == 0, result.output
    return scenario, out


def test_the_ledger_gets_a_recovered_column_with_the_hand_worked_recoveries(tmp_path):
    _, out = written(tmp_path)
    ws = openpyxl.load_workbook(out)[SHEET]
    assert tuple(c.value for c in ws[4])[: len(RECOVERED_HEADER)] == RECOVERED_HEADER
    assert "opening + entered - paid + recovered" in ws["A2"].value
    cached = {(r[0], r[1]): r for r in ledger_lines(out)}
    # (entered, paid, recovered, closing) in 2016, worked by hand (module docstring)
    bz, vws = cached[("BZ", 2016)], cached[("VWS", 2016)]
    assert [cents(v) for v in bz[3:7]] == [-166_666_67, 0, 33_333_33, 0]
    assert [cents(v) for v in vws[3:7]] == [-333_333_33, 0, 66_666_67, 0]
    # the closing is a formula with the recovered column in it
    formulas = openpyxl.load_workbook(out)[SHEET]
    row = next(r for r in range(5, 30) if formulas.cell(r, 1).value == "BZ"
               and formulas.cell(r, 2).value == 2016)  # fmt: skip
    assert formulas.cell(row, 7).value == f"=C{row}+D{row}-E{row}+F{row}"


def test_without_a_recovery_the_ledger_keeps_its_columns(tmp_path):
    text = SETTLED.replace('amount = "1500000.00"', 'amount = "1900000.00"')
    path = write_file(tmp_path, text)
    out = tmp_path / "run.xlsx"
    assert invoke("run", path, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)[SHEET]
    assert ws["F4"].value == "Closing"
    assert "opening + entered - paid:" in ws["A2"].value


@pytest.mark.slow
def test_a_recalculated_ledger_closes_where_the_engine_does(tmp_path):
    from tests.workbook_helpers import libreoffice_convert, soffice

    soffice()
    path, out = written(tmp_path)
    (again,) = libreoffice_convert([out], tmp_path / "out", "xlsx", tmp_path / "profile")
    scenario = load_scenario(path)
    rows = project(scenario)
    entries = ledger(rows, list(scenario.funders))
    got = [
        (r[0], r[1], cents(r[2]), cents(r[3]), cents(r[4]), cents(r[5]), cents(r[6]))
        for r in ledger_lines(again)
    ]
    assert got == [
        (e.funder, e.year, e.opening, e.entered, e.paid, e.recovered, e.closing) for e in entries
    ]
    assert any(e.recovered for e in entries) and all(e.closing >= 0 for e in entries)
    # the ceilings refer to the ledger (the receipts basis to its recovered column)
    ceilings = openpyxl.load_workbook(again, data_only=True)[LIMITS_SHEET]
    lines = [r for r in ceilings.iter_rows(min_row=5, values_only=True) if r[0] in ("BZ", "VWS")]
    assert [(r[0], r[1], r[2], cents(r[3]), r[6]) for r in lines] == [
        (c.limit.funder, c.limit.basis, c.year, c.amount, "BREACHED" if c.breached else "ok")
        for c in check_rows(scenario, rows)
    ]
    assert ("VWS", "receipts", 2016, 66_666_67, "BREACHED") in [
        (r[0], r[1], r[2], cents(r[3]), r[6]) for r in lines
    ]
    # and every other cell too: the Calculation sheet settles the grant in formulas
    before = openpyxl.load_workbook(out, data_only=True)
    after = openpyxl.load_workbook(again, data_only=True)
    for name in before.sheetnames:
        for old, new in zip(before[name].iter_rows(), after[name].iter_rows(), strict=False):
            for a, b in zip(old, new, strict=False):
                if isinstance(a.value, int | float) and not isinstance(a.value, bool):
                    assert b.value == pytest.approx(a.value, abs=0.001), (name, a.coordinate)


def test_the_overview_sheets_get_a_receipts_block_where_money_comes_back(tmp_path):
    """The Overview, its thousands sheet and By recipient: a third block, receipts basis,
    with the hand-worked recoveries (33,333.33 + 66,666.67 = 100,000.00 in 2016)."""
    _, out = written(tmp_path)
    book = openpyxl.load_workbook(out, data_only=True)
    for name in ("Overview", "By recipient"):
        rows = [r for r in book[name].iter_rows(values_only=True) if r[0] is not None]
        titles = [r[0] for r in rows if str(r[0]).endswith("basis") or "basis:" in str(r[0])]
        assert titles[-1].startswith("Receipts basis"), (name, titles)
        after = rows[[r[0] for r in rows].index(titles[-1]) :]
        total = next(r for r in after if r[0] == "Total")
        assert [cents(v) for v in total[2:7]] == [0, 0, 100_000_00, 0, 100_000_00]
    plain = write_file(tmp_path, SETTLED.replace('amount = "1500000.00"', 'amount = "1900000.00"'))
    assert invoke("run", plain, "-o", tmp_path / "plain.xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "plain.xlsx")["Overview"]
    assert not any(
        isinstance(c.value, str) and c.value.startswith("Receipts") for row in sheet for c in row
    )


def test_an_edit_that_would_move_the_recovery_says_to_re_run(tmp_path):
    """The recovery is the engine's amount on the sheets, so the settled grant's check
    cell re-runs on an edit of its total (2,000,000.00), advance (0.8) or a share."""
    _, out = written(tmp_path)
    ws = openpyxl.load_workbook(out)["Calculation"]
    checks = [r[1].value for r in ws.iter_rows() if str(r[0].value).startswith("check")]
    settled = checks[0]  # the grant "bz" comes first
    assert "<>2000000," in settled and "<>0.8," in settled
    assert "-0.3333333333333333)>" in settled and "-0.6666666666666666)>" in settled
    assert "<>2000000," not in checks[1]  # the plain grant's edits still flow
