"""The workbook's theme is openpyxl's default Office theme, byte for byte, without
importing openpyxl to write a workbook."""

from __future__ import annotations

import subprocess
import sys

from openpyxl.writer.theme import theme_xml

from budget.render.workbook.theme import THEME_XML


def test_the_theme_is_openpyxls() -> None:
    assert theme_xml == THEME_XML


def test_writing_a_workbook_does_not_import_openpyxl(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys, budget\n"
        "from budget.render.workbook import write_workbook\n"
        "from budget.engine.pending import with_pending\n"
        "s = with_pending(budget.load_scenario(budget.example_path()), 'none')\n"
        f"write_workbook(s, budget.project(s), {str(tmp_path / 'out.xlsx')!r})\n"
        "print('openpyxl' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
