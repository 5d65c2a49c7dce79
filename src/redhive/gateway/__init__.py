"""Controlled access: an OpenAI-compatible gateway with mission-scoped keys, per-key limits, policy
checks and a tamper-evident, hash-chained transcript of every exchange (docs/gateway.md)."""
