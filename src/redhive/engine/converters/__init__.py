"""Attack converters; importing this package registers the built-in ones."""

from redhive.engine.converters import encodings, framing
from redhive.engine.converters.base import Chain, Converter, parse_attacks

__all__ = ["Chain", "Converter", "encodings", "framing", "parse_attacks"]
