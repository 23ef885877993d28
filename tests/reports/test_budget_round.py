"""budget round: the 2015 round of the letter (issue 22, item 5), the exactness of the
mutations' effects, cash shifts, and the bad input of versions and mutations."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.core.lines import CashShift
from budget.core.money import allocate, share_weights
from budget.engine.cash_shifts import shift_cash
from budget.engine.projection import project
from budget.load import load_scenario
from tests.helpers import SCENARIOS, invoke, letter, without_pending_note, write_file

DRAFT = SCENARIOS / "round-2015-draft.toml"
ADOPTED = SCENARIOS / "round-2015-adopted.toml"
SUPPLEMENTARY = SCENARIOS / "round-2015-1st-supplementary.toml"
ROUND = [DRAFT, ADOPTED, SUPPLEMENTARY]


def _rows():
    result = invoke("round", *ROUND, "--year", "2015", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _table_line(text: str, chapter: str, label: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(chapter + " "))
    return next(line for line in lines[start:] if line.startswith(label)).split()[1:]


def test_the_worked_example_of_the_first_supplementary_budget_2015():
    result = invoke("round", *ROUND, "--year", "2015")
    assert result.exit_code == 0, result.output
    # (1) draft, (2) amendments, (3) adopted, (4) mutations, (5) supplementary, 2016 .. 2019
    assert _table_line(result.stdout, "VI", "Uitgaven") == [
        "134", "0", "134", "-35", "99", "5", "0", "0", "0"
    ]  # fmt: skip
    assert _table_line(result.stdout, "VI", "Verplichtingen") == [
        "134", "0", "134", "-15", "119", "-15", "0", "0", "0"
    ]  # fmt: skip
    assert "eu-sin (policy): EU subsidy to SIN awarded" in result.stdout
    assert "mki-cash-shift (technical, cash shift)" in result.stdout
    assert "Uitgaven: 2015: -20,000.00, 2016: 20,000.00" in result.stdout


def test_the_worked_example_in_cents():
    rows = _rows()
    venj = defaultdict(int)
    for r in rows:
        if r["chapter"] == "VI":
            venj[(r["stage"], r["mutation"], r["vuo"], r["year"])] += r["amount_cents"]
    assert venj[("draft", None, "U", 2015)] == 13_380_000
    assert venj[("supplementary", None, "U", 2015)] == 9_880_000
    assert venj[("supplementary", "eu-sin", "U", 2015)] == -1_500_000
    assert venj[("supplementary", "mki-cash-shift", "U", 2015)] == -2_000_000
    assert venj[("supplementary", "mki-cash-shift", "U", 2016)] == 2_000_000
    assert venj[("supplementary", "mki-cash-shift", "V", 2015)] == 0
    assert venj[("supplementary", None, "V", 2015)] == 11_880_000


def test_mki_owes_the_shifted_cash_at_the_end_of_2015():
    scenario = load_scenario(SUPPLEMENTARY)
    rows, problems = shift_cash(project(scenario), scenario)
    assert problems == []
    mki = rows[(rows["commitment"] == "mki-support") & (rows["year"] <= 2015)]
    by_basis = mki.groupby("basis")["amount_cents"].sum()
    assert by_basis["commitment"] - by_basis["cash"] == 2_000_000  # 20,000.00


def test_the_effects_add_up_to_the_difference_of_the_versions_exactly():
    stands: dict[tuple, int] = {}
    effects: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    order = {"draft": 0, "adopted": 1, "supplementary": 2}
    for r in _rows():
        key = (r["funder"], r["article"], r["vuo"], r["year"])
        i = order[r["stage"]]
        if r["mutation"] is None:  # JSON: null where a row is no mutation
            stands[(i, *key)] = (r["amount_cents"], r["amount_thousands"])
        else:
            found = effects[(i, *key)]
            found[0] += r["amount_cents"]
            found[1] += r["amount_thousands"]
    for (i, *key), (cents, shown) in effects.items():
        before, after = stands[(i - 1, *key)], stands[(i, *key)]
        assert cents == after[0] - before[0]
        assert shown == after[1] - before[1]


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["mki-support", "sin-top-up", "bz-tdh-ecpat"]),
    st.integers(2014, 2017),
    st.integers(2013, 2019),
    st.integers(1, 10**7),
)
def test_a_cash_shift_leaves_the_commitment_basis_and_the_cash_total(cid, first, to, amount):
    scenario = letter()
    rows = project(scenario)
    commitment = scenario.commitment(cid)
    parts = allocate(amount, share_weights([s for _, s in commitment.funders]))
    cash = rows[(rows["commitment"] == cid) & (rows["basis"] == "cash") & (rows["year"] == first)]
    planned = cash.groupby("funder", observed=True)["amount_cents"].sum()
    too_much = any(
        p > planned.get(f, 0) for (f, _), p in zip(commitment.funders, parts, strict=True)
    )
    shift = CashShift(cid, first, to if to != first else first + 1, amount, "m", "x.toml")
    shifted, problems = shift_cash(rows, scenario, (shift,))
    assert bool(problems) == too_much
    before = rows.groupby(["basis", "year"], observed=True)["amount_cents"].sum()
    after = shifted.groupby(["basis", "year"])["amount_cents"].sum()
    assert before["commitment"].to_dict() == after["commitment"].to_dict()
    assert before["cash"].sum() == after["cash"].sum()
    assert (shifted["amount_cents"] >= 0).all()
    if not problems:
        moved = after["cash"].get(shift.to_year, 0) - before["cash"].get(shift.to_year, 0)
        assert moved == amount


BASE = f'[scenario]\nextends = "{SUPPLEMENTARY}"\n'
BAD = {
    "shift-too-large": (
        BASE + '[[cash_shifts]]\ncommitment = "mki-support"\nfrom = 2015\nto = 2016\n'
        'amount = "90000.00"\n',
        "which plans only 80,000.00",
    ),
    "names-nothing": (
        BASE + '[[mutations]]\nid = "m"\nreason = "r"\ntype = "policy"\n',
        "mutation 'm', field 'changes': names nothing that the file changes",
    ),
    "not-owned": (
        BASE
        + '[[mutations]]\nid = "m"\nreason = "r"\ntype = "policy"\nchanges = ["VenJ"]\n'
        + '[[commitments]]\nid = "mki-support"\namount = "90000.00"\n',
        "commitment 'mki-support': is changed by this file, but no mutation owns the change",
    ),
    "unknown-stage": (BASE + 'stage = "suppletoir"\n', "'suppletoir' is not allowed"),
    "unknown-type": (
        BASE + '[[mutations]]\nid = "m"\nreason = "r"\ntype = "beleid"\nchanges = ["x"]\n',
        "field 'type': 'beleid' is not allowed (hint: use one of policy, technical)",
    ),
    "out-of-order": (
        BASE
        + '[[mutations]]\nid = "m1"\nreason = "r"\ntype = "policy"\nchanges = ["c"]\n'
        + '[[mutations]]\nid = "m2"\nreason = "r"\ntype = "policy"\nchanges = ["NEW"]\n'
        + '[recipients.NEW]\nname = "New"\n'
        + '[[commitments]]\nid = "c"\nkind = "annual"\nrecipient = "NEW"\n'
        + 'funders = { VenJ = "1" }\nfirst_year = 2015\nlast_year = 2015\namount = "1"\n',
        "mutation 'm1': cannot be applied before the mutations after it",
    ),
    "no-reason": (
        BASE + '[[mutations]]\nid = "m"\ntype = "policy"\n',
        "mutation 'm', field 'reason': is missing (hint: say why",
    ),
    "empty-reason": (
        BASE + '[[mutations]]\nid = "m"\nreason = ""\ntype = "policy"\nchanges = ["x"]\n',
        "mutation 'm', field 'reason': is empty (hint: say why",
    ),
    "no-id": (
        BASE + '[[mutations]]\nreason = "r"\ntype = "policy"\nchanges = ["x"]\n',
        "mutation '#1', field 'id': is missing (hint: name the mutation",
    ),
    "shift-without-commitment": (
        BASE + '[[cash_shifts]]\nfrom = 2015\nto = 2016\namount = "1.00"\n',
        "field 'commitment': is missing (hint: the id of the commitment whose cash moves)",
    ),
    "shift-without-mutation": (
        BASE
        + '[[mutations]]\nid = "m"\nreason = "r"\ntype = "technical"\n'
        + '[[cash_shifts]]\ncommitment = "mki-support"\nfrom = 2015\nto = 2016\n'
        + 'amount = "1.00"\n',
        "field 'mutation': is missing (hint: the id of the [[mutations]] entry that owns",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_versions_exit_1_with_file_key_and_hint(tmp_path, name):
    text, message = BAD[name]
    path = write_file(tmp_path, text)
    result = invoke("round", SUPPLEMENTARY, path)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    for line in result.stderr.splitlines():  # each problem: file, key, what, hint
        assert line.startswith(f"{path}: ") and "(hint: " in line, line


def test_a_version_that_does_not_extend_the_one_before_is_refused():
    result = invoke("round", DRAFT, SUPPLEMENTARY)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{SUPPLEMENTARY}: [scenario] field 'extends': does not extend {DRAFT}, the version "
        'before it (hint: write extends = "round-2015-draft.toml")\n'
    )


def test_all_shows_each_mutation_on_its_own_row():
    result = invoke("round", *ROUND, "--year", "2015", "--all")
    lines = result.stdout.splitlines()
    start = lines.index("VI Ministry of Security and Justice (VenJ), article 33")
    block = [line.split() for line in lines[start : start + 10]]
    assert ["eu-sin", "-15", "-15", "0", "0", "0"] in block
    assert ["mki-cash-shift", "-20", "20", "0", "0", "0"] in block
    assert not any(b[:2] == ["other", "mutations"] for b in block)


def test_the_staffel_thresholds():
    from budget.core.lines import MutationType
    from budget.reports.budget_round import MILLION, threshold

    assert threshold(49 * MILLION, MutationType.POLICY) == 1 * MILLION
    assert threshold(50 * MILLION, MutationType.TECHNICAL) == 4 * MILLION
    assert threshold(999 * MILLION, MutationType.POLICY) == 5 * MILLION
    assert threshold(1000 * MILLION, MutationType.TECHNICAL) == 20 * MILLION


def test_run_applies_the_cash_shifts_without_a_note_on_stderr():
    result = invoke("run", SUPPLEMENTARY)
    assert result.exit_code == 0
    assert without_pending_note(result.stderr) == ""
    assert "mki-support: 20,000.00 from 2015 to 2016" in result.stdout
