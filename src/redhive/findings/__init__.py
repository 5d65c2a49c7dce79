"""Vulnerability management for AI flaws: reports, canonical flaws, one lifecycle each, dedup,
severity and priority, replays, remediations and version-aware regression re-tests."""
