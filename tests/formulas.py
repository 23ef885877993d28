"""An exact evaluator of the formulas this program writes, independent of how they were
written: numbers, references (C9, $B$7, 'Overview'!$C$8), ranges, + - * / ^ and =, text
in quotes, & (joining text), and ROUND, MIN, MAX, SUM, SUMSQ, IF, INT, MOD, ABS, AND, OR,
COUNTIF and SUMIFS (criteria: a number, or text "<", ">", "<=", ">=", "=" or "<>" followed by
a number).

Arithmetic is in Fractions, and ROUND rounds half away from zero as the spreadsheet does
with decimals, so the result is what a spreadsheet intends, to the cent. A number in a cell
is read as the decimal it shows (67600.5), or as the small fraction it stands for (a share
0.333... is 1/3, a rate 0.035 is 7/200).
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"]|"")*")
    | (?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z0-9_]+)!)?\$?[A-Z]{1,3}\$?\d+
              (?::\$?[A-Z]{1,3}\$?\d+)?)
    | (?P<function>[A-Z]+)\(
    | (?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<operator><>|<=|>=|[-+*/^=(),<>&])
    )""",
    re.VERBOSE,
)
CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def number(value: Any) -> Fraction:
    """A cell's number as the decimal or small fraction it stands for."""
    if isinstance(value, bool):
        return Fraction(int(value))
    if isinstance(value, int):
        return Fraction(value)
    shown = Fraction(repr(float(value)))
    return shown if 100 % shown.denominator == 0 else shown.limit_denominator(10**6)


def round_half_away(value: Fraction, digits: int) -> Fraction:
    scale = Fraction(10) ** digits
    scaled = abs(value) * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return (whole if value >= 0 else -whole) / scale


def _column(letters: str) -> int:
    out = 0
    for char in letters:
        out = out * 26 + ord(char) - 64
    return out


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


class Evaluator:
    """Evaluates cells of an openpyxl workbook loaded with formulas (not data_only)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str], Fraction | str] = {}
        self.sheets: dict[str, dict[str, Any]] = {}

    def _cells(self, sheet: str) -> dict[str, Any]:
        found = self.sheets.get(sheet)
        if found is None:
            found = {c.coordinate: c.value for row in self.workbook[sheet].iter_rows() for c in row}
            self.sheets[sheet] = found
        return found

    def value(self, sheet: str, coordinate: str) -> Fraction | str:
        key = (sheet, coordinate.replace("$", ""))
        if key in self.cache:
            return self.cache[key]
        raw = self._cells(sheet).get(key[1])
        if raw is None:
            result: Fraction | str = Fraction(0)
        elif isinstance(raw, str) and raw.startswith("="):
            self.cache[key] = "circular"
            result = self.formula(sheet, raw[1:])
        elif isinstance(raw, str):
            result = Text(raw)
        else:
            result = number(raw)
        self.cache[key] = result
        return result

    def cents(self, sheet: str, coordinate: str) -> int:
        value = self.value(sheet, coordinate)
        assert isinstance(value, Fraction), (sheet, coordinate, value)
        cents = value * 100
        assert cents.denominator == 1, (sheet, coordinate, value)
        return int(cents)

    def formula(self, sheet: str, text: str) -> Fraction | str:
        python: list[str] = []
        values: list[Any] = []
        position = 0
        while position < len(text):
            match = TOKEN.match(text, position)
            assert match and match.end() > position, f"cannot read {text[position:]!r}"
            position = match.end()
            kind = match.lastgroup
            token = match.group(kind or "")
            if kind == "string":
                values.append(Text(token[1:-1].replace('""', '"')))
                python.append(f"_v[{len(values) - 1}]")
            elif kind == "number":
                values.append(Fraction(token))
                python.append(f"_v[{len(values) - 1}]")
            elif kind == "ref":
                values.append(self._reference(sheet, token))
                python.append(f"_v[{len(values) - 1}]")
            elif kind == "function":
                python.append(f"_{token}(")
            else:
                python.append({"^": "**", "=": "==", "<>": "!=", "&": "+"}.get(token, token))
        names = {
            "_v": values,
            "_ROUND": lambda x, d: round_half_away(x, int(d)),
            "_MIN": lambda *a: min(_flat(a)),
            "_MAX": lambda *a: max(_flat(a)),
            "_SUM": lambda *a: sum(_flat(a), Fraction(0)),
            "_SUMSQ": lambda *a: sum((x * x for x in _flat(a)), Fraction(0)),
            "_IF": lambda c, a, b="": a if c else b,
            "_INT": lambda x: Fraction(x.numerator // x.denominator),
            "_MOD": lambda a, b: a - b * Fraction((a / b).numerator // (a / b).denominator),
            "_ABS": abs,
            "_AND": lambda *a: all(_flat(a) if not all(isinstance(x, bool) for x in a) else a),
            "_OR": lambda *a: any(_flat(a) if not all(isinstance(x, bool) for x in a) else a),
            "_COUNTIF": lambda r, c: sum(1 for x in r if _meets(x, c)),
            "_SUMIFS": _sumifs,
        }
        result = eval("".join(python), names)  # built from our own tokens only
        return result if isinstance(result, str) else Fraction(result)

    def _reference(self, sheet: str, token: str) -> Any:
        other = sheet
        if "!" in token:
            name, token = token.rsplit("!", 1)
            other = name[1:-1].replace("''", "'") if name.startswith("'") else name
        if ":" not in token:
            return self.value(other, token)
        first, last = (CELL.match(t) for t in token.split(":"))
        assert first and last
        columns = range(_column(first.group(1)), _column(last.group(1)) + 1)
        rows = range(int(first.group(2)), int(last.group(2)) + 1)
        return [self.value(other, f"{_letters(c)}{r}") for r in rows for c in columns]


class Text(str):
    """Text in a formula: `&` joins it with a number as the spreadsheet shows the number."""

    def __add__(self, other: Any) -> Text:
        return Text(str(self) + _shown(other))

    def __radd__(self, other: Any) -> Text:
        return Text(_shown(other) + str(self))


def _shown(value: Any) -> str:
    if isinstance(value, Fraction) and value.denominator == 1:
        return str(value.numerator)
    return str(value)


def _meets(value: Any, criterion: Any) -> bool:
    """COUNTIF's and SUMIFS's test of one cell: a number is equality; text may start with
    a comparison."""
    if isinstance(criterion, Fraction | int):
        return isinstance(value, Fraction) and value == criterion
    text = str(criterion)
    for op in ("<=", ">=", "<>", "<", ">", "="):
        if text.startswith(op):
            target = Fraction(text[len(op) :])
            if not isinstance(value, Fraction):
                return op == "<>"
            return {
                "<=": value <= target,
                ">=": value >= target,
                "<>": value != target,
                "<": value < target,
                ">": value > target,
                "=": value == target,
            }[op]
    return value == text


def _sumifs(values: list[Any], *pairs: Any) -> Fraction:
    total = Fraction(0)
    for i, v in enumerate(values):
        if all(_meets(pairs[k][i], pairs[k + 1]) for k in range(0, len(pairs), 2)):
            total += v if isinstance(v, Fraction) else 0
    return total


def _flat(arguments: tuple[Any, ...]) -> list[Fraction]:
    out: list[Fraction] = []
    for a in arguments:
        items = a if isinstance(a, list) else [a]
        out += [x for x in items if isinstance(x, Fraction)]
    return out


_EVALUATORS: dict[int, tuple[Any, Evaluator]] = {}


def evaluator(workbook: Any) -> Evaluator:
    """One evaluator per workbook (it reads each sheet's cells once)."""
    found = _EVALUATORS.get(id(workbook))
    if found is None or found[0] is not workbook:
        found = _EVALUATORS[id(workbook)] = (workbook, Evaluator(workbook))
    return found[1]


def sheet_expectations(workbook: Any, sheet: str) -> dict[tuple[str, str], Any]:
    """(sheet, cell) -> what each formula of `sheet` comes to, evaluated exactly: cents
    when it is an amount, else the exact fraction (a share) or the text."""
    out: dict[tuple[str, str], Any] = {}
    if sheet not in workbook.sheetnames:
        return out
    found = evaluator(workbook)
    for row in workbook[sheet].iter_rows():
        for c in row:
            if c.data_type == "f":
                try:
                    value = found.value(sheet, c.coordinate)
                except ZeroDivisionError:  # IF(E5=0,"-",G5/E5): Python's IF is not lazy
                    found.cache.pop((sheet, c.coordinate), None)
                    continue
                if isinstance(value, Fraction) and (value * 100).denominator == 1:
                    value = int(value * 100)
                out[(sheet, c.coordinate)] = value
    return out
