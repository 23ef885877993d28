"""Large texts are written in pieces (issue 21: not encoded whole at once) that join to the
text, each starting a line that does not start with a carriage return, so that click's
removal of colour codes and the terminal's escapes treat every piece as they treat the
whole."""

from __future__ import annotations

import itertools

import click
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from budget.cli import outputs
from budget.cli.outputs import pieces
from budget.core.terminal import terminal_text

TEXT = st.text(alphabet="ab;\n\r\x1b[31m", max_size=60)


@given(TEXT, st.integers(1, 8))
def test_the_pieces_join_to_the_text_and_split_only_after_a_line(text, size):
    found = list(pieces(text, size))
    assert "".join(found) == text
    for before, piece in itertools.pairwise(found):
        assert before.endswith("\n") and not piece.startswith("\r")
    assert "".join(click.unstyle(p) for p in found) == click.unstyle(text)
    assert "".join(terminal_text(p) for p in found) == terminal_text(text)


def test_a_text_of_many_pieces_prints_as_the_whole_did(monkeypatch):
    text = "".join(f"row {n},\x1b[1mx\x1b[0m\r\n" for n in range(50))

    @click.command()
    def show() -> None:
        outputs.emit(text, "excel-csv")  # bytes: written as they are
        outputs.emit(text, "csv")  # text: colour codes removed when not a terminal

    whole = CliRunner().invoke(show).stdout_bytes
    monkeypatch.setattr(outputs, "PIECE", 16)
    assert CliRunner().invoke(show).stdout_bytes == whole
    assert whole == text.encode("utf-8") + click.unstyle(text).encode("utf-8")
