"""`budget compare --by article`: the differences per budget article (issue 22, item 6)."""

from __future__ import annotations

import csv
import io

from tests.helpers import SCENARIOS, invoke

DRAFT = SCENARIOS / "round-2015-draft.toml"
SUPPLEMENTARY = SCENARIOS / "round-2015-1st-supplementary.toml"


def _rows(*extra: str) -> list[dict[str, str]]:
    result = invoke("compare", DRAFT, SUPPLEMENTARY, "--format", "csv", *extra)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _sums(rows: list[dict[str, str]], column: str) -> dict[tuple[str, ...], int]:
    out: dict[tuple[str, ...], int] = {}
    for r in rows:
        key = (r["scenario"], r["funder"], r["basis"], r["year"])
        out[key] = out.get(key, 0) + int(r[column])
    return out


def test_by_article_sums_the_commitments_of_each_article():
    by_article = _rows("--by", "article")
    assert {r["article"] for r in by_article} == {"article 33", "(no article)"}
    cash_2015 = [
        r
        for r in by_article
        if r["funder"] == "VenJ" and r["basis"] == "cash" and r["year"] == "2015"
    ]
    assert [(r["article"], r["delta_cents"]) for r in cash_2015] == [
        ("article 33", "0"),
        # the top-up's -15,000.00 and MKI's cash shift of -20,000.00 (RBV 2.15's -35)
        ("article 33", "-3500000"),
    ]
    plain = _rows()
    for column in ("amount_cents", "delta_cents"):
        assert _sums(by_article, column) == _sums(plain, column)


def test_the_causes_name_articles():
    result = invoke("compare", DRAFT, SUPPLEMENTARY, "--by", "article")
    assert "VenJ 2015: -15,000.00 = article 33 -15,000.00" in result.stdout


def test_the_workbook_names_the_articles_as_the_causes(tmp_path):
    import openpyxl

    target = tmp_path / "compare.xlsx"
    result = invoke("compare", DRAFT, SUPPLEMENTARY, "--by", "article", "-o", target)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target, data_only=True)
    # and the Pending sheet: the bundled example's pending EU co-financing is left out
    assert book.sheetnames == ["Comparison", "Differences by article", "Data", "Pending"]
    causes = list(book["Differences by article"].iter_rows(min_row=4, values_only=True))
    assert causes[0] == ("Scenario", "Basis", "Funder", "Year", "Article", "Difference")
    assert ("Budget 2015 (round-2015-1st-supplementary)", "cash", "VenJ", 2015, "article 33",
            -35_000) in causes  # fmt: skip
    assert [c.value for c in book["Data"][1]][:2] == ["scenario", "article"]
    plain = tmp_path / "plain.xlsx"
    assert invoke("compare", DRAFT, SUPPLEMENTARY, "-o", plain).exit_code == 0
    assert openpyxl.load_workbook(plain).sheetnames[1] == "Differences by commitment"
