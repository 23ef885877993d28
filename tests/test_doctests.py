"""The examples in the package's docstrings run and show what they say.

The package is found by import, not by path, so these are the examples of the budget that
the tests run against: the checkout's, or an installed wheel's.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import budget

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def modules_with_examples() -> list[str]:
    names = ["budget"] + [
        m.name
        for m in pkgutil.walk_packages(budget.__path__, "budget.")
        if not m.name.endswith("__main__")  # importing it would run the command line
    ]
    finder = doctest.DocTestFinder()
    return [n for n in names if any(t.examples for t in finder.find(importlib.import_module(n)))]


@pytest.mark.parametrize("name", modules_with_examples())
def test_the_examples_in_the_docstrings_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=FLAGS, report=True)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} example(s) in {name} failed (see the output)"
