"""Hypothesis strategies: the public ones for users' property tests (`strategies`), and the
tables that give each commitment kind and distribution its strategy. Only the tests, `budget
check`'s search and users import this package; no stage of the pipeline does."""
