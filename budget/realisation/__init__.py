"""Realisation: actual bookings against the plan, the forecast, and results against targets."""
