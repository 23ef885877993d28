"""Every table keyed by commitment kind or distribution names exactly the registry's entries.

`budget.kinds.KINDS` and `budget.core.dists.DISTS` are the registries; the layers above
cannot be named from a kind's module, so each keeps its own table, checked here: a kind
added without its explainer, its calculation lines, its strategy or its reference is a
failing test, not an internal error (exit 70) when a scenario first uses it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from budget.core.dists import DISTS
from budget.kinds import KINDS
from budget.render.workbook.calculation_sheet import KIND_LINES
from budget.reports.explain import EXPLAINERS
from budget.testing.dists import DIST_STRATEGIES
from budget.testing.strategies import KIND_STRATEGIES
from tests.reference import REFERENCES

# table's name -> (the table, the registry whose names it must hold)
TABLES: dict[str, tuple[Mapping[str, object], Mapping[str, object]]] = {
    "budget.reports.explain.EXPLAINERS": (EXPLAINERS, KINDS),
    "budget.render.workbook.calculation_sheet.KIND_LINES": (KIND_LINES, KINDS),
    "budget.testing.strategies.KIND_STRATEGIES": (KIND_STRATEGIES, KINDS),
    "tests.reference.REFERENCES": (REFERENCES, KINDS),
    "budget.testing.dists.DIST_STRATEGIES": (DIST_STRATEGIES, DISTS),
}


@pytest.mark.parametrize("name", TABLES)
def test_table_names_exactly_the_registry(name: str) -> None:
    table, registry = TABLES[name]
    missing = sorted(set(registry) - set(table))
    unknown = sorted(set(table) - set(registry))
    assert not missing and not unknown, f"{name}: missing {missing}, not in the registry {unknown}"
