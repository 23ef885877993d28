"""Generated hostile files of every class of issue 13 never end in an internal error, in
any command: validate, run, run -o, simulate (-o) and compare (-o). The long run of the
same generator (10,000 files and more) is benchmarks/fuzz_inputs.py."""

from __future__ import annotations

import random

import pytest

from tests.fuzz_files import CLASSES, hostile_file, prepare_folder, run_commands

FILES = 160


@pytest.mark.parametrize("seed", range(4))
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
