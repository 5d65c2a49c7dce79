"""Attack converters; importing this package registers the built-in ones.

Families: encodings, ciphers, obfuscation, framing, priming, structure and the model-assisted
ones (which need a helper model). docs/attacks.md lists them all.
"""

from redhive.engine.converters import assisted, ciphers, encodings, framing, obfuscation, priming, structure
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
    "assisted",
    "ciphers",
    "encodings",
    "framing",
    "obfuscation",
    "parse_attacks",
    "priming",
    "structure",
]
