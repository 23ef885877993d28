"""Helpers for the workbook tests: LibreOffice recalculation and reading workbooks back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

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


def libreoffice_convert(source: Path, out_dir: Path, to: str, profile: Path) -> Path:
    """Convert `source` with a fresh profile that recalculates every formula on load.

    to: "xlsx" (recalculated values cached in the file) or "pdf". Returns the new file.
    """
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
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = out_dir / f"{source.stem}.{to}"
    if result.returncode != 0 or not converted.exists():
        raise AssertionError(f"LibreOffice failed: {result.stdout} {result.stderr}")
    return converted
