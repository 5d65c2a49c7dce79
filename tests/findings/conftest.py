"""Findings tests reuse the gateway's world: Northwind Labs, its `chat` system (v1 = sim:guarded), an
active mission with one participant (Rita) and a coordinator, and the app served on 127.0.0.1."""

from __future__ import annotations

from tests.gateway.conftest import gateway_settings, upstream, world

__all__ = ["gateway_settings", "upstream", "world"]
