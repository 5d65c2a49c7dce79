"""Calibrating a judge against labelled exchanges: `redhive judge calibrate` (DESIGN §6).

A labelled row is one exchange and the verdict a careful human gave it:
`{"rubric", "system"?, "request", "response", "verdict": success|refused|resisted}` (the form of
tests/data/labels/judge.jsonl). Rows of a detector's set, `{"text", "label"}` (refusal.jsonl),
are accepted under the `refusal` rubric: the text is the response and `label` says whether it is
a refusal, i.e. a `success` of the over-refusal rubric. Under `strongreject`, rows labelled for
`harmful_compliance` are used (the two rubrics ask the same question; one scores it).

The judge's four outcomes stay apart in the confusion matrix — success, refused, resisted
(failed without refusal) and unscorable — and the figures are those of
`redhive.engine.scorers.evaluation`: precision, recall and F1 of `success`, Cohen's kappa over
the three verdict classes (an unscorable reply counts as a disagreement).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redhive.engine.scorers.evaluation import Agreement, BinaryScores, agreement, confusion, load_labelled
from redhive.engine.scorers.judge import RUBRICS, VERDICTS, JudgeDetector
from redhive.engine.targets.base import TargetOptions
from redhive.errors import InvalidInput, NotFound

__all__ = ["OUTCOMES", "Calibration", "LabelledExchange", "calibrate", "read_labels"]

OUTCOMES = ("success", "refused", "resisted", "unscorable")
_NOT_RECORDED = "(the labelled set does not record the request)"
_ALIASES = {"strongreject": "harmful_compliance"}


@dataclass(frozen=True, slots=True)
class LabelledExchange:
    rubric: str
    request: str
    response: str
    verdict: str
    system: str | None = None


@dataclass(slots=True)
class Calibration:
    judge: str
    rubric: str
    scores: BinaryScores
    agreement: Agreement
    #: labelled verdict -> predicted outcome (one of OUTCOMES) -> count
    matrix: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "judge": self.judge, "rubric": self.rubric, **self.scores.as_dict(),
            "precision_ci95": list(self.scores.precision_interval),
            "recall_ci95": list(self.scores.recall_interval),
            "agreement": self.agreement.rate, "kappa": self.agreement.kappa,
            "confusion": {label: {o: row[o] for o in OUTCOMES} for label, row in self.matrix.items()},
            "misses": self.misses,
        }


def read_labels(path: str | Path, rubric: str | None = None) -> list[LabelledExchange]:
    """The labelled exchanges of a JSONL file, restricted to `rubric` when one is given."""
    if rubric is not None and rubric not in RUBRICS:
        raise InvalidInput(f"Unknown rubric '{rubric}': use one of {', '.join(RUBRICS)}.")
    file = Path(path)
    if not file.is_file():
        raise NotFound(f"No labelled set at {file}: give the path of a JSONL file "
                       "(e.g. tests/data/labels/judge.jsonl).")
    try:
        rows = load_labelled(file)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    wanted = _ALIASES.get(rubric or "", rubric)
    out: list[LabelledExchange] = []
    for number, row in enumerate(rows, start=1):
        out_row = _exchange(row, rubric, file, number)
        if wanted is None or out_row.rubric in (wanted, rubric):
            out.append(out_row if rubric is None else _with_rubric(out_row, rubric))
    if not out:
        raise InvalidInput(f"{file} holds no rows for the rubric '{rubric}': choose another --rubric or file.")
    return out


def _with_rubric(row: LabelledExchange, rubric: str) -> LabelledExchange:
    return LabelledExchange(rubric, row.request, row.response, row.verdict, row.system)


def _exchange(row: dict[str, Any], rubric: str | None, file: Path, number: int) -> LabelledExchange:
    where = f"{file}, row {number}"
    if "verdict" in row:
        verdict = row["verdict"]
        if verdict not in VERDICTS:
            raise InvalidInput(f"{where}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}.")
        name = row.get("rubric") or rubric
        if not isinstance(name, str) or not isinstance(row.get("request"), str) \
                or not isinstance(row.get("response"), str):
            raise InvalidInput(f"{where}: a judged row needs 'rubric' (or --rubric), 'request' and 'response' strings.")
        return LabelledExchange(name, row["request"], row["response"], verdict, row.get("system"))
    if isinstance(row.get("text"), str) and isinstance(row.get("label"), bool):
        if rubric != "refusal":
            raise InvalidInput(f"{where}: rows with only 'text' and 'label' are refusal labels; "
                               "calibrate them with --rubric refusal.")
        return LabelledExchange("refusal", row.get("request", _NOT_RECORDED), row["text"],
                                "success" if row["label"] else "resisted")
    raise InvalidInput(f"{where}: expected 'verdict' with 'request' and 'response', or 'text' with a boolean 'label'.")


async def calibrate(judge: str, rows: list[LabelledExchange], *, options: TargetOptions | None = None,
                    concurrency: int = 8, rubric: str | None = None) -> Calibration:
    """Ask the judge about every row and compare its verdicts with the labels."""
    detectors: dict[str, JudgeDetector] = {}
    try:
        for row in rows:
            if row.rubric not in detectors:
                detectors[row.rubric] = JudgeDetector(judge, row.rubric, target=None,
                                                      base_url=options.base_url if options else None,
                                                      api_key=options.api_key if options else None)
        limit = asyncio.Semaphore(max(1, concurrency))

        async def ask(row: LabelledExchange) -> str | None:
            async with limit:
                verdict = await detectors[row.rubric].judge(row.request, row.response, system=row.system)
            return verdict.verdict

        predicted = await asyncio.gather(*(ask(row) for row in rows))
    finally:
        for detector in detectors.values():
            await detector.aclose()
    matrix: dict[str, Counter[str]] = {v: Counter() for v in VERDICTS}
    misses = []
    for row, guess in zip(rows, predicted, strict=True):
        matrix[row.verdict][guess or "unscorable"] += 1
        if guess != row.verdict:
            misses.append({"label": row.verdict, "judge": guess or "unscorable", "response": row.response[:160]})
    scores = confusion(((None if g is None else g == "success"), r.verdict == "success")
                       for g, r in zip(predicted, rows, strict=True))
    agreed = agreement((g, r.verdict) for g, r in zip(predicted, rows, strict=True))
    name = rubric or (rows[0].rubric if len({r.rubric for r in rows}) == 1 else "mixed")
    return Calibration(judge=judge, rubric=name, scores=scores, agreement=agreed, matrix=matrix, misses=misses)
