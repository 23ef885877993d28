"""The commands of the `budget` command line, one module each; `budget.cli` groups them.

`common` holds what they share (exit statuses, the -o/--format/--strict options, loading,
writing outputs); `forecast` the plan-against-actual helpers of run, check, actuals and
indicators.
"""
