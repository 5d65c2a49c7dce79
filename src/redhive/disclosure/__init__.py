"""Coordinated disclosure: per-field TLP 2.0 labels, redaction by audience, disclosure clocks."""
