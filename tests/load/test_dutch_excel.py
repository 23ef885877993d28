"""Issue 20: what Dutch (and other European) Excel writes reads back.

In a `;`-separated CSV an amount has a decimal comma and may group thousands with points,
and a date may be day-first; in a `,`-separated CSV the decimal point and ISO dates stay
the only rule. Worked figures are the issue's own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.load.bookings import read_bookings
from budget.render.csvtext import frame_csv
from tests.helpers import invoke, letter

HEADER = "date;commitment;funder;basis;amount\r\n"


def _read(tmp_path: Path, text: str, name: str = "a.csv", bom: bool = True):
    path = tmp_path / name
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8"))
    return read_bookings(letter(), [str(path)])


def test_dutch_amounts_and_day_first_dates_read(tmp_path):
    rows = [
        "15-01-2026;mki-support;VenJ;cash;1.234,56",
        "1-4-2025;mki-support;VenJ;cash;1234,56",
        "2025-04-02;mki-support;VenJ;cash;-1.111,11",
        "01-04-2025;mki-support;VenJ;cash;1.000.000",
        "2-4-2025;mki-support;VenJ;cash;7",
        "3-4-2025;mki-support;VenJ;cash;0,5",
        "3-4-2025;mki-support;VenJ;cash;-50.25",
    ]
    frame, problems, _ = _read(tmp_path, HEADER + "\r\n".join(rows) + "\r\n")
    assert problems == []
    assert frame["amount_cents"].tolist() == [123456, 123456, -111111, 100000000, 700, 50, -5025]
    assert [str(d) for d in frame["date"].to_numpy("datetime64[D]")] == [
        "2026-01-15",
        "2025-04-01",
        "2025-04-02",
        "2025-04-01",
        "2025-04-02",
        "2025-04-03",
        "2025-04-03",
    ]


def test_a_point_amount_in_a_semicolon_file_is_refused_naming_the_separator(tmp_path):
    rows = ["2025-04-01;mki-support;VenJ;cash;1234.567", "2025-04-01;mki-support;VenJ;cash;1.23.4"]
    frame, problems, _ = _read(tmp_path, HEADER + "\r\n".join(rows) + "\r\n")
    assert frame is None or len(problems) == 2
    assert [p.message for p in problems] == [
        "'1234.567' is not an amount: in a ';'-separated file write 1234,56",
        "'1.23.4' is not an amount: in a ';'-separated file write 1234,56",
    ]
    assert [p.where for p in problems] == ["row 2, column 'amount'", "row 3, column 'amount'"]


def test_a_comma_amount_in_a_comma_file_is_refused_naming_the_comma(tmp_path):
    text = 'date,commitment,funder,basis,amount\n2025-04-01,mki-support,VenJ,cash,"1234,56"\n'
    _, problems, _ = _read(tmp_path, text, bom=False)
    assert [p.message for p in problems] == [
        "'1234,56' is not an amount: in a ','-separated file write 1234.56"
    ]


def test_day_first_dates_stay_refused_in_a_comma_file(tmp_path):
    text = "date,commitment,funder,basis,amount\n15-01-2026,mki-support,VenJ,cash,1.00\n"
    _, problems, _ = _read(tmp_path, text, bom=False)
    assert [p.message for p in problems] == ["'15-01-2026' is not a date"]


def test_not_a_real_day_first_date_is_refused_as_written(tmp_path):
    _, problems, _ = _read(tmp_path, HEADER + "30-02-2027;mki-support;VenJ;cash;1,00\r\n")
    assert [p.message for p in problems] == ["'30-02-2027' is not a date"]
    assert "DD-MM-YYYY" in problems[0].hint


def test_non_ascii_digits_are_not_amounts_in_either_flavour(tmp_path):
    for text in ("\u0661\u0662,\u0663\u0664", "\uff11\uff10\uff10", "1_000"):
        _, problems, _ = _read(tmp_path, HEADER + f"2025-04-01;mki-support;VenJ;cash;{text}\r\n")
        assert len(problems) == 1 and "is not an amount" in problems[0].message, text
        plain = f"date,commitment,funder,basis,amount\n2025-04-01,mki-support,VenJ,cash,{text}\n"
        _, problems, _ = _read(tmp_path, plain.replace(",\u0663", "."), bom=False)
        assert len(problems) == 1 and "is not an amount" in problems[0].message, text


BOOKING = st.tuples(
    st.dates(dt.date(2014, 1, 1), dt.date(2020, 12, 31)),
    st.sampled_from(["mki-support", "bz-tdh-ecpat", ""]),
    st.sampled_from(["VenJ", "BZ"]),
    st.sampled_from(["cash", "commitment"]),
    st.integers(-(10**13), 10**13),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(BOOKING, min_size=1, max_size=30), st.sampled_from(["csv", "excel-csv"]))
def test_what_the_csv_writer_writes_reads_back_to_the_same_cents(tmp_path_factory, rows, flavour):
    """Bookings written by the writer of `--format csv` and `--format excel-csv` (`;`, BOM,
    CRLF, decimal comma) read back as actuals to the same cents and days."""
    frame = pd.DataFrame(
        {
            "date": [r[0].isoformat() for r in rows],
            "commitment": [r[1] for r in rows],
            "funder": [r[2] for r in rows],
            "basis": [r[3] for r in rows],
            "amount": [str(Decimal(r[4]).scaleb(-2).quantize(Decimal("0.01"))) for r in rows],
        }
    )
    text = frame_csv(frame, flavour)
    path = tmp_path_factory.mktemp("rt") / "written.csv"
    path.write_bytes(text.encode("utf-8"))
    read, problems, _ = read_bookings(letter(), [str(path)])
    assert problems == []
    assert read["amount_cents"].tolist() == [r[4] for r in rows]
    days = [str(d) for d in read["date"].to_numpy("datetime64[D]")]
    assert days == [r[0].isoformat() for r in rows]


def test_the_excel_csv_of_budget_actuals_reads_back_as_actuals(tmp_path):
    """`budget actuals --format excel-csv` writes the actual per commitment, funder, basis
    and year; those cells, taken as they are, read back as bookings of the same cents."""
    result = invoke("actuals", "scenarios/letter-2014-realised.toml", "--format", "excel-csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")
    table = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=";"))
    booked = [r for r in table if r["commitment"] != "(unplanned)"]
    lines = [HEADER.replace("date", "year")] + [
        ";".join([r["year"], r["commitment"], r["funder"], r["basis"], r["actual"]]) + "\r\n"
        for r in booked
    ]
    assert any("," in r["actual"] and len(r["actual"]) > 7 for r in booked)
    frame, problems, _ = _read(tmp_path, "".join(lines))
    assert problems == []
    assert frame["amount_cents"].tolist() == [int(r["actual_cents"]) for r in booked]


def _dutch(cell: str) -> str:
    """A plain amount as Dutch Excel shows it with thousands grouped: 2000000.00 ->
    2.000.000,00; a date YYYY-MM-DD as D-M-YYYY."""
    if len(cell) == 10 and cell[4] == "-":
        year, month, day = cell.split("-")
        return f"{int(day)}-{int(month)}-{year}"
    if cell.replace(".", "").isdigit() and cell not in ("0.8",) and len(cell) > 4:
        whole, _, frac = cell.partition(".")
        grouped = f"{int(whole):,}".replace(",", ".")
        return grouped + ("," + frac if frac else "")
    return cell


def test_a_dutch_excel_register_reads_like_the_plain_one(tmp_path):
    """The register of tests/load/test_register.py written as Dutch Excel does (`;`, BOM,
    CRLF, 2.000.000,00 and 1-4-2014) projects to the same cents as the plain one."""
    from tests.load.test_register import EXPECTED, GOOD, HEADER, cash, scenario_with

    assert _dutch("2000000.00") == "2.000.000,00" and _dutch("2014-04-01") == "1-4-2014"
    rows = [[_dutch(c) for c in row] for row in GOOD]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    (tmp_path / "c.csv").write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    assert "2.000.000,00" in buffer.getvalue()
    assert cash(scenario_with(tmp_path, "c.csv")) == EXPECTED


def test_the_excel_csv_writer_reads_back_as_a_register(tmp_path):
    """A register frame written by the excel-csv writer reads back to the same cents."""
    from tests.load.test_register import EXPECTED, GOOD, HEADER, cash, scenario_with

    frame = pd.DataFrame(GOOD, columns=HEADER, dtype=object)
    text = frame_csv(frame, "excel-csv")
    assert text.startswith("\ufeff") and ";" in text and "2000000,00" in text
    (tmp_path / "c.csv").write_bytes(text.encode("utf-8"))
    assert cash(scenario_with(tmp_path, "c.csv")) == EXPECTED


def test_the_same_actuals_file_under_two_names_is_refused_once(tmp_path):
    """Issue 20: 15.00 booked through a file and its hard link was reported as 30.00."""
    import os

    first = tmp_path / "a.csv"
    first.write_text(
        "date,commitment,funder,basis,amount\n2015-01-05,mki-support,VenJ,cash,15.00\n"
    )
    os.link(first, tmp_path / "b.csv")
    (tmp_path / "c.csv").symlink_to(first)
    for second in ("b.csv", "c.csv", "./a.csv"):
        _, problems, _ = read_bookings(letter(), [str(first), str(tmp_path / second)])
        assert len(problems) == 1, second
        assert problems[0].file == str(tmp_path / second)
    _, problems, _ = read_bookings(letter(), [str(first), str(tmp_path / "b.csv")])
    assert problems[0].message == f"is the same file as {first} (a hard link), named twice"
    result = invoke(
        "actuals", "scenarios/letter-2014-realised.toml", "--actuals", first,
        "--actuals", tmp_path / "b.csv",
    )  # fmt: skip
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "a hard link" in result.output


def test_toml_date_errors_get_a_date_hint(tmp_path):
    """Issue 20: `2025-9-15` and `2027-02-30` got the hint about quotes."""
    from budget.load.read import read_toml

    for value in ("2025-9-15", "2027-02-30", "2025-13-01"):
        path = tmp_path / "d.toml"
        path.write_text(f'[scenario]\nname = "x"\nas_of = {value}\n', encoding="utf-8")
        data, problems = read_toml(path, "d.toml")
        assert data is None and len(problems) == 1, value
        assert problems[0].hint.startswith("write a date as YYYY-MM-DD, a real day"), value
        result = invoke("check", path)
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    path.write_text("[scenario]\nname = x\n", encoding="utf-8")
    assert read_toml(path, "d.toml")[1][0].hint.startswith("TOML needs quotes")


def test_an_xlsx_register_with_title_rows_above_the_header_reads(tmp_path):
    """Issue 20: a title in row 1, row 3 the header: row 3 was taken for a stray cell."""
    import openpyxl

    from tests.load.test_register import EXPECTED, GOOD, HEADER, cash, scenario_with

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([None, "Register 2014, ministerie"])
    sheet.append([])
    sheet.append(HEADER)
    for row in GOOD:
        sheet.append([None if c == "" else c for c in row])
    book.save(tmp_path / "c.xlsx")
    assert cash(scenario_with(tmp_path, "c.xlsx")) == EXPECTED


def test_an_xlsx_actuals_file_with_a_title_row_reads(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Boekingen 2015", None, "export"])
    sheet.append(["date", "commitment", "funder", "basis", "amount"])
    sheet.append([dt.date(2015, 1, 5), "mki-support", "VenJ", "cash", 15])
    book.save(tmp_path / "a.xlsx")
    frame, problems, _ = read_bookings(letter(), [str(tmp_path / "a.xlsx")])
    assert problems == []
    assert frame["amount_cents"].tolist() == [1500] and frame["row"].tolist() == [3]


def test_without_a_header_row_the_first_row_is_worded(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("when,what\n2015-01-05,1.00\n", encoding="utf-8")
    _, problems, _ = read_bookings(letter(), [str(path)])
    assert problems and all(p.where.startswith("row 1") for p in problems)


def test_a_register_without_a_header_row_says_where_it_looked(tmp_path):
    from budget.load.register import read_table

    path = tmp_path / "r.csv"
    path.write_text("Register,2014\nid,colour\nmki,red\n", encoding="utf-8")
    _, problems = read_table(path, "r.csv")
    assert problems[0].where == "row 1, column 'register'"
    assert problems[0].hint.startswith(
        "the header is the first row whose cells are all field names; none of rows 1-3 is."
    )
