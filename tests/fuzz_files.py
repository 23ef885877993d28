"""Generated hostile scenario files (issue 13), and running them through the commands.

`hostile_file(rng)` makes one scenario text from the 2014 letter (or its uncertain
variant) with one to three mutations, each drawn from a class of hostile input: numbers
beyond limits, wrong shapes, references to files that are not regular files, values and
keys too long to quote, control characters, amounts beyond what a workbook can hold,
many funders and deep nesting, keys with white space, and plain line damage.

`run_commands(folder, path)` runs the file through `validate`, `run`, `run -o`,
`simulate -o` and `compare` in-process (click's CliRunner) and returns the internal
errors found: an exception other than SystemExit, exit code 70, or "internal error" or
"Traceback" in what was printed. Used by tests/cli/test_fuzzed_commands.py (a few hundred
files) and benchmarks/fuzz_inputs.py (10,000 and more).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from budget.cli import cli
from tests.helpers import SCENARIOS

LETTER = (SCENARIOS / "letter-2014.toml").read_text(encoding="utf-8")
UNCERTAIN = (SCENARIOS / "letter-2014-uncertain.toml").read_text(encoding="utf-8")

AMOUNT_FIELDS = ["amount", "cap", "total", "costs", "max", "shortfall", "income"]
CONTROL = ["\\u001b[31m", "\\n", "\\r", "\\u0000", "\\u0007", "\\u009b", "\\u202e", "\\t"]


def bad_number(rng: random.Random) -> str:
    """A number beyond some limit, as TOML value text."""
    digits = "9" * rng.choice([20, 400, 4301, 5000])
    return rng.choice(
        [
            f'"{digits}"',
            digits,
            f'"{digits}.{digits[:50]}"',
            '"1e400"',
            '"1e-400"',
            "inf",
            "-inf",
            "nan",
            '"nan"',
            '"inf"',
            "1e308",
            '"1/0"',
            '"0/0"',
            f'"1/{digits}"',
            '"-0"',
            "-9223372036854775808",
            "9223372036854775807",
            '"92233720368547758.07"',
            '"1e15"',
            '"0x10"',
            '"1_000"',
            "0.1",
            '"  5 "',
        ]
    )


def huge_amount(rng: random.Random) -> str:
    """An amount a workbook cannot hold to the cent, or near the int64 edge."""
    return rng.choice(
        [
            '"999999999999.99"',
            '"1000000000000.00"',
            '"300000000000.01"',
            '"9999999999999.99"',
            '"92233720368547758.07"',
            '"92233720368547758.08"',
            '"46116860184273879.04"',
            '"-92233720368547758.08"',
            '"10000000000000000000000"',
        ]
    )


def wrong_shape(rng: random.Random) -> str:
    return rng.choice(
        [
            "{ dist = [] }",
            "{ dist = {} }",
            "[]",
            "{}",
            '["1", "2"]',
            '{ dist = "uniform", low = [], high = {} }',
            '{ dist = "choice", values = {}, p = [] }',
            '{ dist = "choice", values = ["1"], p = ["inf"] }',
            '{ dist = "choice", values = ["1", "2"], p = ["nan", "1"] }',
            '{ dist = "normal", mean = "1", sd = "inf" }',
            '{ dist = "triangular", low = "3", mode = "2", high = "1" }',
            "{ 2015 = [] }",
            "{ 2015 = { dist = [] } }",
            '{ a = { b = { c = { d = "1" } } } }',
            "[[1, 2], [3]]",
            "true",
            "2015-01-01",
        ]
    )


def odd_file(rng: random.Random) -> str:
    return rng.choice(
        [
            '"/dev/zero"',
            '"/dev/null"',
            '"/dev/urandom"',
            '"."',
            '"/"',
            '"' + "x" * 300 + '.toml"',
            '"' + "/a" * 3000 + '.toml"',
            '"fifo.toml"',
            '"missing.toml"',
            '"letter-2014.toml"',
            '"huge.csv"',
            '"\\u0000.toml"',
        ]
    )


def control_text(rng: random.Random, base: str = "VenJ") -> str:
    chars = "".join(rng.choice(CONTROL) for _ in range(rng.randint(1, 3)))
    cut = rng.randint(0, len(base))
    return base[:cut] + chars + base[cut:]


def long_text(rng: random.Random) -> str:
    return "L" * rng.choice([300, 5000, 40_000, 200_000])


Mutation = Callable[[random.Random, str], str]


def _replace_value(text: str, rng: random.Random, field: str, value: str, add: bool = True) -> str:
    """`field = value` on a line of `field`, else (with `add`) in a new commitment."""
    lines = text.splitlines()
    places = [i for i, line in enumerate(lines) if line.startswith(f"{field} = ")]
    if not places and not add:
        return text
    if not places:
        return text + f'\n[[commitments]]\nid = "x"\nkind = "annual"\n{field} = {value}\n'
    i = rng.choice(places)
    lines[i] = f"{field} = {value}"
    return "\n".join(lines) + "\n"


def numbers_beyond_limits(rng: random.Random, text: str) -> str:
    field = rng.choice([*AMOUNT_FIELDS, "first_year", "last_year", "funders", "base"])
    value = bad_number(rng)
    if field == "funders":
        value = f"{{ VenJ = {value} }}"
    elif field in ("costs", "income") and rng.random() < 0.5:
        value = f"{{ 2015 = {value} }}"
    return _replace_value(text, rng, field, value)


def wrong_shapes(rng: random.Random, text: str) -> str:
    field = rng.choice(
        [*AMOUNT_FIELDS, "funders", "assumptions", "start", "targets", "achieved", "kind"]
    )
    if rng.random() < 0.15:
        return text.replace("[[commitments]]", "[commitments.x]", 1)
    return _replace_value(text, rng, field, wrong_shape(rng))


def files_not_regular(rng: random.Random, text: str) -> str:
    where = rng.choice(["extends", "actuals", "register"])
    value = odd_file(rng)
    if where == "extends":
        return text.replace("[scenario]\n", f"[scenario]\nextends = {value}\n", 1)
    if where == "actuals":
        return text.replace("[scenario]\n", f"[scenario]\nactuals = {value}\n", 1)
    return text.replace("[scenario]\n", f"[scenario]\nregister = [{value}]\n", 1)


def quotes_too_much(rng: random.Random, text: str) -> str:
    field = rng.choice(["id", "name", "cap", "amount", "kind", "recipient", "source"])
    return _replace_value(text, rng, field, f'"{long_text(rng)}"')


def control_characters(rng: random.Random, text: str) -> str:
    choice = rng.randrange(5)
    if choice == 0:  # a funder key (everywhere it is used)
        key = control_text(rng)
        return text.replace("[funders.VenJ]", f'[funders."{key}"]').replace(
            "VenJ = ", f'"{key}" = '
        )
    if choice == 1:
        return _replace_value(text, rng, "name", f'"{control_text(rng, "A name")}"')
    if choice == 2:
        return _replace_value(text, rng, "id", f'"{control_text(rng, "an-id")}"')
    if choice == 3:
        return text.replace("[recipients.SIN]", f'[recipients."{control_text(rng, "SIN")}"]')
    return _replace_value(text, rng, "kind", f'"{control_text(rng, "annual")}"')


def amounts_beyond_workbooks(rng: random.Random, text: str) -> str:
    out = text
    for _ in range(rng.randint(1, 3)):
        field = rng.choice(["amount", "cap", "total", "max"])
        out = _replace_value(out, rng, field, huge_amount(rng), add=False)
    if rng.random() < 0.5:
        value = huge_amount(rng)
        out = out.replace('costs = { 2015 = "67600.00"', f"costs = {{ 2015 = {value}")
        out = out.replace('cap = "67600.00"', f"cap = {value}")
    return out


def slow_shapes(rng: random.Random, text: str) -> str:
    choice = rng.randrange(3)
    if choice == 0:  # many funders
        count = rng.choice([50, 300])
        funders = "".join(f'[funders.F{i}]\nname = "Funder {i}"\n' for i in range(count))
        return text.replace("[recipients.SIN]", funders + "[recipients.SIN]", 1)
    if choice == 1:  # a deep dotted key
        depth = rng.choice([100, 1000, 5000])
        return text + "\n[" + ".".join(["a"] * depth) + "]\nb = 1\n"
    return text + "\nx = " + "[" * 500 + "]" * 500 + "\n"  # deep inline nesting


def keys_with_white_space(rng: random.Random, text: str) -> str:
    key = rng.choice([" VenJ", "VenJ ", "\\tVenJ", " ", ""])
    return text.replace("[funders.VenJ]", f'[funders."{key}"]').replace("VenJ = ", f'"{key}" = ')


def damaged_lines(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    i = rng.randrange(len(lines))
    action = rng.randrange(4)
    if action == 0:
        lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
    elif action == 1:
        del lines[i]
    elif action == 2:
        lines.insert(i, lines[i])
    else:
        lines[i] = lines[i] + rng.choice(["]", "[", '"', "=", "}", "{", "\\"])
    return "\n".join(lines) + "\n"


CLASSES: dict[str, Mutation] = {
    "numbers beyond limits": numbers_beyond_limits,
    "wrong shapes": wrong_shapes,
    "files that are not regular": files_not_regular,
    "values that quote too much": quotes_too_much,
    "control characters": control_characters,
    "amounts beyond workbooks": amounts_beyond_workbooks,
    "slow shapes": slow_shapes,
    "keys with white space": keys_with_white_space,
    "damaged lines": damaged_lines,
}


@dataclass(frozen=True)
class Hostile:
    text: str
    classes: tuple[str, ...]


def hostile_file(rng: random.Random) -> Hostile:
    text = LETTER if rng.random() < 0.6 else UNCERTAIN
    names = rng.sample(sorted(CLASSES), rng.choice([1, 1, 1, 2, 3]))
    for name in names:
        text = CLASSES[name](rng, text)
    return Hostile(text, tuple(names))


def prepare_folder(folder: Path) -> None:
    """The files a generated scenario may refer to: the letter (extends, compare), a FIFO,
    a large CSV."""
    import os

    (folder / "letter-2014.toml").write_text(LETTER, encoding="utf-8")
    fifo = folder / "fifo.toml"
    if not fifo.exists():
        os.mkfifo(fifo)
    (folder / "huge.csv").write_text("date,commitment,funder,amount\n" * 1000, encoding="utf-8")


@dataclass(frozen=True)
class Finding:
    command: str
    detail: str


def internal_error(result) -> str | None:  # type: ignore[no-untyped-def]
    printed = (result.stdout or "") + (result.stderr or "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{type(result.exception).__name__}: {str(result.exception)[:300]}"
    if result.exit_code == 70 or "internal error" in printed or "Traceback" in printed:
        return printed[-300:]
    return None


def run_commands(folder: Path, path: Path) -> list[Finding]:
    """Run `path` through validate, run, run -o, simulate -o and compare; return the
    internal errors found."""
    runner = CliRunner()
    findings = []
    validated = runner.invoke(cli, ["validate", str(path)])
    commands = [["validate", str(path)], ["run", str(path), "--format", "csv"]]
    if validated.exit_code == 0:
        out = str(folder / "out.xlsx")
        commands += [
            ["run", str(path), "-o", out],
            ["simulate", str(path), "--draws", "8", "--seed", "1", "--format", "csv"],
            ["simulate", str(path), "--draws", "4", "--seed", "2", "-o", out],
            ["compare", str(folder / "letter-2014.toml"), str(path), "--format", "csv"],
            ["compare", str(folder / "letter-2014.toml"), str(path), "-o", out],
        ]
    for args in commands:
        result = validated if args[0] == "validate" else runner.invoke(cli, args)
        problem = internal_error(result)
        if problem:
            findings.append(
                Finding(
                    " ".join(args).replace(str(path), "FILE").replace(str(folder), "DIR"),
                    problem,
                )
            )
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    if leftovers:
        findings.append(Finding("(any)", f"temporary files left: {leftovers}"))
    return findings
