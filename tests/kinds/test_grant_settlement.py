"""A grant's settlement (issue 18, item 4): `settled = { year, amount }`.

In the settlement year: a release of amount - total on the commitment basis, a final
payment of what remains to pay up to the amount (replacing the planned payments from that
year on) and, where more was paid, a recovery on the receipts basis; split over the funders
by the cumulative rule, so that each funder ends at exactly its share of the amount.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import project
from budget.core.money import allocate, share_weights
from tests.helpers import SCENARIOS, invoke, load_text, settled_bz, write_file


def amounts(tmp_path, settled: str, funders: str = '{ BZ = "1" }'):
    scenario, problems = load_text(tmp_path, settled_bz(funders, settled))
    assert scenario is not None, problems
    rows = project(scenario)
    out: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for r in rows.itertuples(index=False):
        out[(r.funder, r.basis)][int(r.year)] = int(r.amount_cents)
    return out


def test_settled_below_the_total_but_above_the_advance_pays_the_rest_and_releases(tmp_path):
    # 80% advance: 1,600,000.00 paid in 2014. Settled at 1,900,000.00 in 2016: BZ pays
    # 1,900,000.00 - 1,600,000.00 = 300,000.00 and releases 100,000.00.
    got = amounts(tmp_path, 'settled = { year = 2016, amount = "1900000.00" }')
    assert got[("BZ", "cash")] == {2014: 1_600_000_00, 2015: 0, 2016: 300_000_00}
    assert got[("BZ", "commitment")] == {2014: 2_000_000_00, 2015: 0, 2016: -100_000_00}
    assert got[("BZ", "receipts")] == {2016: 0}


def test_settled_below_the_advance_recovers_the_difference_as_receipts(tmp_path):
    # Settled at 1,500,000.00: nothing more to pay, 100,000.00 recovered, 500,000.00
    # released; outstanding at the end of 2016: 2,000,000 - 500,000 - 1,600,000 + 100,000 = 0.
    got = amounts(tmp_path, 'settled = { year = 2016, amount = "1500000.00" }')
    assert got[("BZ", "cash")] == {2014: 1_600_000_00, 2015: 0, 2016: 0}
    assert got[("BZ", "commitment")] == {2014: 2_000_000_00, 2015: 0, 2016: -500_000_00}
    assert got[("BZ", "receipts")] == {2016: 100_000_00}


def test_the_ledger_ends_2016_at_zero_outstanding_in_both_cases(tmp_path):
    for amount in ("1900000.00", "1500000.00"):
        path = write_file(
            tmp_path,
            settled_bz('{ BZ = "1" }', f'settled = {{ year = 2016, amount = "{amount}" }}'),
        )
        result = invoke("run", str(path))
        assert result.exit_code == 0, result.output
        ledger = result.stdout.split("commitments and cash per funder")[1]
        line = next(x for x in ledger.splitlines() if x.startswith("BZ      2016"))
        assert line.split()[-2] == "-", line  # closing: nothing outstanding


def test_two_funders_at_a_third_and_two_thirds(tmp_path):
    # Worked by hand, cumulative largest remainder (ties to the funder listed first):
    # 2014 advance 1,600,000.00: VWS 1/3 = 533,333.333.. -> 533,333.33 and BZ 2/3 =
    # 1,066,666.666.. -> 1,066,666.67. Committed 2,000,000.00: 666,666.67 / 1,333,333.33.
    funders = '{ VWS = "1/3", BZ = "2/3" }'
    above = amounts(tmp_path, 'settled = { year = 2016, amount = "1900000.00" }', funders)
    # Settled at 1,900,000.00: VWS ends at 633,333.33, BZ at 1,266,666.67.
    assert above[("VWS", "cash")] == {2014: 533_333_33, 2015: 0, 2016: 100_000_00}
    assert above[("BZ", "cash")] == {2014: 1_066_666_67, 2015: 0, 2016: 200_000_00}
    assert above[("VWS", "commitment")] == {2014: 666_666_67, 2015: 0, 2016: -33_333_34}
    assert above[("BZ", "commitment")] == {2014: 1_333_333_33, 2015: 0, 2016: -66_666_66}
    assert above[("VWS", "receipts")] == {2016: 0} and above[("BZ", "receipts")] == {2016: 0}
    below = amounts(tmp_path, 'settled = { year = 2016, amount = "1500000.00" }', funders)
    # Settled at 1,500,000.00: VWS 500,000.00, BZ 1,000,000.00; each recovers the rest.
    assert below[("VWS", "cash")] == {2014: 533_333_33, 2015: 0, 2016: 0}
    assert below[("VWS", "receipts")] == {2016: 33_333_33}
    assert below[("BZ", "receipts")] == {2016: 66_666_67}
    assert below[("VWS", "commitment")] == {2014: 666_666_67, 2015: 0, 2016: -166_666_67}
    assert below[("BZ", "commitment")] == {2014: 1_333_333_33, 2015: 0, 2016: -333_333_33}


def reference_shares(amount: int, shares: list[Fraction]) -> list[int]:
    """Each funder's share of the settled amount: largest remainder, ties to the first."""
    return allocate(amount, share_weights(shares))


SHARES = st.sampled_from(
    [
        ('{ A = "1" }', [Fraction(1)]),
        ('{ A = "1/3", B = "2/3" }', [Fraction(1, 3), Fraction(2, 3)]),
        ('{ A = "1/2", B = "1/2" }', [Fraction(1, 2), Fraction(1, 2)]),
        ('{ A = "1/7", B = "2/7", C = "4/7" }', [Fraction(1, 7), Fraction(2, 7), Fraction(4, 7)]),
    ]
)


@settings(max_examples=40, deadline=None)
@given(
    total=st.integers(1, 10**10),
    part=st.fractions(0, 1),
    year=st.integers(2014, 2018),
    advance=st.sampled_from([None, "0.8", "0.5", "1"]),
    shares=SHARES,
)
def test_each_funder_ends_at_exactly_its_share_of_the_settled_amount(
    tmp_path_factory, total, part, year, advance, shares
):
    amount = int(total * part)
    funders, fractions = shares
    names = [f.split("=")[0].strip(" {") for f in funders.strip("{} ").split(",")]
    text = f"""
[scenario]
name = "S"
first_year = 2014
last_year = 2018
{"".join(f"[funders.{n}]" + chr(10) for n in names)}[recipients.R]
[[commitments]]
id = "g"
kind = "grant"
recipient = "R"
funders = {funders}
total = "{total // 100}.{total % 100:02d}"
start = 2014-04-01
end = 2016-07-01
{f'advance = "{advance}"' if advance else ""}
settled = {{ year = {year}, amount = "{amount // 100}.{amount % 100:02d}" }}
"""
    folder = tmp_path_factory.mktemp("settled")
    scenario, problems = load_text(folder, text)
    assert scenario is not None, problems
    rows = project(scenario)
    net: dict[str, int] = defaultdict(int)
    committed: dict[str, int] = defaultdict(int)
    for r in rows.itertuples(index=False):
        if r.basis == "cash":
            net[r.funder] += int(r.amount_cents)
        elif r.basis == "receipts":
            net[r.funder] -= int(r.amount_cents)
            assert int(r.year) == year
            assert int(r.amount_cents) >= -1  # a cent at most, where largest remainder turns
        else:
            committed[r.funder] += int(r.amount_cents)
    expected = dict(zip(names, reference_shares(amount, fractions), strict=True))
    # payments less recoveries, and obligations after the release: each funder's share
    assert dict(net) == expected
    assert dict(committed) == expected
    # nothing is paid after the settlement year
    cash = rows[(rows["basis"] == "cash") & (rows["year"] > year)]
    assert (cash["amount_cents"] == 0).all()


def test_settled_on_a_kind_that_is_not_a_grant_is_refused(tmp_path):
    text = """
[scenario]
name = "S"
first_year = 2025
last_year = 2026
[funders.VWS]
[recipients.R]
[[commitments]]
id = "subsidy"
kind = "annual"
recipient = "R"
funders = { VWS = "1" }
first_year = 2025
last_year = 2026
amount = "100.00"
settled = { year = 2026, amount = "50.00" }
"""
    scenario, problems = load_text(tmp_path, text)
    assert scenario is None
    assert len(problems) == 1 and "settled" in problems[0] and "subsidy" in problems[0]


def bad(tmp_path, settled: str) -> list[str]:
    scenario, problems = load_text(tmp_path, settled_bz('{ BZ = "1" }', settled))
    assert scenario is None
    return problems


def test_a_settlement_above_the_total_is_refused(tmp_path):
    (problem,) = bad(tmp_path, 'settled = { year = 2016, amount = "2000000.01" }')
    assert "field 'settled'" in problem and "'bz'" in problem
    assert "amount 2,000,000.01 is above the grant's total 2,000,000.00" in problem
    assert "hint:" in problem


def test_a_settlement_before_the_first_year_is_refused(tmp_path):
    (problem,) = bad(tmp_path, 'settled = { year = 2013, amount = "1000.00" }')
    assert "'bz'" in problem and "settled" in problem
    assert "the settlement year 2013 is before the grant's first fiscal year 2014" in problem


def test_a_settlement_without_its_year_is_refused(tmp_path):
    (problem,) = bad(tmp_path, 'settled = { amount = "1000.00" }')
    assert "needs exactly year and amount" in problem and "hint:" in problem


def test_compare_and_limits_know_the_receipts_basis(tmp_path):
    settled = write_file(
        tmp_path,
        f'[scenario]\nextends = "{(SCENARIOS / "bz-advance-80.toml").as_posix()}"\n'
        'name = "BZ settled"\n'
        '[[limits]]\nfunder = "BZ"\nbasis = "receipts"\nmax = "50000.00"\n'
        '[[commitments]]\nid = "bz-tdh-ecpat"\n'
        'settled = { year = 2016, amount = "1500000.00" }\n',
    )
    result = invoke("compare", str(SCENARIOS / "bz-advance-80.toml"), str(settled))
    assert result.exit_code == 0, result.output
    section = result.stdout.split("Comparison, receipts basis: money received back (EUR)")[1]
    assert section.splitlines()[3].split() == ["BZ", "2016", "-", "100,000.00", "+100,000.00"]
    result = invoke("run", str(settled))
    # the recovery of 100,000.00 is above the ceiling of 50,000.00
    assert (
        "limit on BZ, receipts basis, 2016: 100,000.00 is above the ceiling 50,000.00 "
        "(by 50,000.00)" in result.stderr
    )
