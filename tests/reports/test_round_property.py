"""A hypothesis property of `budget round` (issue 22): whatever a version changes, split
over however many mutations in whatever order, the mutations' effects add up to the
difference between the versions exactly, in cents and in printed thousands, per funder,
article, V/U/O and year."""

from __future__ import annotations

import json
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import SCENARIOS, invoke

DRAFT = SCENARIOS / "round-2015-draft.toml"
# The letter's MKI support is 100,000.00 a year, 2014-2017, all VenJ's.
MKI_AMOUNT = 10_000_000

cents = st.integers(1, 50_000_000)


@st.composite
def versions(draw):
    """The text of a supplementary version of the draft: some changes, each owned by one of
    k mutations (every mutation owning at least one), and the list of mutations."""
    changes = []  # (owner's index, TOML text, the commitment id it changes or "")
    count = draw(st.integers(1, 3))
    if draw(st.booleans()):
        amount = draw(cents)
        changes.append(
            (draw(st.integers(0, count - 1)),
             f'[[commitments]]\nid = "mki-support"\namount = "{amount / 100:.2f}"\n',
             "mki-support")
        )  # fmt: skip
    else:
        amount = MKI_AMOUNT
    if draw(st.booleans()):
        total = draw(cents)
        changes.append(
            (draw(st.integers(0, count - 1)),
             f'[[commitments]]\nid = "bz-tdh-ecpat"\ntotal = "{total / 100:.2f}"\n',
             "bz-tdh-ecpat")
        )  # fmt: skip
    if draw(st.booleans()):
        yearly = draw(cents)
        changes.append(
            (draw(st.integers(0, count - 1)),
             '[[commitments]]\nid = "new-grant"\nkind = "annual"\nrecipient = "SIN"\n'
             'funders = { VenJ = "1/3", VWS = "2/3" }\nfirst_year = 2015\nlast_year = 2017\n'
             f'amount = "{yearly / 100:.2f}"\narticle = "{draw(st.sampled_from(["33", "34"]))}"\n',
             "new-grant")
        )  # fmt: skip
    shift = ""
    shift_owner = None
    if draw(st.booleans()):
        first, to = draw(st.sampled_from([(2014, 2015), (2015, 2016), (2016, 2014), (2017, 2019)]))
        moved = draw(st.integers(1, min(amount, MKI_AMOUNT)))
        shift_owner = draw(st.integers(0, count - 1))
        shift = (
            f'[[cash_shifts]]\ncommitment = "mki-support"\nfrom = {first}\nto = {to}\n'
            f'amount = "{moved / 100:.2f}"\nmutation = "m{shift_owner}"\n'
        )
    owners = {i for i, _, _ in changes} | ({shift_owner} if shift_owner is not None else set())
    mutations = []
    for i in range(count):
        if i not in owners:
            continue
        owned = [cid for j, _, cid in changes if j == i]
        kind = draw(st.sampled_from(["policy", "technical"]))
        mutations.append(
            f'[[mutations]]\nid = "m{i}"\nreason = "change {i}"\ntype = "{kind}"\n'
            + (f"changes = {json.dumps(owned)}\n" if owned else "")
        )
    if not owners:
        return None
    head = f'[scenario]\nextends = "{DRAFT.as_posix()}"\nstage = "supplementary"\n'
    return head + "".join(mutations) + shift + "".join(text for _, text, _ in changes)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(versions())
def test_the_effects_add_up_to_the_difference_of_the_versions(tmp_path, text):
    if text is None:
        return
    path = tmp_path / "v1.toml"
    path.write_text(text, encoding="utf-8")
    result = invoke("round", DRAFT, path, "--year", "2015", "--format", "json")
    assert result.exit_code == 0, result.output + text
    rows = json.loads(result.stdout)
    stands: dict[tuple, tuple[int, int]] = {}
    effects: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        key = (r["funder"], r["article"], r["vuo"], r["year"])
        if not r["mutation"]:  # null on a stand (the JSON convention)
            stands[(r["stage"], *key)] = (r["amount_cents"], r["amount_thousands"])
        else:
            found = effects[key]
            found[0] += r["amount_cents"]
            found[1] += r["amount_thousands"]
    keys = {k[1:] for k in stands}
    assert keys
    for key in keys:
        before = stands.get(("draft", *key), (0, 0))
        after = stands.get(("supplementary", *key), (0, 0))
        assert tuple(effects.get(key, (0, 0))) == (after[0] - before[0], after[1] - before[1])
