"""The cost of scanning a large XLSX sheet's cell references (load/xlsx.py `_far_cells`),
against the baseline of only unpacking the sheet, from the same run.

    PYTHONPATH=. python benchmarks/bench_xlsx_scan.py [ROWS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from budget.load import xlsx

COLUMNS = "ABCDEFGHIJKLMN"


def sheet(rows: int) -> bytes:
    body = b"".join(
        f'<row r="{i}">'.encode()
        + b"".join(f'<c r="{c}{i}"><v>{i}</v></c>'.encode() for c in COLUMNS)
        + b"</row>"
        for i in range(1, rows + 1)
    )
    return b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>"


def median_seconds(run, repeats: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    data = sheet(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr("xl/worksheets/sheet1.xml", data)
        with zipfile.ZipFile(path) as book:
            info = book.getinfo("xl/worksheets/sheet1.xml")
            unpack = median_seconds(lambda: list(xlsx._chunks(book, info)))
            scan = median_seconds(lambda: xlsx._far_cells(book, info))
    print(f"sheet of {rows:,} rows x {len(COLUMNS)} columns, {len(data) / 2**20:.0f} MiB")
    print(f"baseline, unpacking only: median {unpack:.2f} s")
    print(f"scan of cell references:  median {scan:.2f} s")


if __name__ == "__main__":
    main()
