"""Incidents: serious flaws found in deployed systems."""
