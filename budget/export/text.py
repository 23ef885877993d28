"""Text for open-data files: escaping for XML, and the characters XML 1.0 cannot hold.

XML 1.0 allows tab, line feed and carriage return but no other control characters (nor
unpaired surrogates, U+FFFE or U+FFFF), escaped or not; such text is a user error naming
where it is, never a broken file.
"""

from __future__ import annotations

import re

from budget.errors import Problem

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
