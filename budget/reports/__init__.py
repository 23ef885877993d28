"""Reports: typed tables computed from projections, with no text layout.

Each report is built once as plain data; the renderers in `budget.render` (terminal text,
CSV/JSON, workbook sheets, exports) only lay it out. `frames` holds the public DataFrame
functions (`budget.project`, `budget.compare`, ...).
"""
