"""Text for open-data files: XML escaping, characters XML 1.0 cannot hold, amounts, dates.

XML 1.0 allows tab, line feed and carriage return but no other control characters (nor
unpaired surrogates, U+FFFE or U+FFFF), escaped or not; such text is a user error naming
where it is, never a broken file.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import numpy.typing as npt

from budget.core.errors import Problem
from budget.core.periods import FiscalCalendar
from budget.render.csvtext import euros_texts

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)


def text(value: str) -> str:
    """`value` escaped for element content (carriage returns kept as references)."""
    return value.translate(_TEXT)


def attribute(value: str) -> str:
    """`value` escaped for a double-quoted attribute (white space kept as references)."""
    return value.translate(_ATTRIBUTE)


def xml_problem(value: str, file: str, where: str) -> Problem | None:
    """A Problem when `value` holds a character XML 1.0 cannot hold, else None."""
    found = _NOT_XML.search(value)
    if found is None:
        return None
    char = found.group()
    return Problem(
        file,
        where,
        f"holds the control character U+{ord(char):04X} (at character {found.start() + 1}), "
        "which an XML file cannot hold",
        "remove it; text may hold tabs and line breaks but no other control characters",
    )


def decimal_text(cents: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """Integer cents as decimal text with exactly two places: -123456 -> "-1234.56" (as
    `format_euros`; made on arrays by budget.render.csvtext.euros_texts)."""
    return np.array(euros_texts(np.asarray(cents, dtype=np.int64)), dtype=object)


def fiscal_period(calendar: FiscalCalendar, year: int) -> tuple[str, str]:
    """A fiscal year's first and last day, as ISO dates."""
    first = calendar.start_of(year)
    return first.isoformat(), (calendar.start_of(year + 1) - dt.timedelta(days=1)).isoformat()
