"""The flags that say how to reach the targets, shared by `scan` and `agent-scan` (one definition,
one help text), and the `--target-option KEY=VALUE` parser."""

from __future__ import annotations

import json
from typing import Any

import typer

from redhive.cli.common import fail

__all__ = ["API_KEY", "API_KEY_ENV", "BASE_URL", "MAX_RETRIES", "RPM", "TARGET_CONCURRENCY", "TARGET_OPTION",
           "TIMEOUT", "target_options"]

BASE_URL = typer.Option(None, "--base-url", help="Endpoint of the openai:/anthropic: targets (default: "
                        "OPENAI_BASE_URL, or the provider's).")
API_KEY = typer.Option(None, "--api-key", help="The targets' API key; sent to the targets only. Default: the "
                       "variable --api-key-env names, else OPENAI_API_KEY / ANTHROPIC_API_KEY when no --base-url "
                       "is given.")
API_KEY_ENV = typer.Option(None, "--api-key-env", metavar="VAR", help="Environment variable holding the targets' "
                           "API key.")
TIMEOUT = typer.Option(60.0, "--timeout", help="Seconds before one request counts as failed.")
MAX_RETRIES = typer.Option(4, "--max-retries", help="Retries on 429/5xx/timeouts, with backoff.")
RPM = typer.Option(None, "--rpm", help="Requests per minute per target.")
TARGET_CONCURRENCY = typer.Option(None, "--target-concurrency", help="Requests in flight per target (default: "
                                  "--concurrency, so one knob sets both).")
TARGET_OPTION = typer.Option([], "--target-option", help="KEY=VALUE passed to every target (e.g. latency_ms=50 "
                             "for sim: targets); repeatable.")


def target_options(pairs: list[str]) -> dict[str, Any]:
    """`--target-option` pairs as a dict; a value that reads as JSON is taken as JSON."""
    extra: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise fail(f"--target-option '{pair}' is not KEY=VALUE (for example latency_ms=50).")
        try:
            extra[key.strip()] = json.loads(value)
        except ValueError:
            extra[key.strip()] = value
    return extra
