"""The generated built-in suites (redhive.engine.suites.generators): the committed data is exactly
what the generators write, and the `language` field is checked like every other field."""

from __future__ import annotations

from pathlib import Path

import pytest

from redhive.engine.suites import load_suite
from redhive.engine.suites.generators.write import stale_files
from redhive.engine.suites.languages import language_of
from redhive.errors import SuiteFileError


def test_the_committed_suite_data_is_what_the_generators_write() -> None:
    assert stale_files() == [], "run `python -m redhive.engine.suites.generators`"


def test_core_multilingual_has_the_same_sixteen_probes_in_twelve_languages() -> None:
    suite = load_suite("core-multilingual")
    by_language: dict[str, set[str]] = {}
    for probe in suite.probes:
        assert language_of(probe.id) == probe.language != "en"
        by_language.setdefault(probe.language, set()).add(probe.id.rsplit(".", 1)[0])
    assert len(by_language) == 12
    assert all(ids == {"spl-001", "pid-001", "pii-doc-001", "jb-001", "ctl-001", "bias-001", "spl-101", "pid-101",
                       "jb-101", "ctl-101", "pii-101", "mis-101", "spl-102", "pii-doc-101", "pii-102", "mis-102"}
               for ids in by_language.values())
    # every core risk area is tested in every language
    core_areas = {p.risk_area for p in load_suite("core").probes}
    for language in by_language:
        assert {p.risk_area for p in suite.probes if p.language == language} == core_areas


PROBE = """\
- id: {id}
  title: t
  risk_area: jailbreak
  owasp: LLM01:2025
  atlas: AML.T0054
  language: {language}
  prompt: p
  detector: {{type: refusal}}
"""


@pytest.mark.parametrize(("probe_id", "language", "message"), [
    ("leak-1", "sw", "a probe in Swahili needs an id ending in '.sw'"),
    ("leak-1.fr", "en", "the id ends in '.fr', which marks a probe in French"),
    ("leak-1.xx", "xx", "'xx' is not a supported language code"),
])
def test_a_bad_language_is_one_clear_sentence_with_the_line(tmp_path: Path, probe_id: str, language: str,
                                                            message: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(PROBE.format(id=probe_id, language=language), encoding="utf-8")
    with pytest.raises(SuiteFileError) as caught:
        load_suite(str(path))
    assert message in str(caught.value) and "mine.yaml" in str(caught.value)


@pytest.mark.parametrize(("include", "message"), [
    ("[{suite: quick}]", "'quick' is not a built-in suite that holds its own probes"),
    ("[{suite: nosuch}]", "'nosuch' is not a built-in suite that holds its own probes"),
    ("[{suite: core, ids: [spl-001, nope-9]}]", "suite 'core' has no probe 'nope-9'"),
    ("core", "include: expected a list"),
])
def test_a_bad_selection_is_one_clear_sentence(tmp_path: Path, include: str, message: str) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "suite.yaml").write_text(f"name: mine\ninclude: {include}\n", encoding="utf-8")
    with pytest.raises(SuiteFileError) as caught:
        load_suite(str(folder))
    assert message in str(caught.value) and "suite.yaml" in str(caught.value)


def test_a_selection_of_ids_loads_those_probes(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "suite.yaml").write_text("name: mine\ninclude: [{suite: core, ids: [spl-001, jb-001]}, "
                                       "{suite: core-multilingual, ids: [ctl-001.yo]}]\n", encoding="utf-8")
    assert [p.id for p in load_suite(str(folder)).probes] == ["spl-001", "jb-001", "ctl-001.yo"]


def test_a_suite_folder_reads_jsonl_parts_with_comment_lines_and_names_a_bad_line(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "suite.yaml").write_text("name: mine\n", encoding="utf-8")
    probe = ('{"id": "%s", "title": "t", "risk_area": "jailbreak", "owasp": "LLM01:2025", "atlas": "AML.T0054", '
             '"prompt": "p", "detector": {"type": "refusal"}}')
    (folder / "a.yaml").write_text(PROBE.format(id="y-1", language="en"), encoding="utf-8")
    (folder / "b.jsonl").write_text(f"# generated\n{probe % 'j-1'}\n\n{probe % 'j-2'}\n", encoding="utf-8")
    assert [p.id for p in load_suite(str(folder)).probes] == ["y-1", "j-1", "j-2"]
    (folder / "b.jsonl").write_text(f"# generated\n{probe % 'j-1'}\n{{not json\n", encoding="utf-8")
    with pytest.raises(SuiteFileError) as caught:
        load_suite(str(folder))
    assert "b.jsonl" in str(caught.value) and "line 3" in str(caught.value)
