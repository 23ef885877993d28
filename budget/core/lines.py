"""The budget classification and the budget round, as data.

A commitment sits on a budget line: its funder's chapter ("VI"), an article ("33"), an
optional article part ("33.2"), a financial instrument of the Budget Rules
(Rijksbegrotingsvoorschriften, RBV) and a scheme (the regeling's name). A version of the
budget is a scenario file with a `version` name and a `stage`; the file lists what it
changes as mutations, and cash shifts (kasschuiven) move planned cash between years.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from enum import StrEnum

# The RBV's financial instruments, as model 1.33d lists them under Uitgaven.
INSTRUMENTS: tuple[str, ...] = (
    "Subsidies",
    "Leningen",
    "Garanties",
    "Bekostiging",
    "Inkomensoverdrachten",
    "Opdrachten",
    "Bijdrage aan agentschappen",
    "Bijdrage aan ZBO's/RWT's",
    "Bijdrage aan medeoverheden",
    "Bijdrage aan (inter)nationale organisaties",
    "Bijdrage aan (andere) begrotingshoofdstukken",
    "Bijdrage aan sociale fondsen",
)

NO_ARTICLE = "(no article)"
NO_INSTRUMENT = "(no instrument)"


def closest_instrument(name: str) -> str:
    """The known instrument most like `name` (case ignored), for a warning's hint."""
    lowered = {i.lower(): i for i in INSTRUMENTS}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.0)
    return lowered[found[0]] if found else INSTRUMENTS[0]


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """Where a commitment sits in the budget.

    article, article_part, instrument, scheme: as written ("" when not given);
    legally_committed: the date the legal obligation was entered, or None.
    """

    article: str = ""
    article_part: str = ""
    instrument: str = ""
    scheme: str = ""
    legally_committed: dt.date | None = None

    def committed_by(self, day: dt.date) -> bool:
        """Legally committed in a table whose reference date is `day`."""
        return self.legally_committed is not None and self.legally_committed <= day


class Stage(StrEnum):
    """Which budget document a version is."""

    DRAFT = "draft"
    ADOPTED = "adopted"
    SUPPLEMENTARY = "supplementary"
    FINAL = "final"


# The RBV 2.15 column of each stage's stand: (1) the draft, (3) the adopted budget,
# (5) the supplementary budget; the mutations leading to a stand are the column before it.
STAGE_COLUMN: dict[Stage, int] = {
    Stage.DRAFT: 1,
    Stage.ADOPTED: 3,
    Stage.SUPPLEMENTARY: 5,
    Stage.FINAL: 7,
}


class MutationType(StrEnum):
    """Policy mutations follow from new policy, technical ones from existing policy."""

    POLICY = "policy"
    TECHNICAL = "technical"


@dataclass(frozen=True, slots=True)
class Mutation:
    """One change a version makes to the one before it.

    id: as written ("" for the unnamed mutation of a file without [[mutations]]);
    reason: why; type: policy or technical; kind: "cash shift", "transfer", ... or "";
    changes: the commitment ids and funder or recipient keys whose entries in the file it owns.
    """

    id: str
    reason: str
    type: MutationType
    kind: str = ""
    changes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CashShift:
    """Planned cash of a commitment moved from one year to another (a kasschuif).

    amount: cents moved (positive); mutation: the id of the mutation that owns it;
    file: the file that states it.
    """

    commitment: str
    from_year: int
    to_year: int
    amount: int
    mutation: str = ""
    file: str = ""


# The commitment fields of a budget line (in TOML and as register columns).
LINE_FIELDS: dict[str, str] = {
    "article": 'the budget article, e.g. "33"',
    "article_part": 'the article part, e.g. "33.2"',
    "instrument": "the RBV financial instrument: " + ", ".join(INSTRUMENTS),
    "scheme": "the scheme (regeling) it is paid under",
    "legally_committed": "the date the legal obligation was entered, e.g. 2014-12-15",
}
