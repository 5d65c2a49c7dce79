"""CSAF 2.0's mandatory tests (§6.1) beyond the JSON schema, run on every CSAF export
(redhive.findings.csaf_checks): redhive's advisory passes them all, and each test catches a
document broken on purpose in the way it names. An export whose document would fail one is refused
with one sentence, never written."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from tests.disclosure.formats import check_csaf
from tests.disclosure.property_cases import AT, Case, Spec, build

from redhive.disclosure import tlp
from redhive.disclosure.redaction import share_flaw, share_report
from redhive.findings import csaf_checks, exports
from redhive.findings.exports import CsafInvalid, Exported, Product
from redhive.orgs.models import Organization

GREEN = "TLP:GREEN"
V1, V2 = Product("a" * 32, "Chatty v1"), Product("b" * 32, "Chatty v2")
ORG = Organization(id="1" * 32, name="Lab", name_key="lab", kind="developer", description="", created_at=AT)


def _advisory() -> dict[str, Any]:
    """Two flaws on Chatty: one affects v1, the other was fixed in v2; every field GREEN."""
    spec = {f: GREEN for f in tlp.FIELDS["flaw"]}
    rep = {f: GREEN for f in tlp.FIELDS["report"]}
    case = Case(flaws=[(Spec("flaw", "HZ0", "none", dict(spec)), [Spec("report", "HZ0", "none", dict(rep))])
                       for _ in range(2)])
    ids = (f"{n:032d}" for n in itertools.count(1))
    flaws, reports, fixes = build(case, org_id=ORG.id, system_id="2" * 32, version_id=V1.id, ids=ids)
    items = [Exported(flaw=share_flaw(f, GREEN, [x for x in fixes if x.flaw_id == f.id]),
                      reports=[share_report(r, GREEN) for r in reports if r.flaw_id == f.id], system="Chatty",
                      system_kind="Model", affected=[V1], fixed=[V2] if n else []) for n, f in enumerate(flaws)]
    return exports.csaf_document(items, ORG, GREEN, AT)


def _score(version: str = "3.1", severity: str = "HIGH") -> dict[str, Any]:
    return {"products": [V1.id], "cvss_v3": {"version": version, "vectorString": f"CVSS:{version}/AV:N/AC:L/PR:N/"
                                             "UI:N/S:U/C:H/I:N/A:N", "baseScore": 7.5, "baseSeverity": severity}}


def _revisions(*numbers_and_dates: tuple[str, str]) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        d["document"]["tracking"]["revision_history"] = [{"date": f"2026-12-0{day}T09:00:00+00:00", "number": n,
                                                          "summary": "x"} for n, day in numbers_and_dates]
    return apply


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = d
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value
    return apply


def _both(*fns: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(d: dict[str, Any]) -> None:
        for fn in fns:
            fn(d)
    return apply


BREAKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "6.1.1": lambda d: d["vulnerabilities"][0]["product_status"]["known_affected"].append("CSAFPID-0404"),
    "6.1.2": lambda d: d["product_tree"]["full_product_names"].append({"name": "Chatty v1 again",
                                                                       "product_id": V1.id}),
    "6.1.3": _set("product_tree/relationships", [{
        "category": "default_component_of", "product_reference": "loop", "relates_to_product_reference": V1.id,
        "full_product_name": {"name": "Chatty in itself", "product_id": "loop"}}]),
    "6.1.4": _set("vulnerabilities/1/remediations/0/group_ids", ["CSAFGID-0404"]),
    "6.1.5": _set("product_tree/product_groups", [{"group_id": "CSAFGID-1", "product_ids": [V1.id, V2.id]},
                                                  {"group_id": "CSAFGID-1", "product_ids": [V1.id, V2.id]}]),
    "6.1.6": lambda d: d["vulnerabilities"][1]["product_status"]["known_affected"].append(V2.id),
    "6.1.7": _set("vulnerabilities/0/scores", [_score(), _score()]),
    "6.1.8": _set("vulnerabilities/0/scores", [_score(severity="LOW")]),
    "6.1.12": _set("document/lang", "english please"),
    "6.1.14": _both(_revisions(("2", 1), ("1", 2)), _set("document/tracking/version", "1")),
    "6.1.15": _set("document/publisher/category", "translator"),
    "6.1.16": _set("document/tracking/version", "2"),
    "6.1.17": _both(_revisions(("0", 1)), _set("document/tracking/version", "0")),
    "6.1.18": _both(_revisions(("0", 1), ("1", 2)), _set("document/tracking/version", "1")),
    "6.1.20": _both(_revisions(("1.0.0-rc.1", 1)), _set("document/tracking/version", "1.0.0-rc.1")),
    "6.1.21": _both(_revisions(("1", 1), ("3", 2)), _set("document/tracking/version", "3")),
    "6.1.22": _both(_revisions(("1", 1), ("1", 2)), _set("document/tracking/version", "1")),
    "6.1.23": _both(_set("vulnerabilities/0/cve", "CVE-2026-10001"), _set("vulnerabilities/1/cve", "CVE-2026-10001")),
    "6.1.27.4": lambda d: d.pop("product_tree"),
    "6.1.27.5": lambda d: d["vulnerabilities"][0].pop("notes"),
    "6.1.27.6": lambda d: d["vulnerabilities"][0].pop("product_status"),
    "6.1.28": _both(_set("document/source_lang", "en"), _set("document/publisher/category", "translator")),
    "6.1.29": lambda d: d["vulnerabilities"][1]["remediations"][0].pop("product_ids"),
    "6.1.30": _both(_revisions(("1.0.0", 1)), _set("document/tracking/version", "1")),
}


def test_redhives_advisory_passes_every_mandatory_test() -> None:
    doc = _advisory()
    assert doc["document"]["category"] == "csaf_security_advisory" and len(doc["vulnerabilities"]) == 2
    assert doc["vulnerabilities"][1]["product_status"] == {"known_affected": [V1.id], "fixed": [V2.id]}
    assert doc["vulnerabilities"][1]["remediations"]  # so 6.1.29 has something to test
    check_csaf(doc)  # the official schema, then every test below
    assert csaf_checks.failures(doc) == []


def test_every_implemented_test_has_a_broken_document() -> None:
    assert set(BREAKS) == set(csaf_checks.CHECKS)


@pytest.mark.parametrize("number", list(BREAKS))
def test_each_mandatory_test_catches_its_broken_document(number: str) -> None:
    doc = copy.deepcopy(_advisory())
    BREAKS[number](doc)
    caught = csaf_checks.failures(doc)
    assert number in {n for n, _ in caught}, caught
    # and no other test blames it, where the breakage is one thing only
    alone = {"6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5", "6.1.6", "6.1.7", "6.1.8", "6.1.12", "6.1.15", "6.1.16",
             "6.1.22", "6.1.23", "6.1.27.5", "6.1.27.6", "6.1.29"}
    if number in alone:
        assert {n for n, _ in caught} == {number}, caught


def test_an_export_that_fails_a_test_is_refused_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = copy.deepcopy(_advisory())
    BREAKS["6.1.6"](broken)
    monkeypatch.setattr(exports, "csaf_document", lambda *args: broken)
    with pytest.raises(CsafInvalid) as caught:
        exports.render("csaf", [], ORG, GREEN, AT)
    message = str(caught.value)
    assert message.startswith("The CSAF advisory failed CSAF 2.0 mandatory test 6.1.6 (/vulnerabilities/1/"
                              f"product_status: product '{V2.id}' is affected and fixed)")
    assert message.count(". ") == 0 and CsafInvalid.http_status == 500
