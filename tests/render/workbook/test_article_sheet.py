"""The run workbook's "By article" sheet (issue 22, item 6): the Overview's amounts grouped
by funder (chapter) and article, only for scenarios whose commitments name an article."""

from __future__ import annotations

from fractions import Fraction

import openpyxl

from tests.formulas import evaluator
from tests.helpers import LETTER, SCENARIOS, invoke

SUPPLEMENTARY = SCENARIOS / "round-2015-1st-supplementary.toml"


def _workbook(tmp_path, scenario):
    target = tmp_path / "out.xlsx"
    result = invoke("run", scenario, "-o", target)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(target), openpyxl.load_workbook(target, data_only=True)


def test_the_sheet_groups_the_commitments_by_chapter_and_article(tmp_path):
    formulas, cached = _workbook(tmp_path, SUPPLEMENTARY)
    assert formulas.sheetnames.index("By article") == formulas.sheetnames.index("By recipient") + 1
    rows = list(cached["By article"].iter_rows(values_only=True))
    cash = rows[: next(i for i, r in enumerate(rows) if r[0] == "Total") + 1]
    labels = [r[0] for r in cash if r[0]]
    venj = labels.index("VI Ministry of Security and Justice (VenJ), article 33")
    assert labels[venj + 1 : venj + 4] == [
        "Stop It Now!: top-up of the shortfall",
        "Meldpunt Kinderporno: financial support",
        "Total VI article 33",
    ]
    assert "V Ministry of Foreign Affairs (BZ), (no article)" in labels  # never dropped
    by_label = {r[0]: r[2:7] for r in cash if r[0]}
    # VenJ's cash on article 33: SIN's top-up plus MKI's support after the cash shift.
    assert by_label["Total VI article 33"] == (100_000, 98_800, 138_800, 133_800, 471_400)
    assert by_label["Total"] == (1_306_140.35, 941_459.65, 187_600, 167_600, 2_602_800)


def test_every_formula_of_the_sheet_comes_to_the_value_it_caches(tmp_path):
    formulas, cached = _workbook(tmp_path, SUPPLEMENTARY)
    found = evaluator(formulas)
    checked = 0
    for row in formulas["By article"].iter_rows():
        for cell in row:
            if cell.data_type == "f":
                value = cached["By article"][cell.coordinate].value
                assert found.value("By article", cell.coordinate) == Fraction(repr(value))
                checked += 1
    assert checked > 40
    assert "'Calculation'!" in str(formulas["By article"]["D9"].value)  # live, not copied


def test_a_scenario_without_articles_has_no_such_sheet(tmp_path):
    formulas, _ = _workbook(tmp_path, LETTER)
    assert "By article" not in formulas.sheetnames
