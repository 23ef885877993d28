"""Generated hostile files of every class of issue 13 never end in an internal error, in
any command: validate, run, run -o, simulate (-o) and compare (-o). The long run of the
same generator (10,000 files and more) is benchmarks/fuzz_inputs.py."""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from budget.cli import cli
from tests.fuzz_files import (
    CLASSES,
    SCENARIOS,
    hostile_file,
    internal_error,
    prepare_folder,
    run_commands,
)

FILES = 160


# A quarter of the files in the default run; all of them with `pytest -m slow`.
@pytest.mark.parametrize(
    "seed", [0, *(pytest.param(seed, marks=pytest.mark.slow) for seed in (1, 2, 3))]
)
def test_generated_hostile_files_give_no_internal_error(tmp_path, seed):
    prepare_folder(tmp_path)
    rng = random.Random(seed)
    found = []
    classes: set[str] = set()
    for _ in range(FILES // 4):
        hostile = hostile_file(rng)
        classes.update(hostile.classes)
        path = tmp_path / "scenario.toml"
        path.write_text(hostile.text, encoding="utf-8")
        found += [(hostile.classes, f) for f in run_commands(tmp_path, path)]
    assert found == []
    assert len(classes) >= len(CLASSES) - 2  # nearly every class in each quarter


def test_the_generator_makes_every_class_and_is_seeded():
    rng = random.Random(7)
    made = [hostile_file(rng) for _ in range(200)]
    assert {c for h in made for c in h.classes} == set(CLASSES)
    again = random.Random(7)
    assert [hostile_file(again).text for _ in range(200)] == [h.text for h in made]


LETTER = (SCENARIOS / "letter-2014.toml").read_text(encoding="utf-8")
UNCERTAIN = (SCENARIOS / "letter-2014-uncertain.toml").read_text(encoding="utf-8")


def no_internal_error(folder, text, *commands):
    prepare_folder(folder)
    path = folder / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    results = []
    for args in commands:
        result = CliRunner().invoke(cli, [a.replace("FILE", str(path)) for a in args])
        assert internal_error(result) is None, (args, result.output)
        results.append(result)
    return results


def test_a_ceiling_at_the_int64_edge_in_simulate(tmp_path):
    # Found by the long fuzz run: the ceiling went through a float column (TypeError).
    text = UNCERTAIN.replace('max = "33800"', 'max = "92233720368547758.07"')
    [csv] = no_internal_error(
        tmp_path, text, ["simulate", "FILE", "--draws", "8", "--seed", "1", "--format", "csv"]
    )
    assert csv.exit_code == 0 and ",9223372036854775807," in csv.stdout


def test_an_indicator_base_of_hundreds_of_digits_in_a_workbook(tmp_path):
    # Found by the long fuzz run: a column's width went through float (OverflowError).
    for digits in (400, 5000):
        text = LETTER.replace("base = 475", "base = " + "9" * digits)
        no_internal_error(tmp_path, text, ["run", "FILE", "-o", str(tmp_path / "o.xlsx")])


def test_an_actuals_file_name_with_a_nul(tmp_path):
    # Found by the long fuzz run: resolving the name raised ValueError.
    text = LETTER.replace("[scenario]\n", '[scenario]\nactuals = "a\\u0000.csv"\n', 1)
    [result] = no_internal_error(tmp_path, text, ["validate", "FILE"])
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1


def test_an_indicator_base_of_thousands_of_digits_is_refused(tmp_path):
    # Found by the long fuzz run: the workbook writer's own refusal could not print the
    # number. The loader now refuses it first, naming the field.
    text = LETTER.replace("base = 475", 'base = "' + "9" * 5000 + '"')
    [result] = no_internal_error(tmp_path, text, ["run", "FILE", "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 1
    assert "field 'base'" in result.stderr and "is too large" in result.stderr


def test_an_extends_name_too_long_for_the_file_system(tmp_path):
    text = LETTER.replace("[scenario]\n", '[scenario]\nextends = "' + "x" * 300 + '.toml"\n', 1)
    [result] = no_internal_error(tmp_path, text, ["validate", "FILE"])
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
