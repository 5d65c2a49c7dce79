"""Imports every domain's tables so that Base.metadata is complete (for Alembic and tests)."""

from redhive.runs.models import Attempt, Run
from redhive.runs.turns import Turn

__all__ = ["Attempt", "Run", "Turn"]
