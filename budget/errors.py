"""User errors as values: collected, returned, and printed one line each."""

from __future__ import annotations

from dataclasses import dataclass

from budget.terminal import one_line


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
        # One line per problem, whatever the input's names hold (budget/terminal.py).
        return one_line(f"{text} (hint: {self.hint})" if self.hint else text)


class InputError(Exception):
    """Raised at the edge when input problems stop a stage; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def where_commitment(cid: str, field: str | None = None) -> str:
    """'commitment "cid", field "field"'."""
    # Entries without a usable id are named by their position: "commitment #3".
    text = f"commitment {cid}" if cid.startswith("#") else f"commitment {cid!r}"
    return f"{text}, field {field!r}" if field else text


def where_entry(section: str, key: str, field: str | None = None) -> str:
    """'recipient "SIN", field "costs"' and the like."""
    text = f"{section} {key!r}"
    return f"{text}, field {field!r}" if field else text
