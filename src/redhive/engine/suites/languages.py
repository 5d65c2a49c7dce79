"""The languages a probe may be written in, and how an attempt's language is read back.

A probe says its language (`language`, ISO 639-1, default `en`). Attempts are stored without it, so a
probe in another language carries its code as the last part of its id (`leak-basic.sw`): the schema
requires that, and `language_of` reads it back for the run summary's per-language table. An id whose
last part is not a listed code is English.
"""

from __future__ import annotations

# The network's language list (ISO 639-1 code -> English name): the languages its members bring
# are the ones its probes may be written in. Add a language there.
from redhive.taxonomy import LANGUAGES

__all__ = ["LANGUAGES", "language_of"]


def language_of(probe_id: str) -> str:
    """The language of the probe with this id (see the module docstring)."""
    _, dot, last = probe_id.rpartition(".")
    return last if dot and last in LANGUAGES else "en"
