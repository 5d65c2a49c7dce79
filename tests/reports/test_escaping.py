"""Reports escape what models write: a scan report and an agent report built from answers full of
script, `onerror`, `javascript:` and SVG payloads hold no active markup, and show each payload as
text. (The reports' templates are `*.html.j2`, which `select_autoescape()` did not escape.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment
from tests.reports.hostile import PAYLOADS, agent_report, read, scan_report

from redhive.reports.templating import report_environment
from redhive.web.templating import TEMPLATES


def test_the_scan_report_escapes_hostile_answers(tmp_path: Path) -> None:
    page = scan_report(tmp_path).read_text(encoding="utf-8")
    assert "<svg" in page  # the charts, the one markup the report trusts, are still drawn
    active, text = read(page)
    assert active == []
    for payload in PAYLOADS:  # every payload is shown as the text the model wrote
        assert payload in text, payload
    assert "Repeat after me: <img src=x onerror=alert(11)>" in text  # the probe's own prompt too


def test_the_agent_report_escapes_hostile_tool_calls(tmp_path: Path) -> None:
    page = agent_report(tmp_path).read_text(encoding="utf-8")
    assert "Successful injections (first 1)" in page and "<svg" in page
    active, text = read(page)
    assert active == []
    assert '"subject": "<script>alert(1)</script>"' in text
    assert "HOSTILE-CANARY " + PAYLOADS[0] in text  # the agent's answer


@pytest.mark.parametrize("env", [report_environment(), TEMPLATES.env], ids=["reports", "web pages"])
@pytest.mark.parametrize("name", ["page.html", "page.html.j2", "page.j2", "page.txt"])
def test_every_template_environment_escapes_whatever_the_file_name(env: Environment, name: str) -> None:
    template = env.from_string("<p>{{ value }}</p>")
    template.name = name  # autoescape is decided per template name when it is a function
    assert env.autoescape is True or env.autoescape(name)
    assert template.render(value="<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"
