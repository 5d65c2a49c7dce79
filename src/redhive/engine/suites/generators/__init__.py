"""Generators of built-in suite data from templates and seed lists (issue 21).

The suites they write are committed as data under `suites/data/`; `python -m
redhive.engine.suites.generators` rewrites them and `tests/engine/test_generated_suites.py` checks the
committed files are exactly what the generators produce, so the data and its source never drift.
"""
