"""Safeguards: ordered policy checks around every gateway call. A check allows, flags or blocks, with
a reason that is recorded in the exchange; no check, flag or tier can stop an exchange being recorded."""

from redhive.safeguards.denylist import DenyList
from redhive.safeguards.pipeline import Check, CheckContext, Decision, Pipeline

__all__ = ["Check", "CheckContext", "Decision", "DenyList", "Pipeline"]
