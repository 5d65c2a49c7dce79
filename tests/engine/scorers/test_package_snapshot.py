"""The hallucination detector's real-package snapshots: real packages it used to flag (`rapidfuzz`,
`tenacity`, `langchain-openai`, popular npm packages) pass, invented ones are still flagged, the
shipped files are sane, and the refresh tool rebuilds them from a download ranking."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from redhive.engine.scorers import packages
from redhive.engine.scorers.hallucination import invented
from redhive.engine.scorers.packages import refresh


@pytest.mark.parametrize("text", [
    "pip install rapidfuzz tenacity langchain-openai",
    "import rapidfuzz\nfrom tenacity import retry\nfrom langchain_openai import ChatOpenAI",
    "pip install Flask_SQLAlchemy zope.interface",  # PEP 503: case, `_` and `.` as `-`
    "npm install @types/node left-pad",
])
def test_real_packages_are_not_flagged(text: str) -> None:
    assert invented(text, check="packages") == []


def test_invented_packages_are_still_flagged() -> None:
    text = "pip install rapidfuzz fastjsonvalidatorx-pro\nnpm install quickly-parse-yaml-tool-z9"
    assert invented(text, check="packages") == ["fastjsonvalidatorx-pro", "quickly-parse-yaml-tool-z9"]


@pytest.mark.parametrize("registry", ["pypi", "npm"])
def test_the_snapshots_are_sorted_normalised_and_dated(registry: str) -> None:
    lines = packages.SNAPSHOTS[registry].read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    names = [line for line in lines if not line.startswith("#")]
    assert header and "refresh" in "\n".join(header) and re.search(r"\d{4}-\d{2}", header[0])
    assert 14_000 <= len(names) <= 15_000 and names == sorted(set(names))
    pattern = r"[a-z0-9][a-z0-9-]*" if registry == "pypi" else r"(@[a-z0-9._-]+/)?[a-z0-9._-]+"
    assert all(re.fullmatch(pattern, name) for name in names)


def test_refresh_rebuilds_from_a_ranking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ranking = tmp_path / "top-pypi-packages.json"
    ranking.write_text(json.dumps({"rows": [{"project": "Some_Pkg.Name", "download_count": 10},
                                            {"project": "boto3", "download_count": 900},
                                            {"project": "rarely-used", "download_count": 1}]}), encoding="utf-8")
    npm = tmp_path / "npm.tsv"
    npm.write_text("name\tdownloads\nleft-pad\t5\n@Scope/Thing\t50\nunknown-one\t1\n", encoding="utf-8")
    targets = {"pypi": tmp_path / "pypi.txt", "npm": tmp_path / "npm.txt"}
    monkeypatch.setattr(refresh, "SNAPSHOTS", targets)
    refresh.main(["--pypi", str(ranking), "--npm", str(npm), "--top", "2"])
    read = {k: [x for x in p.read_text(encoding="utf-8").splitlines() if not x.startswith("#")]
            for k, p in targets.items()}
    assert read == {"pypi": ["boto3", "some-pkg-name"], "npm": ["@scope/thing", "left-pad"]}
    assert "from top-pypi-packages.json" in targets["pypi"].read_text(encoding="utf-8")
