"""The hazard step of the policy pipeline: every request and every answer is screened by the hazard
classifier, and its score and category are recorded in the exchange's decisions whatever happens —
no tier, grant or setting turns the screening or its record off (an exemption changes what is
blocked, never what is kept).

What a hazardous exchange gets (hazardous: at or above the classifier's threshold):

0. Below `ACT_AT` (0.7): **flag**, for everyone — allowed and kept for the review of flagged
   traffic. The built-in classifier's recall is bought with false alarms on ordinary red-team
   traffic (docs/safeguards.md has the table); only a confident screening stops an exchange.
1. Above the mission's hazard ceiling: **block**, for everyone. The screen cannot tell dual-use
   operational content (HZ2) from catastrophic uplift (HZ3), so every hazardous screening counts as
   HZ2; a mission with ceiling HZ0 or HZ1 blocks them all. HZ3 is a reviewer's call on a finding.
2. A member holding an active trusted-access grant whose programme covers the category:
   **flag** (allowed, and marked for the weekly review of flagged traffic).
3. Anyone else: the table `WITHOUT_GRANT` below, by the mission's access tier and the member's
   vetting level — **block**, or **escalate** (held, and put in the review queue).

Below the classifier's threshold the step records an **allow** with the score. A classifier that
fails is a **block** (fail closed), with the failure recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from redhive.kit import utcnow
from redhive.safeguards.denylist import request_text
from redhive.safeguards.pipeline import CheckContext, Decision
from redhive.safeguards.screening import PROGRAMMES, HazardClassifier, Screening

__all__ = ["ACT_AT", "HZ_OF_HAZARD", "WITHOUT_GRANT", "HazardScreen", "Standing", "decide", "request_texts"]

Action = Literal["allow", "flag", "block", "escalate"]
#: The hazard class a hazardous screening stands for (see the module's docstring).
HZ_OF_HAZARD = "HZ2"
#: The calibrated score from which the table, the ceiling and the grants decide; below it, a flag.
ACT_AT = 0.7
_HZ_ORDER = ("HZ0", "HZ1", "HZ2", "HZ3")
_B: Action = "block"
_E: Action = "escalate"
#: access tier -> vetting level -> action for a hazardous exchange without a matching grant.
#: Reduced-safeguard tiers (T2, T3) hand a human only the members cleared by a government.
WITHOUT_GRANT: dict[str, dict[str, Action]] = {
    "T0_public": {"self_declared": _B, "id_verified": _B, "background_checked": _E, "gov_cleared": _E},
    "T1_prerelease_mitigated": {"self_declared": _B, "id_verified": _B, "background_checked": _E, "gov_cleared": _E},
    "T2_reduced_safeguards": {"self_declared": _B, "id_verified": _B, "background_checked": _B, "gov_cleared": _E},
    "T3_internal": {"self_declared": _B, "id_verified": _B, "background_checked": _B, "gov_cleared": _E},
}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Standing:
    """Who asks, where: the member's vetting and trusted-access grants, the mission's tier and ceiling."""

    vetting_level: str
    access_tier: str
    hazard_ceiling: str
    #: (programme, expires at) of the member's granted trusted access
    programmes: tuple[tuple[str, datetime], ...] = ()

    def programme_for(self, category: str, now: datetime) -> str | None:
        """The active programme that covers `category`, if any (an expired grant covers nothing)."""
        for programme, expires in self.programmes:
            if category in PROGRAMMES.get(programme, ()) and _aware(expires) > now:
                return programme
        return None


def decide(screening: Screening, standing: Standing, now: datetime) -> tuple[Action, str, dict[str, Any]]:
    """(action, reason, detail to record) for one screening."""
    detail: dict[str, Any] = screening.as_dict()
    if screening.error is not None:
        return "block", f"the hazard screen could not decide ({screening.error}), so the exchange was stopped", detail
    if not screening.hazardous:
        return "allow", "", detail
    label = screening.category.replace("_", "/")
    detail["hazard_class"] = HZ_OF_HAZARD
    if screening.score < ACT_AT:
        return "flag", (f"the hazard screen rated it {label} ({screening.score:.2f}), below the {ACT_AT:.2f} at "
                        "which it stops an exchange; flagged for review"), detail
    ceiling = standing.hazard_ceiling if standing.hazard_ceiling in _HZ_ORDER else "HZ0"
    if _HZ_ORDER.index(HZ_OF_HAZARD) > _HZ_ORDER.index(ceiling):
        return "block", (f"the hazard screen rated it {label} ({screening.score:.2f}), above this mission's "
                         f"hazard ceiling {ceiling}"), detail
    programme = standing.programme_for(screening.category, now)
    if programme is not None:
        detail["programme"] = programme
        return "flag", (f"the hazard screen rated it {label} ({screening.score:.2f}); allowed under the "
                        f"{programme} trusted-access grant and flagged for review"), detail
    action = WITHOUT_GRANT.get(standing.access_tier, {}).get(standing.vetting_level, "block")
    if action == "escalate":
        return action, (f"the hazard screen rated it {label} ({screening.score:.2f}); held for a cleared "
                        "reviewer (no trusted-access grant for this hazard)"), detail
    return "block", (f"the hazard screen rated it {label} ({screening.score:.2f}); this needs a trusted-access "
                     "grant for the hazard, which you do not hold"), detail


def request_texts(request: dict[str, Any]) -> list[str]:
    """What is screened before the call: the last user turn and, when there is more, everything the
    client wrote (system and user turns: a request split over turns is read as one). Assistant
    turns are answers, screened as such when they were given."""
    messages = [m for m in request.get("messages") or [] if isinstance(m, dict)]
    asked = [m for m in messages if m.get("role") in ("system", "developer", "user")]
    whole = request_text({"messages": asked})
    users = [m for m in asked if m.get("role") == "user"]
    last = request_text({"messages": users[-1:]})
    return [last, whole] if last and last != whole else [whole]


class HazardScreen:
    """The pipeline check. It always decides (an allow included), so the record always has a score."""

    name = "hazard_screen"

    def __init__(self, classifier: HazardClassifier, standing: Standing) -> None:
        self.classifier, self.standing = classifier, standing

    async def _decide(self, texts: Sequence[str], stage: Literal["before", "after"]) -> Decision:
        kind = "prompt" if stage == "before" else "completion"
        screenings = await self.classifier.screen([t for t in texts if t.strip()] or [""], kind=kind)
        worst = max(screenings, key=lambda s: (s.error is not None, s.score))
        action, reason, detail = decide(worst, self.standing, utcnow())
        return Decision(self.name, stage, action, reason, detail)

    async def before(self, ctx: CheckContext) -> Decision | None:
        return await self._decide(request_texts(ctx.request), "before")

    async def after(self, ctx: CheckContext) -> Decision | None:
        return await self._decide([ctx.response_text], "after")
