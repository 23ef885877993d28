"""An explanation laid out: as a worked calculation for people, as JSON for programs.

Both only lay out the data of `Explanation`; neither computes or filters.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import Any

from budget.core.money import format_euros, format_euros_grouped
from budget.render.formats import Format, Renderers
from budget.render.text import text_table
from budget.reports.explain.data import (
    Explanation,
    FunderSplit,
    Input,
    Quantity,
    Step,
    Unit,
    YearExplanation,
    exact_euros,
)
from budget.reports.explain.forecast import ForecastStep

# --- text -------------------------------------------------------------------------------


def explanation_text(e: Explanation) -> str:
    funders = ", ".join(f"{f} {s}" for f, s in e.funders)
    title = e.commitment if e.title == e.commitment else f"{e.title} ({e.commitment})"
    recipient = (
        e.recipient
        if e.recipient_name in ("", e.recipient)
        else (f"{e.recipient}, {e.recipient_name}")
    )
    head = [
        f"{title}, kind {e.kind}",
        f"Scenario: {e.scenario} ({e.file})",
        f"Recipient: {recipient}",
        f"Funders: {funders}",
    ]
    if e.source:
        head.append(f"Source: {e.source}")
    if e.budget_line:
        head.append(f"Budget line: {e.budget_line}")
    for shift in e.cash_shifts:
        head.append(
            f"Cash shift: {shift}; the years below are before it, budget run shows the "
            "cash after it"
        )
    parts = ["\n".join(head)]
    if e.inputs:
        parts.append("Inputs for every year\n" + _inputs_text(e.inputs))
    if e.steps:
        parts.append("Working for the whole period\n" + _steps_text(e.steps))
    if e.notes:
        parts.append("\n".join(e.notes))
    parts += [_year_text(y) for y in e.years]
    parts.append(
        f"Amounts in {e.currency}. Inputs marked 'assumption' are values the sources do not give; "
        "'central value' marks an uncertain input replaced by its central value."
    )
    return "\n\n".join(parts) + "\n"


def _inputs_text(inputs: tuple[Input, ...]) -> str:
    width = max(len(i.label) for i in inputs)
    value_width = max(len(i.value.text()) for i in inputs)
    lines = []
    for i in inputs:
        marks = [
            m
            for m, on in (("assumption", i.assumption), ("central value", bool(i.central_of)))
            if on
        ]
        line = f"  {i.label.ljust(width)}  {i.value.text().rjust(value_width)}"
        if marks:
            line += f"  [{', '.join(marks)}]"
        origin = f"{i.file}: {i.where}" if i.file else i.where
        line += f"  ({origin})"
        if i.central_of:
            line += f"\n  {'':{width}}  {'':{value_width}}  central value of {i.central_of}"
        lines.append(line)
    return "\n".join(lines)


def _steps_text(steps: tuple[Step, ...]) -> str:
    lines = []
    for s in steps:
        pieces = [s.rule]
        if s.worked and s.worked not in pieces:
            pieces.append(s.worked)
        shown = s.value.text()
        repeated = s.worked.startswith(shown + ":") or (
            s.value.unit is Unit.TEXT and shown in s.worked
        )
        if shown and shown not in pieces and not repeated:
            pieces.append(shown)
        lines.append(f"  {s.label}: " + " = ".join(pieces))
    return "\n".join(lines)


def _year_text(y: YearExplanation) -> str:
    out = [f"Fiscal year {y.label}"]
    if y.inputs:
        out.append(" Inputs\n" + _indent(_inputs_text(y.inputs)))
    if y.steps:
        out.append(" Working\n" + _indent(_steps_text(y.steps)))
    out.append(
        f" Result: {format_euros_grouped(y.commitment)} on the commitment basis, "
        f"{format_euros_grouped(y.cash)} on the cash basis"
    )
    commitment, cash = y.splits
    if _same(commitment, cash):
        out.append(_indent(_split_text(commitment, "commitment and cash basis")))
    else:
        out.append(_indent(_split_text(commitment, "commitment basis")))
        out.append(_indent(_split_text(cash, "cash basis")))
    return "\n".join(out)


def _same(a: FunderSplit, b: FunderSplit) -> bool:
    return a.method == b.method and a.amount == b.amount and a.parts == b.parts


def _split_text(split: FunderSplit, title: str) -> str:
    cents = format_euros_grouped
    if split.amount == 0 and split.method == "yearly":
        return f"Funder split, {title}: nothing to split (0.00)"
    if len(split.parts) == 1:
        only = split.parts[0]
        return f"Funder, {title}: {only.funder} pays all of it (share 1): {cents(only.part)}"
    if split.method == "cumulative":
        heading = (
            f"Funder split, {title}: payments to date {cents(split.parts[0].split)} "
            f"divided by share, minus each funder's part of the payments before"
        )
        header = ["funder", "share", "exact part", "rounded down", "leftover cent", "minus before"]
        header += ["moved", "part"] if any(p.mended for p in split.parts) else ["part"]
        lines = []
        for p in split.parts:
            row = [p.funder, str(p.share), exact_euros(p.exact), cents(p.rounded_down)]
            row += [cents(p.leftover_cent), cents(-p.before)]
            row += [cents(p.mended), cents(p.part)] if len(header) == 8 else [cents(p.part)]
            lines.append(row)
        if len(header) == 8:
            footnote = (
                "moved: a part would be negative, so a cent moves between funders in this "
                "year and back in another year with a 'moved' entry; each funder's total "
                "and each year's total stay the same"
            )
            return text_table(heading, header, lines, left=2) + "\n" + footnote
    else:
        heading = f"Funder split, {title}: {cents(split.amount)} divided by share"
        header = ["funder", "share", "exact part", "rounded down", "leftover cent", "part"]
        lines = [
            [
                p.funder,
                str(p.share),
                exact_euros(p.exact),
                cents(p.rounded_down),
                cents(p.leftover_cent),
                cents(p.part),
            ]
            for p in split.parts
        ]
    return text_table(heading, header, lines, left=2)


def _indent(block: str) -> str:
    return "\n".join(" " + line if line else line for line in block.split("\n"))


# --- JSON -------------------------------------------------------------------------------


def amount_json(cents: int) -> dict[str, Any]:
    """An amount for other programs: euros as text with two decimals, and the cents."""
    return {"amount": format_euros(cents), "cents": int(cents)}


def quantity_json(q: Quantity) -> Any:
    v = q.value
    if q.unit is Unit.MONEY:
        return {"unit": "money", **amount_json(int(v))}  # type: ignore[arg-type]
    if q.unit is Unit.EXACT_MONEY:
        return {"unit": "exact_money", **_exact_json(Fraction(v))}  # type: ignore[arg-type]
    if q.unit in (Unit.SHARE, Unit.NUMBER):
        if isinstance(v, Fraction) and v.denominator != 1:
            return {"unit": str(q.unit), "fraction": str(v), "decimal": f"{float(v):.10g}"}
        return {"unit": str(q.unit), "value": int(v)}  # type: ignore[arg-type]
    if isinstance(v, dt.date):
        return {"unit": "date", "value": v.isoformat()}
    return {"unit": str(q.unit), "value": v}


def _exact_json(cents: Fraction) -> dict[str, Any]:
    """Exact cents: as a fraction of cents, and as euros rounded down to the cent."""
    return {
        "exact_cents": str(cents),
        "amount_rounded_down": format_euros(cents.numerator // cents.denominator),
    }


def _input_json(i: Input) -> dict[str, Any]:
    return {
        "name": i.name,
        "label": i.label,
        "value": quantity_json(i.value),
        "file": i.file or None,
        "where": i.where,
        "assumption": i.assumption,
        "central_value_of": i.central_of or None,
    }


def _step_json(s: Step) -> dict[str, Any]:
    return {
        "name": s.name,
        "label": s.label,
        "rule": s.rule,
        "worked": s.worked,
        "value": quantity_json(s.value),
    }


def _split_json(split: FunderSplit) -> dict[str, Any]:
    return {
        "basis": split.basis,
        "method": split.method,
        **amount_json(split.amount),
        "leftover_cents": split.leftover,
        "funders": [
            {
                "funder": p.funder,
                "share": str(p.share),
                "split": amount_json(p.split),
                "exact": _exact_json(p.exact),
                "rounded_down": amount_json(p.rounded_down),
                "leftover_cent": p.leftover_cent,
                "before": amount_json(p.before),
                "moved": p.mended,
                "part": amount_json(p.part),
            }
            for p in split.parts
        ],
    }


def explanation_data(e: Explanation) -> dict[str, Any]:
    """The explanation as JSON-ready data with stable keys."""
    return {
        "scenario": e.scenario,
        "file": e.file,
        "commitment": e.commitment,
        "name": e.title,
        "kind": e.kind,
        "recipient": e.recipient,
        "funders": [{"funder": f, "share": str(s)} for f, s in e.funders],
        "source": e.source,
        "inputs": [_input_json(i) for i in e.inputs],
        "steps": [_step_json(s) for s in e.steps],
        "notes": list(e.notes),
        "years": [
            {
                "year": y.year,
                "label": y.label,
                "inputs": [_input_json(i) for i in y.inputs],
                "steps": [_step_json(s) for s in y.steps],
                "result": {"commitment": amount_json(y.commitment), "cash": amount_json(y.cash)},
                "funder_split": [_split_json(s) for s in y.splits],
            }
            for y in e.years
        ],
    }


# The columns of the JSON rows: what the explanation is of (the same on every row), then
# where in the calculation the row is, then its value.
ROW_COLUMNS = [
    "scenario", "file", "commitment", "name", "kind", "recipient", "source", "budget_line",
    "currency", "year", "year_label", "part", "basis", "funder", "key", "label", "rule",
    "worked", "unit", "amount", "amount_cents", "value", "fraction", "cents_exact", "share",
    "method", "split", "split_cents", "rounded_down", "rounded_down_cents",
    "leftover_cents", "before", "before_cents", "moved_cents", "where", "input_file",
    "assumption", "central_value_of",
]  # fmt: skip


def _about(e: Explanation) -> dict[str, Any]:
    """What every JSON/CSV row of an explanation is of, repeated beside its values."""
    return {
        "scenario": e.scenario,
        "file": e.file,
        "commitment": e.commitment,
        "name": e.title,
        "kind": e.kind,
        "recipient": e.recipient,
        "source": e.source or None,
        "budget_line": e.budget_line or None,
        "currency": e.currency,
    }


def explanation_rows(e: Explanation) -> list[dict[str, Any]]:
    """The explanation as rows, one per line of the calculation, in the order the table
    shows them: `part` is "funder" (a share), "input", "step", "note" and "cash_shift" (with `year`
    null when they hold for every year), then per year "result" (per basis), "split" (the
    funder split of a basis) and "split_part" (a funder's part of it). What the rows are
    of (scenario, commitment, ...) is repeated on every row, beside its values."""
    about = _about(e)
    rows: list[dict[str, Any]] = []

    def add(year: YearExplanation | None, part: str, **values: Any) -> None:
        row = dict.fromkeys(ROW_COLUMNS)
        row.update(about)
        row.update(year=None if year is None else year.year)
        row.update(year_label=None if year is None else year.label, part=part)
        row.update(values)
        rows.append(row)

    for funder, share in e.funders:
        add(None, "funder", funder=funder, share=str(share))
    for year in (None, *e.years):
        inputs = e.inputs if year is None else year.inputs
        steps = e.steps if year is None else year.steps
        for i in inputs:
            add(
                year,
                "input",
                key=i.name,
                label=i.label,
                where=i.where,
                input_file=i.file or None,
                assumption=i.assumption,
                central_value_of=i.central_of or None,
                **_quantity_row(i.value),
            )
        for st in steps:
            add(year, "step", key=st.name, label=st.label, rule=st.rule, worked=st.worked)
            rows[-1].update(_quantity_row(st.value))
        if year is None:
            for note in e.notes:
                add(None, "note", label=note)
            for shift in e.cash_shifts:
                add(None, "cash_shift", label=shift)
            continue
        for basis, cents in (("commitment", year.commitment), ("cash", year.cash)):
            add(year, "result", basis=basis, unit="money", **_amount_row(cents))
        for split in year.splits:
            add(
                year,
                "split",
                basis=str(split.basis),
                method=split.method,
                leftover_cents=int(split.leftover),
                unit="money",
                **_amount_row(split.amount),
            )
            for p in split.parts:
                add(
                    year,
                    "split_part",
                    basis=str(split.basis),
                    method=split.method,
                    funder=p.funder,
                    share=str(p.share),
                    unit="money",
                    **_amount_row(p.part),
                    split=format_euros(p.split),
                    split_cents=int(p.split),
                    cents_exact=str(p.exact),
                    rounded_down=format_euros(p.rounded_down),
                    rounded_down_cents=int(p.rounded_down),
                    leftover_cents=int(p.leftover_cent),
                    before=format_euros(p.before),
                    before_cents=int(p.before),
                    moved_cents=int(p.mended),
                )
    return rows


def _amount_row(cents: int) -> dict[str, Any]:
    return {"amount": format_euros(int(cents)), "amount_cents": int(cents)}


def _quantity_row(q: Quantity) -> dict[str, Any]:
    """A quantity as the row's unit, amount and amount_cents, value, fraction, and
    cents_exact (exact cents as a fraction, "6875000000/57")."""
    v = q.value
    if q.unit is Unit.MONEY:
        return {"unit": "money", **_amount_row(int(v))}  # type: ignore[arg-type]
    if q.unit is Unit.EXACT_MONEY:
        cents = Fraction(v)  # type: ignore[arg-type]
        floor = cents.numerator // cents.denominator
        return {"unit": "exact_money", **_amount_row(floor), "cents_exact": str(cents)}
    if q.unit in (Unit.SHARE, Unit.NUMBER):
        if isinstance(v, Fraction) and v.denominator != 1:
            return {"unit": str(q.unit), "value": float(v), "fraction": str(v)}
        return {"unit": str(q.unit), "value": int(v)}  # type: ignore[arg-type]
    if isinstance(v, dt.date):
        return {"unit": "date", "value": v.isoformat()}
    return {"unit": str(q.unit), "value": v}


def forecast_rows(
    e: Explanation, steps: list[ForecastStep], as_of: str | None
) -> list[dict[str, Any]]:
    """The forecast working against the actuals (`budget.reports.explain.forecast`) as
    rows beside the explanation's: part "forecast_as_of" (the date the actuals are complete
    up to, unit date, year null), then per funder, basis and year a part "forecast" row:
    key the year's status (closed, current, future), rule the rule that applied, worked
    its working with the figures, amount and amount_cents the forecast. As the text shows
    them, in the same order."""
    about = _about(e)
    rows: list[dict[str, Any]] = []
    head = dict.fromkeys(ROW_COLUMNS)
    head.update(about, part="forecast_as_of", key="as_of", unit="date", value=as_of)
    head.update(label="the actuals are complete up to")
    rows.append(head)
    for s in steps:
        row = dict.fromkeys(ROW_COLUMNS)
        row.update(about, year=s.year, year_label=s.label, part="forecast", basis=s.basis)
        row.update(funder=s.funder, key=s.status, label=f"forecast, {s.status} year")
        row.update(rule=s.rule, worked=s.working, unit="money", **_amount_row(s.forecast))
        rows.append(row)
    return rows


def explanation_json(e: Explanation, forecast: list[dict[str, Any]] | None = None) -> str:
    """The explanation as a JSON array of rows (`explanation_rows`, then the `forecast`
    rows when given; `pd.read_json` reads it as rows); `explanation_data` is the same as
    one nested document, for Python."""
    rows = explanation_rows(e) + (forecast or [])
    return json.dumps(rows, indent=1, ensure_ascii=False) + "\n"


# The formats `budget explain` offers: the worked calculation and its data.
EXPLANATION: Renderers[Explanation] = {
    Format.TABLE: explanation_text,
    Format.JSON: explanation_json,
}
