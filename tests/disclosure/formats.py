"""Validators of the export formats, all offline: the official CSAF 2.0 JSON schema (a local copy,
tests/data/csaf/README.md), avidtools' Report model (installed, or the vendored copy of 0.3.2,
tests/data/vendor/README.md) and the platform's own published schema (docs/schemas/)."""

from __future__ import annotations

import functools
import json
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[2]
CSAF = ROOT / "tests" / "data" / "csaf"
CVSS = {f"https://www.first.org/cvss/cvss-v{v}.json": CSAF / "referenced" / f"cvss-v{v}.json"
        for v in ("2.0", "3.0", "3.1")}

_formats = FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339: a date, a time and an offset."""
    return not isinstance(value, str) or datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@_formats.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


@functools.cache
def csaf_validator() -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (url, Resource.from_contents(json.loads(path.read_text(encoding="utf-8")))) for url, path in CVSS.items())
    schema = json.loads((CSAF / "csaf_json_schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=_formats)


@functools.cache
def export_validator() -> Draft202012Validator:
    schema = json.loads((ROOT / "docs" / "schemas" / "findings-export-1.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_formats)


@functools.cache
def avid_report_model() -> Any:
    """avidtools' Report (its models use pydantic-1 style Config, which pydantic 2 warns about)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from avidtools.datamodels.report import Report
        except ImportError:
            sys.path.insert(0, str(ROOT / "tests" / "data" / "vendor"))
            from avidtools.datamodels.report import Report
    return Report


def check_csaf(document: dict[str, Any]) -> None:
    """The official JSON schema, then CSAF 2.0's mandatory tests (§6.1) that redhive implements."""
    from redhive.findings.csaf_checks import failures

    errors = sorted(csaf_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert failures(document) == []


def check_export(document: dict[str, Any]) -> None:
    errors = list(export_validator().iter_errors(document))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def check_avid(reports: list[dict[str, Any]]) -> None:
    model = avid_report_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for report in reports:
            model.model_validate(report)
