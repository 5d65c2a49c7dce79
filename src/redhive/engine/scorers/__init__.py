"""Scorers: detectors (`base`) and the built-in ones, each in its own module, which registers it
when imported. `registry.get("scorer", name)` imports only the one a probe names."""
