"""The CSAF 2.0 mandatory tests (OASIS CSAF 2.0, §6.1) beyond the JSON schema that can apply to the
advisories redhive writes (`csaf_security_advisory` and `csaf_base`, integer versioning). Every
CSAF export runs them (`findings.exports.render`): a document that fails one is a redhive bug and is
never handed out. Not implemented, because redhive writes none of what they test: 6.1.9–6.1.11
(CVSS computation, CWE), 6.1.13 (PURL), 6.1.19 (pre-release revisions), 6.1.24–6.1.26
(involvements, hashes, category names), 6.1.27.1–3 and 6.1.27.7–11 (other profiles), 6.1.31–33
(version ranges, flags)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["CHECKS", "Failure", "failures"]

Failure = tuple[str, str]  # (test number, what is wrong)
Doc = dict[str, Any]

_AFFECTED = ("first_affected", "known_affected", "last_affected")
_NOT_AFFECTED = ("known_not_affected",)
_FIXED = ("first_fixed", "fixed")
_INVESTIGATING = ("under_investigation",)
_STATUS_GROUPS = {"affected": _AFFECTED, "not affected": _NOT_AFFECTED, "fixed": _FIXED,
                  "under investigation": _INVESTIGATING}
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_CVSS3 = re.compile(r"^CVSS:3[.][01]/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|"
                    r"RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])/)*"
                    r"(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|"
                    r"[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$")
_SEVERITY = ((0.0, 0.0, "NONE"), (0.1, 3.9, "LOW"), (4.0, 6.9, "MEDIUM"), (7.0, 8.9, "HIGH"), (9.0, 10.0, "CRITICAL"))


def _branches(branches: list[Doc]) -> Iterator[Doc]:
    for b in branches or []:
        if "product" in b:
            yield b["product"]
        yield from _branches(b.get("branches", []))


def _defined_products(doc: Doc) -> list[str]:
    tree = doc.get("product_tree", {})
    names = [*(tree.get("full_product_names") or []), *_branches(tree.get("branches", [])),
             *(r["full_product_name"] for r in tree.get("relationships") or [] if "full_product_name" in r)]
    return [n["product_id"] for n in names if "product_id" in n]


def _referenced_products(doc: Doc) -> Iterator[tuple[str, str]]:
    """(path, product id) of every product reference."""
    tree = doc.get("product_tree", {})
    for i, g in enumerate(tree.get("product_groups") or []):
        for pid in g.get("product_ids", []):
            yield f"/product_tree/product_groups/{i}/product_ids", pid
    for i, r in enumerate(tree.get("relationships") or []):
        for key in ("product_reference", "relates_to_product_reference"):
            if key in r:
                yield f"/product_tree/relationships/{i}/{key}", r[key]
    for i, v in enumerate(doc.get("vulnerabilities") or []):
        for status, ids in (v.get("product_status") or {}).items():
            for pid in ids:
                yield f"/vulnerabilities/{i}/product_status/{status}", pid
        for key in ("remediations", "threats", "flags"):
            for j, item in enumerate(v.get(key) or []):
                for pid in item.get("product_ids", []):
                    yield f"/vulnerabilities/{i}/{key}/{j}/product_ids", pid
        for j, s in enumerate(v.get("scores") or []):
            for pid in s.get("products", []):
                yield f"/vulnerabilities/{i}/scores/{j}/products", pid


def t_6_1_1(doc: Doc) -> Iterator[str]:
    defined = set(_defined_products(doc))
    for path, pid in _referenced_products(doc):
        if pid not in defined:
            yield f"{path}: product {pid!r} is not defined in the product tree"


def t_6_1_2(doc: Doc) -> Iterator[str]:
    for pid, n in Counter(_defined_products(doc)).items():
        if n > 1:
            yield f"product {pid!r} is defined {n} times"


def t_6_1_3(doc: Doc) -> Iterator[str]:
    for i, r in enumerate(doc.get("product_tree", {}).get("relationships") or []):
        pid = r.get("full_product_name", {}).get("product_id")
        if pid is not None and pid in (r.get("product_reference"), r.get("relates_to_product_reference")):
            yield f"/product_tree/relationships/{i}: product {pid!r} is defined in terms of itself"


def _groups(doc: Doc) -> list[str]:
    return [g["group_id"] for g in doc.get("product_tree", {}).get("product_groups") or [] if "group_id" in g]


def t_6_1_4(doc: Doc) -> Iterator[str]:
    defined = set(_groups(doc))
    for i, v in enumerate(doc.get("vulnerabilities") or []):
        for key in ("remediations", "threats", "flags"):
            for j, item in enumerate(v.get(key) or []):
                for gid in item.get("group_ids", []):
                    if gid not in defined:
                        yield f"/vulnerabilities/{i}/{key}/{j}/group_ids: product group {gid!r} is not defined"


def t_6_1_5(doc: Doc) -> Iterator[str]:
    for gid, n in Counter(_groups(doc)).items():
        if n > 1:
            yield f"product group {gid!r} is defined {n} times"


def t_6_1_6(doc: Doc) -> Iterator[str]:
    for i, v in enumerate(doc.get("vulnerabilities") or []):
        status = v.get("product_status") or {}
        where: dict[str, set[str]] = {}
        for group, keys in _STATUS_GROUPS.items():
            for key in keys:
                for pid in status.get(key, []):
                    where.setdefault(pid, set()).add(group)
        for pid, groups in sorted(where.items()):
            if len(groups) > 1:
                yield f"/vulnerabilities/{i}/product_status: product {pid!r} is {' and '.join(sorted(groups))}"


def t_6_1_7(doc: Doc) -> Iterator[str]:
    for i, v in enumerate(doc.get("vulnerabilities") or []):
        seen: Counter[tuple[str, str, str]] = Counter()
        for s in v.get("scores") or []:
            for kind in ("cvss_v2", "cvss_v3"):
                if kind in s:
                    for pid in s.get("products", []):
                        seen[(pid, kind, str(s[kind].get("version")))] += 1
        for (pid, kind, version), n in sorted(seen.items()):
            if n > 1:
                yield f"/vulnerabilities/{i}/scores: product {pid!r} has {n} {kind} scores of version {version}"


def t_6_1_8(doc: Doc) -> Iterator[str]:
    """CVSS v3 objects as the CVSS JSON schema requires them: version, vector, score and severity."""
    for i, v in enumerate(doc.get("vulnerabilities") or []):
        for j, s in enumerate(v.get("scores") or []):
            c = s.get("cvss_v3")
            if c is None:
                continue
            path = f"/vulnerabilities/{i}/scores/{j}/cvss_v3"
            missing = [k for k in ("version", "vectorString", "baseScore", "baseSeverity") if k not in c]
            if missing:
                yield f"{path}: lacks {', '.join(missing)}"
                continue
            if c["version"] not in ("3.0", "3.1") or not _CVSS3.match(str(c["vectorString"])) \
                    or not str(c["vectorString"]).startswith(f"CVSS:{c['version']}/"):
                yield f"{path}: vector {c['vectorString']!r} is not a CVSS {c['version']} vector"
            score = c["baseScore"]
            if not isinstance(score, (int, float)) or not 0 <= score <= 10:
                yield f"{path}: baseScore {score!r} is not between 0 and 10"
            elif not any(low <= score <= high and c["baseSeverity"] == name for low, high, name in _SEVERITY):
                yield f"{path}: baseSeverity {c['baseSeverity']!r} does not match baseScore {score}"


def t_6_1_12(doc: Doc) -> Iterator[str]:
    for key in ("lang", "source_lang"):
        value = doc.get("document", {}).get(key)
        if value is not None and not _LANG.match(str(value)):
            yield f"/document/{key}: {value!r} is not a language tag"


def _revisions(doc: Doc) -> list[Doc]:
    return list(doc.get("document", {}).get("tracking", {}).get("revision_history") or [])


def _int(number: Any) -> int | None:
    return int(number) if isinstance(number, str) and number.isdigit() else None


def t_6_1_14(doc: Doc) -> Iterator[str]:
    by_date = sorted(_revisions(doc), key=lambda r: (str(r.get("date")), _int(r.get("number")) or 0))
    numbers = [_int(r.get("number")) for r in by_date]
    if None not in numbers and numbers != sorted(numbers):  # type: ignore[type-var]
        yield "/document/tracking/revision_history: revision numbers do not ascend with their dates"


def t_6_1_15(doc: Doc) -> Iterator[str]:
    d = doc.get("document", {})
    if d.get("publisher", {}).get("category") == "translator" and "source_lang" not in d:
        yield "/document/source_lang: a translator's document names its source language"


def t_6_1_16(doc: Doc) -> Iterator[str]:
    tracking = doc.get("document", {}).get("tracking", {})
    revisions = _revisions(doc)
    if not revisions or tracking.get("status") == "draft":
        return
    latest = max(revisions, key=lambda r: (str(r.get("date")), _int(r.get("number")) or 0))
    if str(latest.get("number")) != str(tracking.get("version")):
        yield (f"/document/tracking/version: {tracking.get('version')!r} is not the latest revision "
               f"({latest.get('number')!r})")


def t_6_1_17(doc: Doc) -> Iterator[str]:
    tracking = doc.get("document", {}).get("tracking", {})
    if str(tracking.get("version")) == "0" and tracking.get("status") != "draft":
        yield f"/document/tracking/status: version 0 is a draft, not {tracking.get('status')!r}"


def t_6_1_18(doc: Doc) -> Iterator[str]:
    if doc.get("document", {}).get("tracking", {}).get("status") in ("final", "interim"):
        for i, r in enumerate(_revisions(doc)):
            if str(r.get("number")) == "0":
                yield f"/document/tracking/revision_history/{i}/number: a released document has no revision 0"


def t_6_1_20(doc: Doc) -> Iterator[str]:
    tracking = doc.get("document", {}).get("tracking", {})
    if tracking.get("status") in ("final", "interim") and "-" in str(tracking.get("version")):
        yield f"/document/tracking/version: {tracking.get('version')!r} is a pre-release in a released document"


def t_6_1_21(doc: Doc) -> Iterator[str]:
    numbers = sorted(n for n in (_int(r.get("number")) for r in _revisions(doc)) if n is not None)
    if numbers:
        start = numbers[0]
        if start not in (0, 1):
            yield f"/document/tracking/revision_history: it starts at {start}, not 0 or 1"
        gaps = sorted(set(range(start, numbers[-1] + 1)) - set(numbers))
        if gaps:
            yield f"/document/tracking/revision_history: revision(s) {', '.join(map(str, gaps))} are missing"


def t_6_1_22(doc: Doc) -> Iterator[str]:
    for number, n in Counter(str(r.get("number")) for r in _revisions(doc)).items():
        if n > 1:
            yield f"/document/tracking/revision_history: revision {number} appears {n} times"


def t_6_1_23(doc: Doc) -> Iterator[str]:
    for cve, n in Counter(v["cve"] for v in doc.get("vulnerabilities") or [] if "cve" in v).items():
        if n > 1:
            yield f"/vulnerabilities: {cve} is used by {n} vulnerabilities"


def t_6_1_27_4(doc: Doc) -> Iterator[str]:
    if doc.get("document", {}).get("category") == "csaf_security_advisory" and "product_tree" not in doc:
        yield "/product_tree: a security advisory has a product tree"


def t_6_1_27_5(doc: Doc) -> Iterator[str]:
    if doc.get("document", {}).get("category") == "csaf_security_advisory":
        for i, v in enumerate(doc.get("vulnerabilities") or []):
            if not v.get("notes"):
                yield f"/vulnerabilities/{i}: a security advisory's vulnerability has notes"


def t_6_1_27_6(doc: Doc) -> Iterator[str]:
    if doc.get("document", {}).get("category") == "csaf_security_advisory":
        for i, v in enumerate(doc.get("vulnerabilities") or []):
            if not v.get("product_status"):
                yield f"/vulnerabilities/{i}: a security advisory's vulnerability has a product status"


def t_6_1_28(doc: Doc) -> Iterator[str]:
    d = doc.get("document", {})
    if "source_lang" in d and d.get("lang") == d["source_lang"]:
        yield f"/document/lang: a translation's language is not its source language ({d['lang']!r})"


def t_6_1_29(doc: Doc) -> Iterator[str]:
    for i, v in enumerate(doc.get("vulnerabilities") or []):
        for j, r in enumerate(v.get("remediations") or []):
            if not r.get("product_ids") and not r.get("group_ids"):
                yield f"/vulnerabilities/{i}/remediations/{j}: names no product or product group"


def t_6_1_30(doc: Doc) -> Iterator[str]:
    tracking = doc.get("document", {}).get("tracking", {})
    kinds = {_int(str(n)) is not None for n in [tracking.get("version"), *(r.get("number") for r in _revisions(doc))]
             if n is not None}
    if len(kinds) > 1:
        yield "/document/tracking: integer and semantic versions are mixed"


CHECKS: dict[str, Callable[[Doc], Iterator[str]]] = dict(sorted(
    ((name[2:].replace("_", "."), fn) for name, fn in globals().items() if name.startswith("t_6_1_")),
    key=lambda item: tuple(int(part) for part in item[0].split("."))))


def failures(doc: Doc) -> list[Failure]:
    """Every mandatory test the document fails, as (test number, what is wrong)."""
    return [(number, problem) for number, check in CHECKS.items() for problem in check(doc)]
