"""The commitments' lines of the Assumptions CSV (register scale, issue 21): the fast
writer, which writes a line's tail once per distinct value, gives the bytes of the
record-by-record writer it replaced (kept here as the reference)."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import budget
from budget.core.model import ByYear, Commitment, Scenario
from budget.render.workbook.assumptions_sheet import (
    CSV_HEADERS,
    UNCERTAIN_NOTE,
    _kind_facts,
    _spec_fields,
    commitment_csv_chunks,
    file_namer,
    not_applicable,
)
from budget.reports.provenance import funders_text, value_text
from budget.testing.strategies import scenarios

SCENARIOS = sorted((Path(__file__).parents[3] / "scenarios").glob("*.toml"))


def reference_records(scenario: Scenario) -> Iterator[tuple[str, ...]]:
    """The commitments' lines, one tuple per line (the writer before issue 21's speed-up)."""
    shown = file_namer(scenario)
    for c in scenario.commitments:
        kind, meanings = _kind_facts(c.kind)

        def line(field: str, value: str, meaning: str = "", c: Commitment = c) -> tuple[str, ...]:
            path = c.field_origins.get(field, c.origin)
            shown_file = shown(path) if path and path != scenario.path else ""
            assumed = "yes" if field in c.assumptions else ""
            return (c.id, field, value, meaning, shown_file, assumed)

        yield line("name", c.title)
        yield line("kind", c.kind, getattr(kind, "summary", ""))
        yield line("recipient", c.recipient)
        shares = "funders and their shares of each year's amount"
        yield line("funders", funders_text(c.funders), shares)
        yield line("priority", str(c.priority), "lower pays first to the same recipient")
        left_off = not_applicable(c)
        for name in _spec_fields(c.spec):
            if name in left_off:
                continue
            value = getattr(c.spec, name)
            meaning = meanings.get(name, "")
            if isinstance(value, ByYear) and value.is_uncertain:
                meaning = f"{meaning}; {UNCERTAIN_NOTE}" if meaning else UNCERTAIN_NOTE
            yield line(name, value_text(value, name), meaning)
        if c.source:
            yield line("source", c.source)


def reference_csv(scenario: Scenario) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    writer.writerows(reference_records(scenario))
    return buffer.getvalue()


def test_the_bundled_scenarios_give_the_reference_bytes() -> None:
    assert SCENARIOS
    for path in SCENARIOS:
        scenario = budget.load_scenario(path)
        fast = "".join(commitment_csv_chunks(scenario, chunk=2))
        assert fast == reference_csv(scenario), path.name


AWKWARD = st.text(alphabet=st.sampled_from(["a", ",", '"', "\n", "\r", " ", "=", "é", ";"]))


@settings(max_examples=60, deadline=None)
@given(
    scenarios(uncertain=True),
    st.lists(st.tuples(AWKWARD, AWKWARD, AWKWARD), min_size=6, max_size=6),
    st.integers(1, 4),
)
def test_awkward_ids_names_and_sources_give_the_reference_bytes(
    scenario: Scenario, texts: list[tuple[str, str, str]], chunk: int
) -> None:
    commitments = tuple(
        dataclasses.replace(
            c, id=f"{cid}{i}", name=name, source=source, assumptions=("amount", "name")[: i % 3]
        )
        for i, (c, (cid, name, source)) in enumerate(zip(scenario.commitments, texts, strict=False))
    )
    scenario = dataclasses.replace(scenario, commitments=commitments)
    assert "".join(commitment_csv_chunks(scenario, chunk=chunk)) == reference_csv(scenario)
