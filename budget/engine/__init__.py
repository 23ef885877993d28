"""The engine: a scenario's commitments over arrays of (draws, commitments, years).

`plan` compiles a scenario into a Plan; `compute` computes it for any filling of its
inputs (the kinds, the recipient waterfall); `funder_split` divides each amount over the
funders; `projection` gives one draw as tidy rows and the funder totals; `limits` checks
funder totals against budget ceilings; `realised` follows each commitment against its
bookings (the forecast).
"""
