"""The core: pure data and arithmetic that every later stage reads.

Money (integer cents, the one input parser, rounding, largest remainder), fiscal years and
half-open periods, user errors as values, currency codes, the frozen model types,
distributions as values, per-year inputs as arrays, reading typed fields out of raw tables,
and the process helpers for memory. Imports nothing else of the package.
"""
