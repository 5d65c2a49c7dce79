"""The target's own words: an answer with what it copied from the request taken out.

Applications often echo: "Summary: <the request>", a quoted question, a decoded or undecoded copy
of a converted prompt. An echo of a request for a package restates the invented name; an echo
of a false premise restates the premise; an echo of a JSON-wrapped prompt holds instruction-like
text. None of that is the target's behaviour, so content detectors judge `own_text`: every run of
`RUN` or more words that also appears, in order, in a request (as sent, or the probe's own prompt
before conversion) is cut out. Words are compared lowercased, without punctuation or bare numbers,
so an echo that normalises quotes, arrows, spacing or list numbering is still an echo.

Detectors whose success *is* copying from the request do not use it for that: a planted canary,
the injection marker in plain text, and output handling (an application that pastes the user's SQL
fragment, HTML or markdown link into its own output is the flaw).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from redhive.engine.scorers.base import ScoreContext

__all__ = ["RUN", "own_responses", "own_text"]

#: words. A restated request runs long; a shorter shared run is ordinary language ("I can help you
#: with that") or the target *using* what it was given — a name, a value, the payload it then builds
#: into its answer.
RUN = 8
_WORD = re.compile(r"\w*[^\W\d]\w*")  # words with a letter: list numbers ("1.", "2.") do not break a run


def _grams(texts: Iterable[str], n: int) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for text in texts:
        words = [w.lower() for w in _WORD.findall(text)]
        found.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    return found


def own_text(response: str, sources: Sequence[str], n: int = RUN) -> str:
    """`response` without the runs of `n`+ words it shares with `sources`; the rest as written, or
    "" when what remains of an echo is under `n` words ("Summary:" and punctuation say nothing)."""
    spans = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(response)]
    if len(spans) < n:
        return response
    grams = _grams(sources, n)
    if not grams:
        return response
    copied = [False] * len(spans)
    for i in range(len(spans) - n + 1):
        if tuple(s[2] for s in spans[i:i + n]) in grams:
            copied[i:i + n] = [True] * n
    if not any(copied):
        return response
    if copied.count(False) < n:
        return ""
    out, at = [], 0
    for (start, end, _), cut in zip(spans, copied, strict=True):
        if cut:
            out.append(response[at:start])
            at = end
    out.append(response[at:])
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()


def own_responses(ctx: ScoreContext) -> list[str]:
    """Each response of the attempt in the target's own words (see `own_text`)."""
    sources = [*ctx.prompts, ctx.probe.prompt or ""]
    return [own_text(r, sources) for r in ctx.responses]
