"""Text from input files on the terminal: control characters shown, never obeyed.

A name or key may hold an ESC sequence (that recolours, clears or retitles a terminal),
a carriage return (that writes over what was printed) or a newline (that splits "one line
per problem"). Everything the command line prints passes through here:

- `one_line(text)`: every control character escaped (`\\n`, `\\r`, `\\t`, `\\x1b`,
  `\\u202e`...), so the text stays on one line. Problems (budget/core/errors.py) print this way.
- `terminal_text(text)`: the same, but newlines and tabs of the text itself are kept (a
  table is many lines); a carriage return is kept only at the very start of what is
  written (how a progress bar redraws its line).
- `escaping_streams()`: for the length of a command, sys.stderr (messages, never data)
  writes through `terminal_text`, and so does sys.stdout when it is a terminal, so that
  no table, note or warning needs to remember it. Standard output sent to a file or a
  pipe is data (`--format csv` or `json`) and is written exactly as made: CSV quotes
  its fields, JSON escapes control characters itself.

Escaped: C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators and
bidirectional overrides (which reorder what a reader sees).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import TextIO

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    named = NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` with every control character escaped: always one line."""
    return CONTROL.sub(_shown, text)


def terminal_text(text: str) -> str:
    """`text` with control characters escaped, its newlines and tabs kept; a carriage return
    kept only as its first character."""
    if text.startswith("\r"):
        return "\r" + TERMINAL_CONTROL.sub(_shown, text[1:])
    return TERMINAL_CONTROL.sub(_shown, text)


class EscapingStream:
    """A text stream that writes through `terminal_text` to another one.

    It has no `buffer`, and refuses bytes, so that click writes text to it (and not past it
    to the binary stream beneath)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")
        self.stream.write(terminal_text(text))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self.stream, "errors", None) or "strict"

    @property
    def closed(self) -> bool:
        return bool(getattr(self.stream, "closed", False))


@contextlib.contextmanager
def escaping_streams() -> Iterator[None]:
    """sys.stdout and sys.stderr escape control characters while the block runs."""
    out, err = sys.stdout, sys.stderr
    if _is_terminal(out):
        sys.stdout = EscapingStream(out)
    sys.stderr = EscapingStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False
