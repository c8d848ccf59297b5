"""The clinical rules: a request and a dataset become a plan (pure; no I/O, no rendering)."""

from handouts.rules.plan import make_plan

__all__ = ["make_plan"]
