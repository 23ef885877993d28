"""Open-data exports: IATI 2.03 activities and a Frictionless (Fiscal) Data Package."""

from __future__ import annotations

from budget.render.export.datapackage import write_datapackage
from budget.render.export.iati import activities_xml, iati_problems, write_iati

__all__ = ["activities_xml", "iati_problems", "write_datapackage", "write_iati"]
