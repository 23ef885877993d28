"""The engine: a scenario's commitments over arrays of (draws, commitments, years).

`projection` compiles a Plan and computes it (the recipient waterfall, the tidy rows);
`funder_split` divides each amount over the funders; `limits` checks funder totals against
budget ceilings; `realised` follows each commitment against its bookings (the forecast).
"""
