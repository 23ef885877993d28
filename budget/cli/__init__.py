"""The `budget` command line: the group (`group`), one module per command, and what they
share: `common` (exit statuses, the -o/--format/--strict options, loading, writing outputs),
`outputs` (where -o writes, atomically), `forecast` (the plan-against-actual helpers of run,
check, actuals and indicators).
"""

from budget.cli.group import cli, main

__all__ = ["cli", "main"]
