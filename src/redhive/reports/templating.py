"""The one Jinja environment of the HTML reports. Every value is escaped (`autoescape=True`, whatever
a template's file name ends with: `*.html.j2` slipped past `select_autoescape()`, so model answers
ran as script in the reader's browser); only the charts redhive draws itself are `Markup`."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader

__all__ = ["report_environment"]


def report_environment() -> Environment:
    env = Environment(loader=PackageLoader("redhive.reports", "templates"), autoescape=True)
    env.filters["pct"] = lambda v: "–" if v is None else f"{v * 100:.1f}%"
    return env
