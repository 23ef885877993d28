"""Undecided money (issue 23): a commitment's `status`, `p` and `decision`.

`status = "pending"` needs `p`, the probability of the decision, an exact fraction
("1/2", "0.5") or a percentage ("50%"), in (0, 1]; `decision` is the date the decision is
expected. A decided commitment (the default) takes neither.
"""

from __future__ import annotations

import re
from fractions import Fraction

from budget.core.errors import excerpt
from budget.core.fields import FieldReader
from budget.core.model import Pending
from budget.core.money import MoneyError, parse_share

PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,9})?")
STATUSES = ("decided", "pending")
PENDING_FIELDS = ("status", "p", "decision")
P_HINT = 'give the probability of the decision, above 0 and at most 1: "1/2", "0.5" or "50%"'


def read_pending(reader: FieldReader) -> Pending | None:
    """The commitment's Pending, or None when it is decided (problems go to the reader's
    list; the caller sees them there)."""
    status = reader.raw.get("status", "decided")
    if isinstance(status, str):
        status = status.strip()
    if status not in STATUSES:
        reader.error(
            "status",
            f"{excerpt(status)} is not a status",
            'use "decided" (the default) or "pending" (with p, e.g. p = "1/2")',
        )
        return None
    if status == "decided":
        for name in ("p", "decision"):
            if reader.has(name):
                reader.error(
                    name,
                    "is given but the commitment is decided",
                    'add status = "pending", or leave it out',
                )
        return None
    if not reader.has("p"):
        reader.error("p", "is missing for a pending commitment", P_HINT)
        return None
    p = parse_p(reader.raw["p"])
    if isinstance(p, str):
        reader.error("p", p, P_HINT)
        return None
    decision = reader.date("decision") if reader.has("decision") else None
    return Pending(p, decision)


def parse_p(raw: object) -> Fraction | str:
    """A probability in (0, 1], or what is wrong with it."""
    if isinstance(raw, str) and raw.strip().endswith("%"):
        number = raw.strip()[:-1].strip()
        if not PERCENT.fullmatch(number):
            return f"{excerpt(raw)} is not a probability"
        p = Fraction(number) / 100
    else:
        try:
            p = parse_share(raw)
        except MoneyError as exc:
            if isinstance(raw, str) and "between 0 and 1" in exc.message:
                return f"{excerpt(raw)} is outside (0, 1]"
            return f"{excerpt(raw)} is not a probability ({exc.message})"
    if not 0 < p <= 1:
        return f"{excerpt(raw)} is outside (0, 1]"
    return p
