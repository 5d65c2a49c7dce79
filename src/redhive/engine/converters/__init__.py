"""Attack converters, a module per family: encodings, ciphers, obfuscation, framing, priming,
structure and the model-assisted ones (which need a helper model); each registers its converters
when imported, which the first `registry.get("converter", …)` does. docs/attacks.md lists them all.
"""

from redhive.engine.converters.base import Chain, Converter, HelperModel, Reversible, Template, parse_attacks

#: The six original converters: the attack set the simulated targets' weakness table is written for.
CLASSIC = ("base64", "rot13", "leetspeak", "roleplay", "prefix_injection", "refusal_suppression")

__all__ = [
    "CLASSIC",
    "Chain",
    "Converter",
    "HelperModel",
    "Reversible",
    "Template",
    "parse_attacks",
]
