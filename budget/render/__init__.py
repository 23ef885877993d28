"""Renderers: terminal text, CSV/JSON, the workbook and the open-data exports.

Each lays out a report from `budget.reports` (or the engine's tidy rows) and never
regroups it. Only the workbook writer and the exports touch files (`atomic`).
"""
