"""Controlled rounding of a two-way table: whole units (e.g. thousands) that add up both ways.

`controlled_round(cents, unit)` rounds every cell, every row total, every column total and
the grand total of a table of exact amounts (integer cents) to whole `unit`s so that

- each row's rounded cells add up to its rounded total, each column's to its rounded
  total, and the rounded row totals and the rounded column totals both add up to the
  rounded grand total;
- every rounded figure (cell or total) is its exact amount rounded down or up to a whole
  unit: it differs from the exact amount by less than one unit (and is exact when the
  amount is a whole number of units).

Such a rounding always exists (Cox and Ernst, 1982): rows, columns and the table form a
network (source -> row -> cell -> column -> sink, and the grand total back from sink to
source) in which the exact amounts, in units, are a flow whose every edge lies between the
rounded-down and rounded-up value; a flow within integer bounds has an integer solution.
This module starts from plain rounding (half away from zero) and mends it by a minimum-cost
flow: the figures moved off their plain rounding are the cheapest set that balances the
table, a figure costing what its other rounding is further from the exact amount (totals
four times, the grand total sixteen times a cell), so that most figures, and above all the
totals, are as plain rounding gives them. The same table always gives the same result.

With `groups` (a partition of the rows into consecutive-or-not groups, each with a
subtotal row, as the funders of an overview), the group subtotals are rounded too and
add up both ways: the rows of a group to the group's subtotal in every column, the groups
to the grand total (a nested family of rows stays a network).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
# What moving a figure off its plain rounding costs, per cent further from the exact amount:
# a total counts more than a cell, the grand total most, so that totals keep their plain
# rounding where the table allows it.
TOTAL_WEIGHT = 4
GRAND_WEIGHT = 16


@dataclass(frozen=True, slots=True)
class Rounded:
    """A table rounded to whole units.

    cells: (rows, columns) the cells; rows: each row's total; columns: each column's
    total; total: the grand total; groups: (groups, columns) each group's subtotal per
    column and group_totals each group's total (empty without groups).
    """

    cells: IntArray
    rows: IntArray
    columns: IntArray
    total: int
    groups: IntArray
    group_totals: IntArray


def _down_up(cents: int, unit: int) -> tuple[int, int, int]:
    """(rounded down, rounded up, rounded half away from zero) in whole units."""
    down = cents // unit
    up = -((-cents) // unit)
    twice = 2 * (cents - down * unit)  # 0 <= twice < 2 x unit
    near = down + 1 if twice > unit or (twice == unit and cents > 0) else down
    return down, up, near


class _Network:
    """A flow network whose edges each start at their plain rounding and may move to the
    other rounding (down or up) at a cost; `settle` balances every node at the least cost."""

    def __init__(self, nodes: int) -> None:
        self.nodes = nodes
        self.heads: list[int] = []  # residual edges, in pairs: 2k forward, 2k + 1 backward
        self.caps: list[int] = []
        self.costs: list[int] = []
        self.adjacent: list[list[int]] = [[] for _ in range(nodes + 2)]
        self.values: list[int] = []
        self.backward: list[int] = []  # how far each edge may go down from its start
        self.ends: list[tuple[int, int]] = []

    def edge(self, tail: int, head: int, cents: int, unit: int, weight: int = 1) -> int:
        """An edge carrying `cents` (rounded to units); returns its number. Moving it off
        its plain rounding costs `weight` x how much further from the exact amount the
        other rounding is."""
        down, up, near = _down_up(cents, unit)
        index = len(self.values)
        self.values.append(near)
        self.backward.append(near - down)
        self.ends.append((tail, head))
        further = unit - 2 * abs(cents - near * unit)  # >= 0: the other rounding's extra
        self._residual(tail, head, up - near, near - down, weight * further)
        return index

    def _residual(self, tail: int, head: int, forward: int, backward: int, cost: int) -> None:
        # The edge can move one way only (plain rounding is one of down and up): moving it
        # costs `cost`, moving it back gives the cost back.
        self.adjacent[tail].append(len(self.heads))
        self.heads.append(head)
        self.caps.append(forward)
        self.costs.append(cost if forward else -cost)
        self.adjacent[head].append(len(self.heads))
        self.heads.append(tail)
        self.caps.append(backward)
        self.costs.append(cost if backward else -cost)

    def settle(self) -> list[int]:
        """Each edge's value once every node is balanced."""
        excess = [0] * self.nodes
        for (tail, head), value in zip(self.ends, self.values, strict=True):
            excess[head] += value
            excess[tail] -= value
        source, sink = self.nodes, self.nodes + 1
        edges = len(self.values)
        need = 0
        for node, e in enumerate(excess):
            if e > 0:
                self._residual(source, node, e, 0, 0)
                need += e
            elif e < 0:
                self._residual(node, sink, -e, 0, 0)
        if _min_cost_flow(self, source, sink, need) != need:  # cannot happen (docstring)
            raise ArithmeticError("no controlled rounding found")
        return [self.values[k] + self.caps[2 * k + 1] - self.backward[k] for k in range(edges)]


def _min_cost_flow(network: _Network, source: int, sink: int, need: int) -> int:
    """Successive shortest paths (SPFA: costs may be negative on edges moved back), one
    augmentation per path; returns the flow sent (at most `need`)."""
    heads, caps, costs, adjacent = network.heads, network.caps, network.costs, network.adjacent
    count = network.nodes + 2
    sent = 0
    while sent < need:
        distance: list[int | None] = [None] * count
        via = [-1] * count
        distance[source] = 0
        queue = deque([source])
        queued = [False] * count
        queued[source] = True
        while queue:
            node = queue.popleft()
            queued[node] = False
            here = distance[node]
            assert here is not None
            for e in adjacent[node]:
                if caps[e] <= 0:
                    continue
                head = heads[e]
                d = here + costs[e]
                best = distance[head]
                if best is None or d < best:
                    distance[head] = d
                    via[head] = e
                    if not queued[head]:
                        queued[head] = True
                        queue.append(head)
        if distance[sink] is None:
            return sent
        amount = need - sent
        node = sink
        while node != source:
            e = via[node]
            amount = min(amount, caps[e])
            node = heads[e ^ 1]
        node = sink
        while node != source:
            e = via[node]
            caps[e] -= amount
            caps[e ^ 1] += amount
            node = heads[e ^ 1]
        sent += amount
    return sent


def controlled_round(
    cents: npt.ArrayLike, unit: int, groups: Sequence[Sequence[int]] | None = None
) -> Rounded:
    """Round the table `cents` (2-D integers: rows x columns of exact amounts) to whole
    `unit`s (e.g. 100_000 cents = 1,000) so that it adds up both ways; see the module
    docstring. `groups`: optional lists of row indices, each row in exactly one, whose
    subtotals are rounded too."""
    table = np.asarray(cents, dtype=np.int64)
    if table.ndim != 2:
        raise ValueError("controlled_round takes a two-way table (a 2-D array)")
    if unit <= 0:
        raise ValueError("the unit must be a positive number of cents")
    n, m = table.shape
    members = [list(g) for g in groups] if groups is not None else []
    if groups is not None and sorted(i for g in members for i in g) != list(range(n)):
        raise ValueError("groups must hold every row exactly once")
    values = table.tolist()
    row_sums = [sum(r) for r in values]
    column_sums = [sum(values[i][j] for i in range(n)) for j in range(m)]
    # Nodes: 0 the source (all rows), 1 the sink (all columns), then the groups, the
    # rows, the columns and, with groups, a node per group and column (its subtotal).
    g0 = 2
    r0 = g0 + len(members)
    c0 = r0 + n
    s0 = c0 + m
    network = _Network(s0 + len(members) * m)
    group_of = {i: k for k, g in enumerate(members) for i in g}
    group_edges = [
        network.edge(0, g0 + k, sum(row_sums[i] for i in g), unit, TOTAL_WEIGHT)
        for k, g in enumerate(members)
    ]
    row_edges = [
        network.edge(g0 + group_of[i] if members else 0, r0 + i, row_sums[i], unit, TOTAL_WEIGHT)
        for i in range(n)
    ]
    cell_edges = [
        [
            network.edge(r0 + i, (s0 + group_of[i] * m if members else c0) + j, values[i][j], unit)
            for j in range(m)
        ]
        for i in range(n)
    ]
    subtotal_edges = [
        [network.edge(s0 + k * m + j, c0 + j, sum(values[i][j] for i in g), unit) for j in range(m)]
        for k, g in enumerate(members)
    ]
    column_edges = [network.edge(c0 + j, 1, column_sums[j], unit, TOTAL_WEIGHT) for j in range(m)]
    grand_edge = network.edge(1, 0, sum(row_sums), unit, GRAND_WEIGHT)
    flows = network.settle()

    def picked(edges: list[int]) -> IntArray:
        return np.array([flows[e] for e in edges], dtype=np.int64)

    return Rounded(
        np.array([[flows[e] for e in row] for row in cell_edges], dtype=np.int64).reshape(n, m),
        picked(row_edges),
        picked(column_edges),
        int(flows[grand_edge]),
        np.array([[flows[e] for e in row] for row in subtotal_edges], dtype=np.int64).reshape(
            len(members), m
        ),
        picked(group_edges),
    )
