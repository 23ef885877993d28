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


@pytest.fixture(scope="session")
def iati_ruleset() -> Any:
    """(the IATI Standard Ruleset as a dict, the organisation-id prefixes): from
    iati-rulesets/standard.json and iati-codelists/OrganisationRegistrationAgency.xml beside
    the XSDs' folder; the test is skipped, saying why, when they are absent."""
    pytest.importorskip("elementpath", reason="elementpath (with xmlschema) is not installed")
    from tests.iati_ruleset import load_ruleset, org_id_prefixes

    folder = standards_folder()
    rules = folder.parent / "iati-rulesets" / "standard.json" if folder else None
    agencies = (
        folder.parent / "iati-codelists" / "OrganisationRegistrationAgency.xml" if folder else None
    )
    if rules is None or agencies is None or not rules.is_file() or not agencies.is_file():
        pytest.skip(
            "the IATI Standard Ruleset (iati-rulesets/standard.json) and the codelists are not "
            f"in ${STANDARDS} nor in shared/standards beside the repository"
        )
    return load_ruleset(rules), org_id_prefixes(agencies)
