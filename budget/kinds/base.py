"""What every commitment kind provides, and the result of computing one.

A kind is one module with one object: the fields it reads, how it parses them, which years
it spans and one pure vectorised `compute` over arrays of shape (draws, commitments, years).
The engine materialises the per-year inputs a kind names in `year_inputs`; a projection has
one draw, a simulation many.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from budget.fields import FieldReader
from budget.periods import FiscalCalendar

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Flows:
    """What a block of commitments pays, each array of shape (draws, commitments, years).

    cash: payments in the fiscal year they are made.
    commitment: obligations in the fiscal year they are entered into.
    binds: where a cap reduced the payment below the shortfall; None for kinds without a cap.
    """

    cash: IntArray
    commitment: IntArray
    binds: BoolArray | None = None


class Kind(Protocol):
    """A commitment kind: see the module docstring."""

    name: str
    summary: str
    fields: Mapping[str, str]
    year_inputs: tuple[str, ...]
    uncertain: frozenset[str]

    def parse(self, reader: FieldReader) -> Any | None:
        """The kind's spec from its fields, or None when a problem was recorded."""
        ...

    def span(self, spec: Any, calendar: FiscalCalendar) -> tuple[int, int]:
        """The first and last fiscal year in which the commitment has any amount."""
        ...

    def derives_shortfall(self, spec: Any) -> bool:
        """True when the engine must derive the `shortfall` input from the recipient."""
        ...

    def compute(
        self,
        specs: Sequence[Any],
        years: IntArray,
        calendar: FiscalCalendar,
        inputs: Mapping[str, IntArray],
        active: BoolArray,
    ) -> Flows:
        """Pure and vectorised: inputs of shape (draws or 1, K, Y), active of shape (K, Y)."""
        ...


def year_span_mask(first: IntArray, last: IntArray, years: IntArray) -> BoolArray:
    """active[k, y]: year y lies within first[k] .. last[k]."""
    return (years[None, :] >= first[:, None]) & (years[None, :] <= last[:, None])
