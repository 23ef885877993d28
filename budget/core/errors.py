"""User errors as values: collected, returned, and printed one line each."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from budget.core.terminal import one_line


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input.

    file: the file it was found in, as the user named it.
    where: what in the file: 'commitment "sin", field "cap"', 'row 12, column "total"'.
    message: what is wrong.
    hint: what would be right (may be empty).
    """

    file: str
    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = (
            f"{self.file}: {self.where}: {self.message}"
            if self.where
            else (f"{self.file}: {self.message}")
        )
        # One line per problem, whatever the input's names hold (budget/core/terminal.py).
        return one_line(f"{text} (hint: {self.hint})" if self.hint else text)


class InputError(Exception):
    """Raised at the edge when input problems stop a stage; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


EXCERPT = 40  # characters of a value quoted in a message


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A value as a message quotes it: its repr (control characters escaped), cut to at
    most `limit` characters. Only the start of a long text is looked at: one cell may
    hold hundreds of megabytes."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit])[: limit - 3] + "..."
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


LISTED = 20  # names listed in a hint; more are counted


def listing(names: Iterable[str], most: int = LISTED) -> str:
    """Names for a hint, "A, B, C": the first `most`, then how many more (a scenario may
    have ten thousand funders, and a hint is repeated on every line that needs it)."""
    shown: list[str] = []
    more = 0
    for name in names:
        if len(shown) < most:
            shown.append(excerpt(name)[1:-1] if len(name) > EXCERPT else name)
        else:
            more += 1
    return ", ".join(shown) + (f" and {more} more" if more else "")


def where_commitment(cid: str, field: str | None = None) -> str:
    """'commitment "cid", field "field"'."""
    # Entries without a usable id are named by their position: "commitment #3".
    text = f"commitment {cid}" if cid.startswith("#") else f"commitment {excerpt(cid)}"
    return f"{text}, field {excerpt(field)}" if field else text


def where_entry(section: str, key: str, field: str | None = None) -> str:
    """'recipient "SIN", field "costs"' and the like."""
    text = f"{section} {excerpt(key)}"
    return f"{text}, field {excerpt(field)}" if field else text


# Line breaks (also Unicode's), escapes, tabs, NUL and DEL: in a key or id they would split
# a problem's line, reach the terminal raw or break a CSV row or an XML file.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_HINT = (
    "keys and ids may not hold control characters (line breaks, tabs, escapes); remove it"
)


def control_character(text: str) -> str | None:
    """The first control character in `text`, escaped for a message ('\\n'), or None."""
    found = _CONTROL.search(text)
    return None if found is None else repr(found[0])[1:-1]
