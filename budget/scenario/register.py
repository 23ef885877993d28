"""Registers of commitments in CSV or XLSX files (see the scenarios issue)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from budget.errors import Problem


def read_register(
    path: Path, shown: str
) -> tuple[list[tuple[dict[str, Any], Callable[[str | None], str]]], list[Problem]]:
    """Rows of a register as raw commitment tables; not yet supported."""
    return [], [Problem(shown, "", "registers are not supported yet")]
