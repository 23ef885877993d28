"""The registry of commitment kinds. A new kind is one module here and one line below."""

from __future__ import annotations

from budget.kinds import annual, grant, top_up
from budget.kinds.base import Flows, Kind

KINDS: dict[str, Kind] = {k.name: k for k in (top_up.KIND, annual.KIND, grant.KIND)}

COMMON_FIELDS: dict[str, str] = {
    "id": "a unique name for the commitment",
    "kind": "one of " + ", ".join(KINDS),
    "recipient": "the key of a [recipients] entry",
    "funders": 'funder keys with exact shares adding up to 1, e.g. { VenJ = "1/2", VWS = "1/2" }',
    "priority": "lower pays first among commitments to the same recipient (default 0)",
    "name": "a readable title",
    "source": "where the promise is made (letter, page)",
    "assumptions": "the fields whose values are assumptions, not facts",
}

__all__ = ["COMMON_FIELDS", "KINDS", "Flows", "Kind"]
