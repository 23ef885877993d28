"""The registry of commitment kinds: KINDS, name -> the kind (see `base.Kind`).

The layers above cannot be named from here, so each keeps its own table keyed by the
names of KINDS. Adding a kind touches, besides its test file:

- its module here (the spec, its parsing and one pure vectorised `compute`) and its line
  in KINDS below;
- its explainer, in `budget.reports.explain.build.EXPLAINERS`;
- its Calculation sheet lines, in `budget.render.workbook.calculation_sheet.KIND_LINES`
  (the functions in `calculation_kinds`);
- its hypothesis strategy, in `budget.testing.strategies.KIND_STRATEGIES`;
- its plain scalar reference, in `tests.reference.REFERENCES`.

tests/kinds/test_registries.py fails while any of these tables lacks a kind of KINDS or names
one that is not there.
"""

from __future__ import annotations

from budget.core.lines import LINE_FIELDS
from budget.kinds import annual, cofinanced, grant, top_up
from budget.kinds.base import Flows, Kind

KINDS: dict[str, Kind] = {k.name: k for k in (top_up.KIND, annual.KIND, grant.KIND)}
KINDS[cofinanced.KIND.name] = cofinanced.KIND  # issue 23

# Fields only the open-data exports read (budget.render.export.iati checks them there).
EXPORT_FIELDS: dict[str, str] = {
    "sector": 'an OECD DAC 5-digit sector code, e.g. "15160" (IATI exports)',
    "sector_vocabulary": '"1" DAC 5-digit sector (default) or "2" DAC 3-digit (IATI exports)',
    "recipient_country": 'the ISO 3166-1 alpha-2 code of the country it benefits, e.g. "NL"',
    "recipient_region": 'an OECD DAC region code, e.g. "998", instead of recipient_country',
}

COMMON_FIELDS: dict[str, str] = {
    "id": "a unique name for the commitment",
    "kind": "one of " + ", ".join(KINDS),
    "recipient": "the key of a [recipients] entry",
    "funders": 'funder keys with exact shares adding up to 1, e.g. { VenJ = "1/2", VWS = "1/2" }',
    "priority": "lower pays first among commitments to the same recipient (default 0)",
    "name": "a readable title",
    "source": "where the promise is made (letter, page)",
    "assumptions": "the fields whose values are assumptions, not facts",
    **EXPORT_FIELDS,
    **LINE_FIELDS,
    "unpaid": '"slips" (stays owed; grants) or "lapses" (gone; annual, top_up)',
    # Undecided money (issue 23, budget.load.pending):
    "status": '"decided" (default) or "pending" (not yet decided; needs p)',
    "p": 'the probability of the decision, in (0, 1]: "1/2", "0.5" or "50%"',
    "decision": "the date the decision is expected, e.g. 2015-06-01",
    "condition": 'pays when a target is met: { indicator = "police-suspects", year = 2015, '
    'p = "1/2" } (p while not yet achieved)',
}

__all__ = ["COMMON_FIELDS", "EXPORT_FIELDS", "KINDS", "Flows", "Kind"]
