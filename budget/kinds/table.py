"""The commitments of a scenario as columns: what the engine compiles a plan from.

The loader builds the table once, when a scenario is read (`commitment_table`), so that a
projection reads arrays rather than a Python object per commitment. Each kind turns its
specs into its own columns (`Kind.columns`); the common fields are coded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from budget.core.model import column_of_field
from budget.kinds import KINDS
from budget.kinds.base import Columns, Kind, distinct_codes
from budget.kinds.spec_columns import SpecList

if TYPE_CHECKING:
    from budget.core.model import Scenario
    from budget.core.periods import FiscalCalendar

IntArray = npt.NDArray[np.int64]

Split = tuple[tuple[str, Fraction], ...]


@dataclass(frozen=True, slots=True)
class CommitmentTable:
    """Every commitment of a scenario, in scenario order, as arrays.

    ids: the commitment ids; kind: each one's place in KINDS; recipient: its place in the
    scenario's recipients; priority: as given; split: its place in `splits`, the distinct
    funder splits in order of first appearance; rows: per kind (in KINDS order) the
    positions of its commitments; columns: per kind, its columns for those rows (see
    `Kind.columns`); by_recipient: the positions grouped by recipient (in scenario order
    within each), recipient_starts: where each recipient's group begins in it.
    """

    ids: tuple[str, ...]
    kind: IntArray
    recipient: IntArray
    priority: IntArray
    split: IntArray
    splits: tuple[Split, ...]
    rows: tuple[IntArray, ...]
    columns: tuple[Columns, ...]
    by_recipient: IntArray
    recipient_starts: IntArray

    def __len__(self) -> int:
        return len(self.ids)

    def spans(self, calendar: FiscalCalendar) -> IntArray:
        """The first and last fiscal year of every commitment, int64 (commitments, 2)."""
        out = np.zeros((len(self), 2), dtype=np.int64)
        for kind, rows, columns in zip(KINDS.values(), self.rows, self.columns, strict=True):
            if len(rows):
                out[rows] = kind.span_of(columns, calendar)
        return out

    def of_recipient(self, recipient: int) -> IntArray:
        """The positions of the commitments to one recipient (its place), in order."""
        start, end = self.recipient_starts[recipient : recipient + 2].tolist()
        return self.by_recipient[start:end]

    @classmethod
    def of(cls, scenario: Scenario) -> CommitmentTable:
        commitments = scenario.commitments
        n = len(commitments)
        ids, kinds, recipients, priorities, splits_of, specs = (
            column_of_field(commitments, name)
            for name in ("id", "kind", "recipient", "priority", "funders", "spec")
        )
        kind = codes(kinds, list(KINDS))
        split, splits = distinct_codes(splits_of)
        rows = tuple(np.flatnonzero(kind == k) for k in range(len(KINDS)))
        columns = tuple(
            _kind_columns(k, specs, r) for k, r in zip(KINDS.values(), rows, strict=True)
        )
        recipient = codes(recipients, list(scenario.recipients))
        by_recipient = np.argsort(recipient, kind="stable")
        starts = np.searchsorted(recipient[by_recipient], np.arange(len(scenario.recipients) + 1))
        return cls(
            tuple(ids),
            kind,
            recipient,
            np.array(priorities, dtype=np.int64).reshape(n),
            split,
            tuple(splits),
            rows,
            columns,
            by_recipient.astype(np.int64),
            starts.astype(np.int64),
        )


def _kind_columns(kind: Kind, specs: Sequence[Any], rows: IntArray) -> Columns:
    """The kind's columns of the specs at `rows`: from the specs' own columns when a
    register's rows of the kind hold them (budget.kinds.spec_columns), with no object made."""
    if isinstance(specs, SpecList):
        block = specs.block_of(rows)
        if block is not None:
            return block.engine_columns(kind.columns)
    return kind.columns(list(map(specs.__getitem__, rows.tolist())))


def codes(values: Sequence[str], names: list[str]) -> IntArray:
    """Each value's place in `names` (every value is one of them); hashing is done in C."""
    found, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    index = {name: i for i, name in enumerate(names)}
    place = np.array([index[u] for u in uniques], dtype=np.int64)
    return place[found] if len(found) else np.zeros(0, dtype=np.int64)


def commitment_table(scenario: Scenario) -> CommitmentTable:
    """The scenario's commitments as columns, made on first use and kept with the scenario
    (in its `table_cache`); the loader asks for it once, so projections only read arrays."""
    table = scenario.table_cache
    if table is None:
        table = CommitmentTable.of(scenario)
        object.__setattr__(scenario, "table_cache", table)
    return table
