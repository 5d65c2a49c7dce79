"""Imports every domain's tables so that Base.metadata is complete (for Alembic and tests)."""

from redhive.agent_runs.models import AgentEpisode, AgentRun
from redhive.runs.models import Attempt, Run
from redhive.runs.turns import Turn

__all__ = ["AgentEpisode", "AgentRun", "Attempt", "Run", "Turn"]
