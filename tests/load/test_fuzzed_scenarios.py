"""Generated bad scenario files never crash the program: exit 0 or 1, never a traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.load import read_scenario
from tests.helpers import LETTER as LETTER_FILE

LETTER = LETTER_FILE.read_text(encoding="utf-8")
LINES = LETTER.splitlines()
VALUE_LINES = [i for i, line in enumerate(LINES) if " = " in line and not line.startswith("#")]

TOKENS = st.sampled_from(
    [
        "1.5",
        '"abc"',
        "[1, 2]",
        '{ dist = "uniform" }',
        "2014-04-01",
        '"-5"',
        "true",
        '"1/0"',
        '{ 2015 = "x" }',
        "99999999999999999999",
        '"99999999999999999999"',
        "-3",
        '""',
        "0",
        '{ dist = "normal", mean = "5", sd = "-1" }',
        '{ dist = "choice", values = [] }',
        '{ VenJ = "2" }',
        '{ Nobody = "1" }',
        '"months"',
        '{ 2014 = "1", 2015 = 2.5 }',
        "1979-05-27T07:32:00Z",
        '"2015-13-01"',
        '{ 1 = "1" }',
        '["amount", 3]',
        "nan",
        "inf",
        '"0.333333333333"',
        "{ a = { b = { c = 1 } } }",
        '"\\u0000"',
        '"=HYPERLINK(1)"',
        "9" * 5000,  # more digits than Python converts
        "9" * 1000,
        '"' + "1" * 5000 + '"',
        '"' + "x" * 20_000 + '"',
        "1e400",
    ]
)


@st.composite
def mutated(draw):
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.sampled_from(VALUE_LINES))
        action = draw(st.sampled_from(["replace", "delete", "duplicate", "garble"]))
        key = lines[i].split(" = ", 1)[0]
        if action == "replace":
            lines[i] = f"{key} = {draw(TOKENS)}"
        elif action == "delete":
            lines[i] = ""
        elif action == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_give_problems_not_crashes(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_text(text, encoding="utf-8")
    scenario, problems = read_scenario(path)
    assert (scenario is None) == bool(problems)
    for problem in problems:
        assert str(problem).startswith(f"{path}: ")
    if scenario is not None:
        import budget

        rows = budget.project(scenario)
        assert (rows["amount_cents"] >= 0).all()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_cleanly(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "s.toml"
    path.write_bytes(data)
    scenario, problems = read_scenario(path)
    assert scenario is None and problems
