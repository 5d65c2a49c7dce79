"""Structured logs: with `--log-format json` (or `REDHIVE_LOG_FORMAT=json`) every log record of redhive is
one JSON object on one line of stderr, carrying the run and request it belongs to, for a log shipper to
index; the default `text` format keeps the command line's stderr for warnings only.

The ids travel in context variables, so an attempt's log line names its run however deep in the engine
it is written: `run_id` is set by the scan that runs it, `request_id` by the platform for each HTTP request
(from the client's `X-Request-Id` when it is a plain token, else a new one, echoed in the answer)."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

__all__ = ["FORMATS", "JsonFormatter", "configure", "request_id", "run_id", "valid_request_id"]

FORMATS = ("text", "json")
run_id: ContextVar[str | None] = ContextVar("redhive_run_id", default=None)
request_id: ContextVar[str | None] = ContextVar("redhive_request_id", default=None)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: attributes every LogRecord has; anything else was passed with `extra=` and goes into the object
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}
_HANDLER_NAME = "redhive-structured"


def valid_request_id(value: str | None) -> bool:
    return value is not None and _REQUEST_ID.fullmatch(value) is not None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
        }
        for key, var in (("run_id", run_id), ("request_id", request_id)):
            value = var.get()
            if value is not None:
                entry[key] = value
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(fmt: str | None = None, level: str | None = None) -> str:
    """Send the `redhive` loggers' records to stderr in `fmt` (default: REDHIVE_LOG_FORMAT, else text) from
    `level` up (default: REDHIVE_LOG_LEVEL, else info for json and warning for text). Idempotent.
    Returns the format chosen; an unknown one raises ValueError naming the choices."""
    chosen = (fmt or os.environ.get("REDHIVE_LOG_FORMAT") or "text").lower()
    if chosen not in FORMATS:
        raise ValueError(f"log format '{chosen}' is not one of {', '.join(FORMATS)}")
    name = (level or os.environ.get("REDHIVE_LOG_LEVEL") or ("INFO" if chosen == "json" else "WARNING")).upper()
    if not isinstance(logging.getLevelName(name), int):
        raise ValueError(f"log level '{name}' is not one of DEBUG, INFO, WARNING, ERROR")
    logger = logging.getLogger("redhive")
    for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    text = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonFormatter() if chosen == "json" else text)
    logger.addHandler(handler)
    logger.setLevel(name)
    logger.propagate = False
    return chosen
