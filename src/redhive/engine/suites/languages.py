"""The languages a probe may be written in, and how an attempt's language is read back.

A probe says its language (`language`, ISO 639-1, default `en`). Attempts are stored without it, so a
probe in another language carries its code as the last part of its id (`leak-basic.sw`): the schema
requires that, and `language_of` reads it back for the run summary's per-language table. An id whose
last part is not a listed code is English.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "language_of"]

#: ISO 639-1 code -> English name. Add a language here to let probes use it.
LANGUAGES: dict[str, str] = {
    "en": "English", "ar": "Arabic", "hi": "Hindi", "sw": "Swahili", "yo": "Yoruba", "ta": "Tamil",
    "id": "Indonesian", "es": "Spanish", "fr": "French", "ja": "Japanese", "zh": "Chinese", "ru": "Russian",
    "pt": "Portuguese", "it": "Italian", "de": "German", "bn": "Bengali", "ur": "Urdu", "fa": "Persian",
    "tr": "Turkish", "vi": "Vietnamese", "th": "Thai", "ko": "Korean", "pl": "Polish", "nl": "Dutch",
    "uk": "Ukrainian", "ha": "Hausa", "am": "Amharic", "zu": "Zulu", "ig": "Igbo", "te": "Telugu",
    "mr": "Marathi", "tl": "Tagalog", "ms": "Malay", "sv": "Swedish", "el": "Greek", "he": "Hebrew",
}


def language_of(probe_id: str) -> str:
    """The language of the probe with this id (see the module docstring)."""
    _, dot, last = probe_id.rpartition(".")
    return last if dot and last in LANGUAGES else "en"
