"""The IATI codelists shipped in budget/data are generated, not written by hand: the file
is what tools/iati_codelists.py writes from the published codelists."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from budget.render.export.codelists import FILE, code_problem, codes, org_id_problem
from tests.conftest import standards_folder

TOOL = Path(__file__).resolve().parents[3] / "tools" / "iati_codelists.py"


def test_the_shipped_codelists_are_what_the_tool_makes_of_the_standards():
    folder = standards_folder()
    if folder is None:
        pytest.skip("the IATI codelists are not in shared/standards beside the repository")
    spec = importlib.util.spec_from_file_location("iati_codelists", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert FILE.read_text(encoding="utf-8") == tool.render(folder.parent)


def test_codes_from_the_lists():
    assert codes("Sector")["15160"] == "Human rights"
    assert codes("Country")["NL"] == "Netherlands (the)"
    assert code_problem("Region", "998") is None
    assert code_problem("Sector", "1516") is not None
    message, _ = code_problem("Country", "AN")
    assert "withdrawn" in message


@pytest.mark.parametrize(
    ("ref", "ok"),
    [
        ("XM-DAC-7", True),
        ("NL-KVK-41177588", True),
        ("GB-GOV-1", True),
        ("XI-IATI-1", True),
        ("MINBUZA", False),  # no agency
        ("NL-1", False),  # retired: XM-DAC-7
        ("XM-DAC-", False),  # no id after the agency
        ("GB-GOVUK-1", False),  # a withdrawn agency
    ],
)
def test_organisation_ids_need_an_active_registration_agency(ref, ok):
    assert (org_id_problem(ref) is None) == ok
