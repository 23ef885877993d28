"""The scenario as a Fiscal Data Package (Frictionless Tabular Data Package) that
OpenSpending can load.

A folder with `projection.csv` (the plan: one row per commitment, funder and fiscal year),
`realised.csv` when the scenario has actuals (the bookings added up per commitment,
funder and fiscal year) and `datapackage.json`.

Measures never mix bases: each row holds one amount column per basis, `commitment_amount`
(obligations entered that year) and `cash_amount` (payments made that year), and
`receipts_amount` (money received, direction revenue) when the tidy rows have that basis.
So summing any one measure over its resource counts each euro once; the old single
`amount` column held commitment and cash rows together, and a default aggregation
counted the same money twice.

Each resource has one `phase` (Fiscal Data Package: proposed, approved, adjusted,
executed): the plan's from `[scenario] stage` where the scenario has one (draft ->
proposed, adopted -> approved, supplementary and final -> adjusted), else approved; the
bookings are executed. Every field has its FDP 1.0 `columnType` (the OpenSpending types of
openspending/os-types), and each amount field its `phase`; the older FDP 0.3 `model`
(measures and dimensions) is kept beside them.

Amounts are Table Schema `number`s written with exactly two decimals from integer cents,
never through a float; readers get exact decimals. The CSVs are written before the
descriptor, each atomically, so a descriptor never points to a half-written file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from budget.core.model import Scenario
from budget.kinds import KINDS
from budget.render.csvtext import frame_csv_blocks
from budget.render.export.files import check_folder, write_chunks
from budget.render.export.text import decimal_text, fiscal_period
from budget.render.workbook.save import write_atomically

DATA = "projection.csv"
REALISED = "realised.csv"
DESCRIPTOR = "datapackage.json"
RESOURCE = "projection"
REALISED_RESOURCE = "realised"
PRIMARY_KEY = ["scenario", "commitment", "funder", "year"]
# The bases as amount columns, in this order, with the direction of their money. The
# basis "receipts" (money received) is compared as text: not every version has it.
BASES = ("commitment", "cash", "receipts")
DIRECTION = {"commitment": "expenditure", "cash": "expenditure", "receipts": "revenue"}
# `[scenario] stage` -> the plan's Fiscal Data Package phase.
PHASES = {
    "draft": "proposed",
    "adopted": "approved",
    "supplementary": "adjusted",
    "final": "adjusted",
}
APPROVED, EXECUTED = "approved", "executed"
# Each column's FDP 1.0 columnType (openspending/os-types): the scenario is the programme
# its commitments (projects) belong to; the funder the administrative classification;
# the kind of commitment (grant, annual subsidy, top-up) the economic one.
COLUMN_TYPES = {
    "scenario": "activity:generic:program:code",
    "commitment": "activity:generic:project:code",
    "commitment_name": "activity:generic:project:label",
    "kind": "economic-classification:generic:level1:code:full",
    "recipient": "recipient:generic:id",
    "recipient_name": "recipient:generic:name",
    "funder": "administrative-classification:generic:level1:code:full",
    "funder_name": "administrative-classification:generic:level1:label",
    "year": "date:fiscal-year",
    "period_start": "date:generic",
    "period_end": "date:generic",
}
VALUE = "value"
# The budget classification (issue 22), only in a package of a scenario that has one: the
# administrative one is the funder's budget chapter, the article and the article part;
# the economic one the RBV financial instrument and the scheme under it (the split of
# RBV model 1.33d's Uitgaven). Each column holds its own level's code as written.
LINE_COLUMNS = {
    "chapter": "administrative-classification:generic:level1:code:part",
    "article": "administrative-classification:generic:level2:code:part",
    "article_part": "administrative-classification:generic:level3:code:part",
    "instrument": "economic-classification:generic:level2:code:part",
    "scheme": "economic-classification:generic:level3:code:part",
}
LINE_MEANING = {
    "chapter": "the funder's budget chapter (begrotingshoofdstuk), e.g. VI",
    "article": "the budget article, e.g. 33",
    "article_part": "the article part, e.g. 33.2",
    "instrument": "the RBV financial instrument, e.g. Subsidies",
    "scheme": "the scheme (regeling) it is paid under",
}
COLUMN_TYPES.update(LINE_COLUMNS)


def write_datapackage(
    scenario: Scenario,
    rows: pd.DataFrame,
    folder: str,
    inputs: list[str],
    actuals: pd.DataFrame | None = None,
) -> Path:
    """Write the data package into `folder` (made when absent); InputError when refused.
    `actuals`: the bookings (budget.engine.realised.actuals_frame), for realised.csv."""
    target = check_folder(folder, inputs, [DATA, REALISED, DESCRIPTOR])
    tables = {RESOURCE: package_rows(scenario, rows)}
    if actuals is not None:
        tables[REALISED_RESOURCE] = realised_rows(scenario, actuals)
    files = {RESOURCE: DATA, REALISED_RESOURCE: REALISED}
    for name, table in tables.items():
        write_atomically(target / files[name], _csv_writer(table))
    stale = target / REALISED
    if actuals is None and stale.exists():
        stale.unlink()  # a realised.csv of an earlier export would not be described
    descriptor = json.dumps(package_descriptor(scenario, tables), indent=2, ensure_ascii=False)
    write_chunks(target / DESCRIPTOR, [descriptor, "\n"])
    return target


def _csv_writer(table: pd.DataFrame) -> Any:
    """The table's CSV (the bytes of `DataFrame.to_csv`: Python's csv writer, minimal
    quoting, `\n` line ends), written per distinct value of each column and a block of
    rows at a time (budget.render.csvtext: a fifth of the time of to_csv; issue 21)."""

    def write_csv(out: IO[bytes]) -> None:
        for block in frame_csv_blocks(table):
            out.write(block.encode("utf-8"))

    return write_csv


def plan_phase(scenario: Scenario) -> str:
    """The plan's phase: from `[scenario] stage` when the scenario has one, else approved."""
    stage = getattr(scenario, "stage", None)
    return PHASES.get(str(stage), APPROVED) if stage else APPROVED


def bases_of(table: pd.DataFrame) -> list[str]:
    """The bases that have an amount column in `table`."""
    return [b for b in BASES if f"{b}_amount" in table.columns]


def _wide(
    keys: pd.DataFrame,
    basis: pd.Series,
    cents: np.ndarray,
    names: list[str],
) -> pd.DataFrame:
    """One row per key (the columns `names` of `keys`) with the cents of each basis added
    up into its own column `{basis}_cents`; bases are those present (commitment and cash
    always)."""
    frame = pd.DataFrame(
        {n: keys[n].to_numpy(np.int64) if n == "year" else keys[n].astype(str) for n in names}
    )
    frame["basis"] = basis.astype(str).to_numpy()
    frame["cents"] = cents
    present = [b for b in BASES if b in ("commitment", "cash") or (frame["basis"] == b).any()]
    table = frame.pivot_table(
        index=names, columns="basis", values="cents", aggfunc="sum", fill_value=0, sort=False
    )
    table = table.reindex(columns=present, fill_value=0)
    table.columns = [f"{b}_cents" for b in present]
    return table.reset_index()


def package_rows(scenario: Scenario, rows: pd.DataFrame) -> pd.DataFrame:
    """projection.csv's rows: per commitment, funder and year, with names, the fiscal
    period and an amount column per basis."""
    names = ["scenario", "commitment", "recipient", "funder", "kind", "year"]
    keyed = rows[names].copy()
    keyed["year"] = rows["year"].to_numpy(np.int64)
    table = _wide(keyed, rows["basis"], rows["amount_cents"].to_numpy(np.int64), names)
    return _finish(scenario, table)


def realised_rows(scenario: Scenario, actuals: pd.DataFrame) -> pd.DataFrame:
    """realised.csv's rows: the bookings added up per commitment, funder and year. A
    booking for no commitment of the scenario keeps the commitment it names ("(unplanned)"
    for none) and has no recipient or kind."""
    recipient = {c.id: c.recipient for c in scenario.commitments}
    kind = {c.id: c.kind for c in scenario.commitments}
    commitments = actuals["commitment"].astype(str)
    keyed = pd.DataFrame(
        {
            "scenario": scenario.name,
            "commitment": commitments.to_numpy(),
            "recipient": commitments.map(recipient).fillna("").to_numpy(),
            "funder": actuals["funder"].astype(str).to_numpy(),
            "kind": commitments.map(kind).fillna("").to_numpy(),
            "year": actuals["year"].to_numpy(np.int64),
        }
    )
    names = list(keyed.columns)
    table = _wide(keyed, actuals["basis"], actuals["amount_cents"].to_numpy(np.int64), names)
    return _finish(scenario, table)


def _finish(scenario: Scenario, table: pd.DataFrame) -> pd.DataFrame:
    """The columns in their order: names beside keys, the fiscal period, the amounts."""
    years = table["year"].to_numpy(np.int64)
    known, at = np.unique(years, return_inverse=True)
    periods = [fiscal_period(scenario.calendar, int(y)) for y in known]
    titles = {c.id: c.title for c in scenario.commitments}
    recipients = {k: r.name for k, r in scenario.recipients.items()}
    funders = {k: f.name for k, f in scenario.funders.items()}
    out = pd.DataFrame(
        {
            "scenario": table["scenario"].to_numpy(),
            "commitment": table["commitment"].to_numpy(),
            "commitment_name": table["commitment"].map(titles).fillna("").to_numpy(),
            "kind": table["kind"].to_numpy(),
            "recipient": table["recipient"].to_numpy(),
            "recipient_name": table["recipient"].map(recipients).fillna("").to_numpy(),
            "funder": table["funder"].to_numpy(),
            "funder_name": table["funder"].map(funders).fillna(table["funder"]).to_numpy(),
            "year": years,
            "period_start": np.array([p[0] for p in periods], dtype=object)[at],
            "period_end": np.array([p[1] for p in periods], dtype=object)[at],
        }
    )
    if has_budget_lines(scenario):
        out = _with_budget_lines(scenario, out)
    for basis in BASES:
        if f"{basis}_cents" in table.columns:
            out[f"{basis}_amount"] = decimal_text(table[f"{basis}_cents"].to_numpy(np.int64))
    return out.sort_values(["commitment", "funder", "year"], kind="stable", ignore_index=True)


def has_budget_lines(scenario: Scenario) -> bool:
    """Whether the scenario classifies anything: a funder's chapter or a budget line."""
    return bool(scenario.budget_lines) or any(f.chapter for f in scenario.funders.values())


def _with_budget_lines(scenario: Scenario, out: pd.DataFrame) -> pd.DataFrame:
    """The rows with the classification's columns after funder_name ("" where not given;
    the scheme defaults to the recipient's key, as in budget tables)."""
    chapters = {k: f.chapter for k, f in scenario.funders.items()}
    lines = scenario.budget_lines
    commitment = out["commitment"]
    values = {
        "chapter": out["funder"].map(chapters).fillna(""),
        **{
            name: commitment.map({cid: getattr(line, name) for cid, line in lines.items()}).fillna(
                ""
            )
            for name in ("article", "article_part", "instrument", "scheme")
        },
    }
    # As in budget tables: a commitment without a scheme is under its recipient's key.
    scheme = values["scheme"]
    values["scheme"] = scheme.where(scheme != "", out["recipient"])
    at = list(out.columns).index("funder_name") + 1
    for offset, (name, column) in enumerate(values.items()):
        out.insert(at + offset, name, column.to_numpy(dtype=object))
    return out


def slug(name: str) -> str:
    """A Data Package name: lower case letters, digits, '-', '_' and '.'."""
    text = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")
    return text or "budget-scenario"


def package_descriptor(scenario: Scenario, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """datapackage.json as a dict (see the module docstring)."""
    currency = scenario.currency
    years = pd.concat([t["year"] for t in tables.values()])
    first = fiscal_period(scenario.calendar, int(years.min()))[0] if len(years) else None
    last = fiscal_period(scenario.calendar, int(years.max()))[1] if len(years) else None
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "profiles": {"fiscal": "*", "tabular": "*"},
        "name": slug(scenario.name),
        "title": scenario.name,
    }
    if scenario.description:
        descriptor["description"] = scenario.description
    if scenario.source:
        descriptor["sources"] = [{"title": scenario.source}]
    descriptor["granularity"] = "aggregated"
    if first and last:
        descriptor["fiscalPeriod"] = {"start": first, "end": last}
    phases = {RESOURCE: plan_phase(scenario), REALISED_RESOURCE: EXECUTED}
    paths = {RESOURCE: DATA, REALISED_RESOURCE: REALISED}
    descriptor["resources"] = [
        {
            "name": name,
            "path": paths[name],
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "phase": phases[name],
            "schema": table_schema(
                currency, bases_of(table), phases[name], "article" in table.columns
            ),
        }
        for name, table in tables.items()
    ]
    descriptor["model"] = fiscal_model(
        currency, {name: (bases_of(t), phases[name]) for name, t in tables.items()}
    )
    if has_budget_lines(scenario):
        descriptor["model"]["dimensions"].update(LINE_DIMENSIONS)
    return descriptor


def table_schema(
    currency: str, bases: list[str], phase: str, lines: bool = False
) -> dict[str, Any]:
    """A resource's Table Schema: every field with its FDP columnType; with `lines`, the
    budget classification's fields after funder_name."""

    def field(name: str, kind: str, description: str, **extra: Any) -> dict[str, Any]:
        column = COLUMN_TYPES.get(name, VALUE)
        return {
            "name": name,
            "type": kind,
            "description": description,
            "columnType": column,
            **extra,
        }

    required = {"required": True}
    meaning = {
        "commitment": "obligations entered that year",
        "cash": "payments made that year",
        "receipts": "money received that year",
    }
    return {
        "fields": [
            field("scenario", "string", "the scenario's name", constraints=required),
            field("commitment", "string", "the commitment's id", constraints=required),
            field("commitment_name", "string", "the commitment's title"),
            field(
                "kind",
                "string",
                "the kind of commitment (empty for a booking of no commitment)",
                constraints={"enum": [*KINDS, ""]},
            ),
            field("recipient", "string", "who receives the money (its key)"),
            field("recipient_name", "string", "the recipient's name"),
            field("funder", "string", "who pays (its key)", constraints=required),
            field("funder_name", "string", "the funder's name"),
            *(
                field(name, "string", LINE_MEANING[name])
                for name in (LINE_COLUMNS if lines else ())
            ),
            field(
                "year",
                "integer",
                "the fiscal year, named after the calendar year in which it ends",
                constraints=required,
            ),
            field("period_start", "date", "the fiscal year's first day", format="default"),
            field("period_end", "date", "the fiscal year's last day", format="default"),
            *(
                field(
                    f"{basis}_amount",
                    "number",
                    f"{meaning[basis]}, in {currency}, exact, always with two decimals",
                    decimalChar=".",
                    bareNumber=True,
                    constraints=required,
                    phase=phase,
                    direction=DIRECTION[basis],
                    currency=currency,
                )
                for basis in bases
            ),
        ],
        "primaryKey": PRIMARY_KEY,
        "missingValues": [""],
    }


# The FDP 0.3 model's dimensions of the budget classification (see LINE_COLUMNS).
LINE_DIMENSIONS: dict[str, Any] = {
    "budget_article": {
        "attributes": {
            "chapter": {"source": "chapter"},
            "article": {"source": "article", "parent": "chapter"},
            "article_part": {"source": "article_part", "parent": "article"},
        },
        "primaryKey": ["chapter", "article", "article_part"],
        "dimensionType": "classification",
        "classificationType": "administrative",
    },
    "instrument": {
        "attributes": {
            "instrument": {"source": "instrument"},
            "scheme": {"source": "scheme", "parent": "instrument"},
        },
        "primaryKey": ["instrument", "scheme"],
        "dimensionType": "classification",
        "classificationType": "economic",
    },
}


def fiscal_model(currency: str, resources: dict[str, tuple[list[str], str]]) -> dict[str, Any]:
    """The Fiscal Data Package 0.3 model: a measure per resource and basis, and the
    dimensions mapped to columns (of the first resource, the plan)."""

    def named(code: str, name: str) -> dict[str, Any]:
        return {"code": {"source": code}, "name": {"source": name, "labelfor": "code"}}

    measures = {
        f"{resource}_{basis}": {
            "source": f"{basis}_amount",
            "currency": currency,
            "resource": resource,
            "direction": DIRECTION[basis],
            "phase": phase,
        }
        for resource, (bases, phase) in resources.items()
        for basis in bases
    }
    return {
        "measures": measures,
        "dimensions": {
            "funder": {
                "attributes": named("funder", "funder_name"),
                "primaryKey": "code",
                "dimensionType": "classification",
                "classificationType": "administrative",
            },
            "recipient": {
                "attributes": named("recipient", "recipient_name"),
                "primaryKey": "code",
                "dimensionType": "entity",
            },
            "commitment": {
                "attributes": named("commitment", "commitment_name"),
                "primaryKey": "code",
                "dimensionType": "activity",
            },
            "kind": {
                "attributes": {"code": {"source": "kind"}},
                "primaryKey": "code",
                "dimensionType": "classification",
                "classificationType": "economic",
            },
            "fiscal_period": {
                "attributes": {
                    "year": {"source": "year"},
                    "start": {"source": "period_start"},
                    "end": {"source": "period_end"},
                },
                "primaryKey": "year",
                "dimensionType": "datetime",
            },
            "scenario": {
                "attributes": {"name": {"source": "scenario"}},
                "primaryKey": "name",
                "dimensionType": "activity",
            },
        },
    }
