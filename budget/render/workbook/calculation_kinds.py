"""The Calculation sheet's lines for each commitment kind: the working of `budget explain`
as formulas. Each function writes a commitment's lines after its span-wide inputs (refs:
their references by input name) and returns its cash line and its commitment line.
"""

from __future__ import annotations

import math
from fractions import Fraction

from budget.render.workbook import styles
from budget.render.workbook.calculation_divide import HELPER, across_years
from budget.render.workbook.calculation_lines import (
    AMOUNT,
    COUNT,
    GROUP,
    RATE,
    SHARE,
    VALUE_COLUMN,
    Lines,
    cell,
    cell_value,
    input_look,
    step_cents,
    steps_by_year,
)
from budget.render.workbook.calculation_split import TOLERANCE
from budget.render.workbook.sheet import Formula, Value
from budget.reports.explain import Explanation, Quantity

ADVANCE_DECIMALS = 10_000  # a share typed with up to four decimals stays a whole weight
ADVANCE_LARGEST = 10**6  # D at most: 2 x r x W < 2 x D^2 stays exact in a float


def top_up_lines(w: Lines, e: Explanation, refs: dict[str, str]) -> tuple[int, int]:
    """Shortfall (given, or costs - income - what those ranked before pay), then
    MIN(cap, MAX(0, shortfall)), then what the total cap had left."""
    years = [y.year for y in e.years]
    shortfall = w.year_inputs(e, "shortfall")
    if shortfall is None:
        costs, income = w.year_inputs(e, "costs"), w.year_inputs(e, "income")
        assert costs is not None and income is not None
        paid_rows = []
        first_steps = e.years[0].steps
        for cid in [s.name.split(":", 1)[1] for s in first_steps if s.name.startswith("paid_by:")]:
            row = w.line(f"paid to {e.recipient} by {cid} (ranked before)", note=f"{cid}'s cash")
            for year, cents in step_cents(e, f"paid_by:{cid}").items():
                w.payments.append((row, w.column[year], cid, year, cents))
            paid_rows.append(row)
        row = w.line("shortfall", note="costs - income - what those ranked before pay")
        cached = step_cents(e, "shortfall")
        formulas = {}
        for y in years:
            paid = "".join(f"-{w.at(r, y)}" for r in paid_rows)
            formulas[y] = (f"={costs[y]}-{income[y]}{paid}", cached[y])
        w.amounts(row, formulas, styles.MONEY)
        shortfall = {y: w.at(row, y) for y in years}
    cap = w.year_inputs(e, "cap")
    assert cap is not None
    if "indexed_cap" in steps_by_year(e)[years[0]]:  # cap_indexation (issue 23)
        factor = index_lines(w, e, "indexed_cap_factor")
        row = w.line("cap, indexed", note="round(cap x index factor, 2)")
        cached = step_cents(e, "indexed_cap")
        w.amounts(
            row, {y: (f"=ROUND({cap[y]}*{factor[y]},2)", cached[y]) for y in years}, styles.MONEY
        )
        cap = {y: w.at(row, y) for y in years}
    amounts = {y.year: y.cash for y in e.years}
    capped = {y: f"MIN({cap[y]},MAX(0,{shortfall[y]}))" for y in years}
    if "total_cap" not in refs:
        row = w.line("amount", GROUP, note="min(cap, max(0, shortfall))")
        w.amounts(row, {y: (f"={capped[y]}", amounts[y]) for y in years}, AMOUNT)
        return row, row
    capped_row = w.line("after the yearly cap", note="min(cap, max(0, shortfall))")
    capped_cents = step_cents(e, "capped")
    w.amounts(capped_row, {y: (f"={capped[y]}", capped_cents[y]) for y in years}, styles.MONEY)
    left = w.line("what the total cap had left", note="total cap - the amounts of earlier years")
    amount = w.row  # the next line
    left_cents = step_cents(e, "total_cap_left")
    formulas = {}
    for i, y in enumerate(years):
        earlier = f"-SUM({w.span(amount, years[:i])})" if i else ""
        formulas[y] = (f"={refs['total_cap']}{earlier}", left_cents[y])
    w.amounts(left, formulas, styles.MONEY)
    w.line("amount", GROUP, note="min(after the yearly cap, what the total cap had left)")
    w.amounts(
        amount,
        {y: (f"=MIN({w.at(capped_row, y)},{w.at(left, y)})", amounts[y]) for y in years},
        AMOUNT,
    )
    return amount, amount


def annual_lines(w: Lines, e: Explanation, refs: dict[str, str]) -> tuple[int, int]:
    """ROUND(base x (1 + rate)^years since the first, 2): computed from the base each
    year and rounded once."""
    years = [y.year for y in e.years]
    base = w.year_inputs(e, "amount")
    assert base is not None
    if "index_series" in refs:  # indexed by a series (issue 23)
        factor = index_lines(w, e, "factor")
        row = w.line("amount", GROUP, note="round(base x index factor, 2)")
        w.amounts(
            row,
            {y.year: (f"=ROUND({base[y.year]}*{factor[y.year]},2)", y.cash) for y in e.years},
            AMOUNT,
        )
        return row, row
    since = w.line("years since the first year", note="year - first year")
    for y in years:
        w.put(since, y, y - years[0], COUNT)
    row = w.line("amount", GROUP, note="round(base x (1 + rate)^years since the first, 2)")
    rate = refs["indexation"]
    formulas = {
        y.year: (f"=ROUND({base[y.year]}*(1+{rate})^{w.at(since, y.year)},2)", y.cash)
        for y in e.years
    }
    w.amounts(row, formulas, AMOUNT)
    return row, row


def index_lines(w: Lines, e: Explanation, factor_step: str) -> dict[int, str]:
    """The rates of an index series (one input per year of the span, blue: edit them) and
    the cumulative factor since the base year as formulas; the rates of years before the
    span are a constant factor in the first year's formula. Returns the factor's cells
    (written once per commitment and step: a second call hands back the first lines)."""
    done = w.written.get((e.commitment, "index", factor_step))
    if done is not None:
        return done
    years = [y.year for y in e.years]
    steps = steps_by_year(e)
    last = steps[years[-1]]
    rates = {
        int(name.split(":", 1)[1]): step
        for name, step in last.items()
        if name.startswith("index_rate:")
    }
    series = next(iter(rates.values())).label.split(" ")[2] if rates else "the series"
    rate_row = w.line(f"rate of {series}", note=f"[indices.{series}], per year")
    for y in years:
        if y in rates:
            value = rates[y].value.value
            assert isinstance(value, Fraction)
            w.put(rate_row, y, float(value), input_look(RATE, False))
    before = Fraction(1)
    for y, step in rates.items():
        if y < years[0]:
            before *= 1 + Fraction(step.value.value)  # type: ignore[arg-type]
    factor_row = w.line(
        "index factor", note="the product of (1 + rate) since the base year (1 before it)"
    )
    previous = _decimal(before) if before != 1 else ""
    for y in years:
        cached = steps[y][factor_step].value.value
        assert isinstance(cached, Fraction)
        if y in rates:
            expression = (
                f"={previous}*(1+{w.at(rate_row, y)})" if previous else f"=1+{w.at(rate_row, y)}"
            )
        else:
            expression = f"={previous or 1}"
        w.put(factor_row, y, Formula(expression, float(cached)), COUNT)
        previous = w.at(factor_row, y)
    done = w.written[(e.commitment, "index", factor_step)] = {y: w.at(factor_row, y) for y in years}
    return done


def _decimal(value: Fraction) -> str:
    """A terminating decimal as written in a formula (the product of decimal rates)."""
    for digits in range(40):
        scaled = value * 10**digits
        if scaled.denominator == 1:
            whole = str(abs(scaled.numerator)).rjust(digits + 1, "0")
            text = whole[: len(whole) - digits] + (
                "." + whole[len(whole) - digits :] if digits else ""
            )
            return ("-" if value < 0 else "") + text
    return repr(float(value))


def grant_lines(w: Lines, e: Explanation, refs: dict[str, str]) -> tuple[int, int]:
    """The allocation over the period's years (days or month shares, or the schedule);
    the cash (the allocation, or the advance and the settlement); the whole grant
    committed in the year of the decision."""
    method = next(str(i.value.value) for i in e.inputs if i.name == "allocation")
    steps = steps_by_year(e)
    allocated_years = [y for y, found in steps.items() if "allocated" in found]
    if method == "schedule":
        allocated = w.year_inputs(e, "allocation") or {}
        if allocated:
            w.differences.append(_schedule_adds_up(w, refs["total"], allocated))
    else:
        allocated = _allocation(w, e, method, refs["total"], allocated_years)
    if "advance" in refs:
        advance, settlement = _advance(w, e, refs)
        common = {s.name: s.value.value for s in e.steps}
        first, settled = common["first_year"], common["settlement_year"]
        cash = w.line(
            "paid in the year (cash)", GROUP, note="the advance, then the rest at settlement"
        )
        for y in e.years:
            paid = [advance] * (y.year == first) + [settlement] * (y.year == settled)
            value: Value = Formula.money("=" + "+".join(paid), y.cash) if paid else 0
            w.put(cash, y.year, value, AMOUNT)
    else:
        cash = w.line("paid in the year (cash)", GROUP, note="the amount allocated to the year")
        for y in e.years:
            ref = allocated.get(y.year)
            w.put(cash, y.year, Formula.money(f"={ref}", y.cash) if ref else 0, AMOUNT)
    committed = w.line(
        "committed in the year (commitment)",
        GROUP,
        note="the whole grant, in the year of the grant decision",
    )
    # The year of the decision by the input, not by a non-zero amount: a grant of 0.00
    # whose total is edited commits it there too.
    decided = int(str(next(i.value.value for i in e.inputs if i.name == "committed_in")))
    for y in e.years:
        value = Formula.money(f"={refs['total']}", y.commitment) if y.year == decided else 0
        w.put(committed, y.year, value, AMOUNT)
    if "settled" in refs:
        _settled_lines(w, e, refs, cash, committed, decided)
    return cash, committed


def _settled_lines(
    w: Lines, e: Explanation, refs: dict[str, str], cash: int, committed: int, decided: int
) -> None:
    """A settled grant from its settlement year on, as the engine settles it: the final
    payment MAX(0, amount - paid before) replaces the planned cash (nothing after it), the
    release amount - total joins the commitment. The recovery (paid beyond the amount) is
    the receipts basis, which the ledger takes from the engine."""
    # the settlement year is in the span (it reaches to it): the year of the final payment
    year = next(y.year for y in e.years if any(s.name == "final_payment" for s in y.steps))
    amount, total = refs["settled"], refs["total"]
    years = [y.year for y in e.years]
    before = [y for y in years if y < year]
    paid = f"-SUM({w.span(cash, before)})" if before else ""
    for y in e.years:
        if y.year == year:
            w.put(cash, y.year, Formula.money(f"=MAX(0,{amount}{paid})", y.cash), AMOUNT)
            entered = f"={total}+{amount}-{total}" if y.year == decided else f"={amount}-{total}"
            w.put(committed, y.year, Formula.money(entered, y.commitment), AMOUNT)
        elif y.year > year:
            w.put(cash, y.year, 0, AMOUNT)


def _shown(quantity: Quantity) -> Value:
    return cell_value(quantity)[0]


def _allocation(
    w: Lines, e: Explanation, method: str, total: str, years: list[int]
) -> dict[int, str]:
    """Days (or months) per year, their share of the period, the part allocated by
    largest remainder in formulas (`calculation_divide.across_years`)."""
    steps = steps_by_year(e)
    unit = "days" if method == "days" else "months"
    weights = w.line(f"{unit} of the period in the year", note=f"{unit} in the fiscal year")
    exact = {}
    for y in years:
        quantity = steps[y][f"{method}_in_year"].value
        exact[y] = Fraction(quantity.value)  # type: ignore[arg-type]
        w.put(weights, y, _shown(quantity), COUNT)
    in_all = w.line(f"{unit} of the period in all", note=f"sum of {unit} per year")
    whole = next(s for s in e.steps if s.name == f"{method}_in_all")
    cached = _shown(whole.value)
    assert isinstance(cached, int | float)
    w.sheet.put(in_all, VALUE_COLUMN, Formula(f"=SUM({w.span(weights, years)})", cached), COUNT)
    whole_ref = cell(VALUE_COLUMN, in_all, absolute=True)
    share = w.line("share of the period", note=f"{unit} in the year / {unit} in all")
    for y in years:
        fraction = steps[y]["share"].value.value
        assert isinstance(fraction, Fraction)
        w.put(share, y, Formula(f"={w.at(weights, y)}/{whole_ref}", float(fraction)), SHARE)
    scale = math.lcm(*(f.denominator for f in exact.values()))
    whole_weights = {y: int(f * scale) for y, f in exact.items()}
    weight_row = weights
    if scale != 1:
        weight_row = w.line(
            f"weight: {unit} x {scale} (whole numbers)",
            note=f"a constant: {unit} times the least common multiple of their denominators",
        )
        for y in years:
            w.put(weight_row, y, whole_weights[y], COUNT)
    total_cents = _cents(_total_input(e).value)
    allocated = {y: _cents(steps[y]["allocated"].value.value) for y in years}
    row = across_years(
        w, total, total_cents, weight_row, whole_weights, allocated, "allocated to the year"
    )
    _years_add_up(w, total, row, years)
    return {y: w.at(row, y) for y in years}


def _cents(value: object) -> int:
    assert isinstance(value, int)
    return value


def _total_input(e: Explanation) -> Quantity:
    return next(i.value for i in e.inputs if i.name == "total")


def _schedule_adds_up(w: Lines, total: str, allocated: dict[int, str]) -> str:
    """The check's comparison of a schedule with the total (the engine refuses one that
    does not add up): total - the years' amounts, 0.00."""
    check = w.line("difference: total - sum of the years", note="0 while the years add up")
    formula = Formula.money(f"=ROUND({total}-{'-'.join(allocated.values())},2)", 0)
    w.sheet.put(check, VALUE_COLUMN, formula, styles.MONEY)
    return cell(VALUE_COLUMN, check)


def _years_add_up(w: Lines, total: str, row: int, years: list[int]) -> None:
    """The check's comparison of the years with the total: total - their sum, 0.00."""
    check = w.line("difference: total - sum of the years", note="0 while the years add up")
    formula = Formula.money(f"=ROUND({total}-SUM({w.span(row, years)}),2)", 0)
    w.sheet.put(check, VALUE_COLUMN, formula, styles.MONEY)
    w.differences.append(cell(VALUE_COLUMN, check))


def _advance(w: Lines, e: Explanation, refs: dict[str, str]) -> tuple[str, str]:
    """The advance and the settlement (the rest), as the engine splits the total: by
    largest remainder over the weights (advance, 1 - advance) x D, which for two parts is
    the total's magnitude x weight / D rounded half up in cents (a tie gives the cent to
    the advance, the part listed first), the sign put back: half away from zero, also for
    a negative total. In whole cents, without the float rounding of ROUND(total x share):
    |c| = q x D + r; advance = q x W + INT((2 x r x W + D) / (2 x D)). D is the share's
    denominator times 10,000 where that stays small, so that a share typed with up to four
    decimals is followed; another share (or an advance crossing 0, which moves the first
    payment) makes the check cell say to re-run."""
    cents = {s.name: s.value.value for s in e.steps}
    advance, settlement = cents["advance_part"], cents["settlement"]
    assert isinstance(advance, int) and isinstance(settlement, int)
    share = next(
        Fraction(str(i.value.value)) if not isinstance(i.value.value, Fraction) else i.value.value
        for i in e.inputs
        if i.name == "advance"
    )
    denominator = share.denominator
    if math.lcm(denominator, ADVANCE_DECIMALS) <= ADVANCE_LARGEST:
        denominator = math.lcm(denominator, ADVANCE_DECIMALS)
    total, share_ref = refs["total"], refs["advance"]
    whole = advance + settlement
    row = w.line("total in cents", note="round(total x 100, 0)")
    w.sheet.put(row, VALUE_COLUMN, Formula(f"=ROUND({total}*100,0)", whole), HELPER)
    c = cell(VALUE_COLUMN, row, absolute=True)
    row = w.line("weight of the advance", note=f"advance share x {denominator}, a whole number")
    weight_value = int(share * denominator)
    formula = Formula(f"=ROUND({share_ref}*{denominator},0)", weight_value)
    w.sheet.put(row, VALUE_COLUMN, formula, COUNT)
    weight = cell(VALUE_COLUMN, row, absolute=True)
    w.reruns.append(f"ABS({share_ref}*{denominator}-{weight})>{TOLERANCE}")
    w.reruns.append(f"{share_ref}<0")
    w.reruns.append(f"{share_ref}>1")
    w.reruns.append(f"{share_ref}<=0" if share > 0 else f"{share_ref}<>0")
    d = denominator
    row = w.line(
        "advance paid in the first year",
        note=f"|cents| x weight / {d} rounded half up (largest remainder), sign of the total",
    )
    formula = Formula.money(
        f"=IF({c}<0,-1,1)*(INT(ABS({c})/{d})*{weight}"
        f"+INT((2*MOD(ABS({c}),{d})*{weight}+{d})/(2*{d})))/100",
        advance,
    )
    w.sheet.put(row, VALUE_COLUMN, formula, styles.MONEY)
    advance_ref = cell(VALUE_COLUMN, row, absolute=True)
    row = w.line("paid at settlement", note="total - advance")
    formula = Formula.money(f"={total}-{advance_ref}", settlement)
    w.sheet.put(row, VALUE_COLUMN, formula, styles.MONEY)
    return advance_ref, cell(VALUE_COLUMN, row, absolute=True)


def cofinanced_lines(w: Lines, e: Explanation, refs: dict[str, str]) -> tuple[int, int]:
    """min(ROUND(rate x eligible costs of the span, 2), max), spread over the years in
    proportion to the eligible costs by largest remainder (formulas), each year at most
    max_per_year (issue 23)."""
    years = [y.year for y in e.years]
    eligible = w.year_inputs(e, "eligible")
    assert eligible is not None
    common = {s.name: s for s in e.steps}
    weights = w.line("eligible costs in cents", note="round(eligible x 100, 0)")
    cents = {}
    for y in e.years:
        value = next(i.value.value for i in y.inputs if i.name == "eligible")
        assert isinstance(value, int)
        cents[y.year] = max(value, 0)
        w.put(
            weights,
            y.year,
            Formula(f"=MAX(0,ROUND({eligible[y.year]}*100,0))", cents[y.year]),
            COUNT,
        )
    total_cents = common["total"].value.value
    assert isinstance(total_cents, int)
    rated = f"ROUND({refs['rate']}*SUM({w.span(weights, years)})/100,2)"
    capped = f"MIN({rated},{refs['max']})" if "max" in refs else rated
    total = w.line("total over the span", note="min(round(rate x eligible costs, 2), max)")
    w.sheet.put(total, VALUE_COLUMN, Formula.money(f"={capped}", total_cents), styles.MONEY)
    parts = step_cents(e, "part")
    part_row = across_years(
        w,
        cell(VALUE_COLUMN, total, absolute=True),
        total_cents,
        weights,
        cents,
        parts,
        "the total's part for the year",
    )
    if "max_per_year" not in refs:
        return part_row, part_row
    row = w.line("amount", GROUP, note="min(part, max_per_year)")
    amounts = {y.year: y.cash for y in e.years}
    w.amounts(
        row,
        {y: (f"=MIN({w.at(part_row, y)},{refs['max_per_year']})", amounts[y]) for y in years},
        AMOUNT,
    )
    return row, row
