"""The tidy rows as a Frictionless Data Package with the Fiscal Data Package model.

A folder with `projection.csv` (one row per commitment, funder, basis and fiscal year) and
`datapackage.json`: a Table Schema (types, `kind`, `basis` and `currency` as enums, `year`
an integer, `amount` a number written with exactly two decimals, `amount_cents` the same
amount as an integer of cents, primary key scenario, commitment, funder, basis, year) and
the Fiscal Data Package (0.3) `model`: the measure `amount` with its currency, and the
dimensions funder (administrative classification), recipient (entity), commitment
(activity), basis, fiscal period (year with its first and last day) and scenario.

`amount` is a Table Schema `number`: readers get a decimal, and Table Schema cannot require
two places of a number (`pattern` is for strings only), so the writer guarantees them: the
text comes from integer cents, never through a float. The CSV is written before the
descriptor, each atomically, so a descriptor never points to a half-written file.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from budget.core.model import BASES, Scenario
from budget.kinds import KINDS
from budget.render.export.files import check_folder, write_chunks
from budget.render.export.text import decimal_text, fiscal_period
from budget.render.workbook.save import write_atomically

DATA = "projection.csv"
DESCRIPTOR = "datapackage.json"
RESOURCE = "projection"
PRIMARY_KEY = ["scenario", "commitment", "funder", "basis", "year"]


def write_datapackage(
    scenario: Scenario, rows: pd.DataFrame, folder: str, inputs: list[str]
) -> Path:
    """Write the data package into `folder` (made when absent); InputError when refused."""
    target = check_folder(folder, inputs, [DATA, DESCRIPTOR])
    table = package_rows(scenario, rows)

    def write_csv(out: IO[bytes]) -> None:
        wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="")
        table.to_csv(wrapper, index=False, lineterminator="\n")
        wrapper.flush()
        wrapper.detach()

    write_atomically(target / DATA, write_csv)
    descriptor = json.dumps(package_descriptor(scenario, table), indent=2, ensure_ascii=False)
    write_chunks(target / DESCRIPTOR, [descriptor, "\n"])
    return target


def package_rows(scenario: Scenario, rows: pd.DataFrame) -> pd.DataFrame:
    """The CSV's rows: the tidy rows with names, the fiscal period and the amount."""
    cents = rows["amount_cents"].to_numpy(np.int64)
    years = rows["year"].to_numpy(np.int64)
    known, at = np.unique(years, return_inverse=True)
    periods = [fiscal_period(scenario.calendar, int(y)) for y in known]
    starts = np.array([p[0] for p in periods], dtype=object)[at]
    ends = np.array([p[1] for p in periods], dtype=object)[at]
    titles = {c.id: c.title for c in scenario.commitments}
    recipients = {k: r.name for k, r in scenario.recipients.items()}
    funders = {k: f.name for k, f in scenario.funders.items()}
    return pd.DataFrame(
        {
            "scenario": _texts(rows["scenario"]),
            "commitment": _texts(rows["commitment"]),
            "commitment_name": _texts(rows["commitment"], titles),
            "recipient": _texts(rows["recipient"]),
            "recipient_name": _texts(rows["recipient"], recipients),
            "funder": _texts(rows["funder"]),
            "funder_name": _texts(rows["funder"], funders),
            "kind": _texts(rows["kind"]),
            "basis": _texts(rows["basis"]),
            "year": years,
            "period_start": starts,
            "period_end": ends,
            "currency": scenario.currency,
            "amount": decimal_text(cents),
            "amount_cents": cents,
        }
    )


def _texts(column: pd.Series, names: dict[str, str] | None = None) -> Any:
    """A categorical column's text per row (or the name of each key), looked up once per
    category rather than once per row."""
    categories = [str(c) for c in column.cat.categories]
    if names is not None:
        categories = [names.get(c, c) for c in categories]
    return np.array(categories, dtype=object)[column.cat.codes.to_numpy(np.int64)]


def slug(name: str) -> str:
    """A Data Package name: lower case letters, digits, '-', '_' and '.'."""
    text = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")
    return text or "budget-scenario"


def package_descriptor(scenario: Scenario, table: pd.DataFrame) -> dict[str, Any]:
    """datapackage.json as a dict (see the module docstring)."""
    currency = scenario.currency
    years = table["year"]
    first = fiscal_period(scenario.calendar, int(years.min()))[0] if len(table) else None
    last = fiscal_period(scenario.calendar, int(years.max()))[1] if len(table) else None
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
    descriptor["resources"] = [
        {
            "name": RESOURCE,
            "path": DATA,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": table_schema(currency),
        }
    ]
    descriptor["model"] = fiscal_model(currency)
    return descriptor


def table_schema(currency: str) -> dict[str, Any]:
    def field(name: str, kind: str, description: str, **extra: Any) -> dict[str, Any]:
        return {"name": name, "type": kind, "description": description, **extra}

    required = {"required": True}
    return {
        "fields": [
            field("scenario", "string", "the scenario's name", constraints=required),
            field("commitment", "string", "the commitment's id", constraints=required),
            field("commitment_name", "string", "the commitment's title"),
            field("recipient", "string", "who receives the money (its key)"),
            field("recipient_name", "string", "the recipient's name"),
            field("funder", "string", "who pays (its key)", constraints=required),
            field("funder_name", "string", "the funder's name"),
            field(
                "kind",
                "string",
                "the kind of commitment",
                constraints={"required": True, "enum": list(KINDS)},
            ),
            field(
                "basis",
                "string",
                "commitment: obligations entered that year; cash: payments made that year",
                constraints={"required": True, "enum": list(BASES)},
            ),
            field(
                "year",
                "integer",
                "the fiscal year, named after the calendar year in which it ends",
                constraints=required,
            ),
            field("period_start", "date", "the fiscal year's first day", format="default"),
            field("period_end", "date", "the fiscal year's last day", format="default"),
            field(
                "currency",
                "string",
                "the ISO 4217 code of the amounts",
                constraints={"required": True, "enum": [currency]},
            ),
            field(
                "amount",
                "number",
                f"the amount in {currency}, exact, always with two decimals",
                decimalChar=".",
                bareNumber=True,
                constraints=required,
            ),
            field(
                "amount_cents",
                "integer",
                "the same amount in cents (hundredths), for exact sums",
                constraints=required,
            ),
        ],
        "primaryKey": PRIMARY_KEY,
        "missingValues": [""],
    }


def fiscal_model(currency: str) -> dict[str, Any]:
    """The Fiscal Data Package 0.3 model: measures and dimensions mapped to columns."""

    def named(code: str, name: str) -> dict[str, Any]:
        return {"code": {"source": code}, "name": {"source": name, "labelfor": "code"}}

    return {
        "measures": {
            "amount": {
                "source": "amount",
                "currency": currency,
                "resource": RESOURCE,
                "direction": "expenditure",
            }
        },
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
                "attributes": {
                    **named("commitment", "commitment_name"),
                    "kind": {"source": "kind"},
                },
                "primaryKey": "code",
                "dimensionType": "activity",
            },
            "basis": {
                "attributes": {"code": {"source": "basis"}},
                "primaryKey": "code",
                "dimensionType": "other",
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
                "dimensionType": "other",
            },
        },
    }
