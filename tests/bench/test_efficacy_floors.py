"""The efficacy Must-show, kept: on each fixture application of tests/efficacy (written apart from
the probes and detectors, each with a hardened twin), the command a user would type finds every
planted flaw with attempt-level precision >= 0.9 and recall >= 0.8, and nothing on the twin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_every_fixture_application_meets_the_floors(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "efficacy.py"), "--config", "default", "--json",
                           "--out", str(tmp_path / "efficacy.json")],
                          capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-4000:]
    apps = json.loads(proc.stdout)["configs"]["default"]
    assert len(apps) >= 3
    for name, result in apps.items():
        app, twin = result["app"], result["twin"]
        assert app["missed_flaws"] == [], name
        assert app["precision"] >= 0.9 and app["recall"] >= 0.8, (name, app["precision"], app["recall"])
        assert app["unjoined"] == 0 and twin["unjoined"] == 0, name  # every attempt judged against the app's log
        assert twin["successes"] == 0, (name, twin["successes_by_area"])
