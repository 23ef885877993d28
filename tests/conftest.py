"""Fixtures shared by every test folder: a scenario text as a file, the same loaded, and
the IATI 2.03 schema (found in one place, or the test is skipped).

The example scenarios are `tests.helpers.SCENARIOS` and `LETTER`, constants rather than
fixtures because parametrize needs them at import (and `scenarios` names the public
hypothesis strategy in many test modules)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from budget.core.model import Scenario
from tests.helpers import load_text, write_file

IATI_SCHEMA = "iati-activities-schema.xsd"
STANDARDS = "BUDGET_STANDARDS"  # a folder holding iati-2.03/, to use instead of ../shared


@pytest.fixture
def scenario_file(tmp_path: Path) -> Callable[..., Path]:
    """`scenario_file(text, name="scenario.toml")`: the text written to a file in tmp_path."""
    return lambda text, name="scenario.toml": write_file(tmp_path, text, name)


@pytest.fixture
def load(tmp_path: Path) -> Callable[..., tuple[Scenario | None, list[str]]]:
    """`load(text, name="scenario.toml")`: the text written to tmp_path and loaded, as
    (scenario or None, problems as printed)."""
    return lambda text, name="scenario.toml": load_text(tmp_path, text, name)


def standards_folder() -> Path | None:
    """The IATI 2.03 XSDs: in $BUDGET_STANDARDS/iati-2.03, else in
    shared/standards/iati-2.03 beside the repository or beside a folder above it (as for a
    git worktree, and as CI puts shared/ beside the clone); None when absent."""
    here = Path(__file__).resolve().parent.parent
    given = os.environ.get(STANDARDS)
    places = (
        [Path(given)]
        if given
        else [f.parent / "shared" / "standards" for f in [here, *here.parents]]
    )
    for place in places:
        if (place / "iati-2.03" / IATI_SCHEMA).is_file():
            return place / "iati-2.03"
    return None


@pytest.fixture(scope="session")
def iati_schema() -> Any:
    """The IATI 2.03 activity schema (an xmlschema.XMLSchema); the test is skipped, saying
    why, when xmlschema is not installed or the XSDs are not found."""
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema is not installed")
    folder = standards_folder()
    if folder is None:
        pytest.skip(
            f"the IATI 2.03 XSDs ({IATI_SCHEMA}) are not in ${STANDARDS}/iati-2.03 nor in "
            "shared/standards/iati-2.03 beside the repository"
        )
    return xmlschema.XMLSchema(str(folder / IATI_SCHEMA))
