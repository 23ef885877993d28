"""Uncertain inputs: drawing them (sampling), Monte Carlo (simulate), the search for limit
breaches (search), and the worker processes that run chunks of draws (workers)."""
