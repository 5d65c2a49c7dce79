"""AgentDojo's suites under redhive (the optional extra `redhive[agentdojo]`, agentdojo==0.1.35).

`load_environment("agentdojo:banking")` (or `redhive agent-scan --env agentdojo:banking`) gives an
environment whose tools, tasks, injection vectors and checks are AgentDojo's, run by redhive's loop
with redhive's monitors, traces and metrics. See docs/agentic.md, "AgentDojo".
"""

from __future__ import annotations

from redhive.engine.agentic.dojo.suite import BENCHMARK_VERSION, SUITES, DojoEnvironment, load_suite

__all__ = ["BENCHMARK_VERSION", "SUITES", "DojoEnvironment", "load_suite"]
