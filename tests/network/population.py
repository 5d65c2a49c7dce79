"""A seeded, realistically skewed expert population for selection tests.

The skew mirrors open calls for red teamers: most applicants are English-speaking security or ML
people from North America and Western Europe with broad risk-area profiles (and high scores, since
they have the most bug-bounty track record); fewer are social scientists, lawyers and regional
specialists who bring the languages and regions a mission also needs.
"""

from __future__ import annotations

import random

from redhive.network.selection import Candidate, MissionNeeds
from redhive.taxonomy import RISK_AREAS

ARCHETYPES = [
    # weight, languages (pick 1-2 after the first), regions, disciplines, risk areas (min,max), quality range
    (0.40, ["en", "de", "fr"], ["americas_north", "europe_west"], ["security", "ml_research"], (4, 7), (0.65, 0.95)),
    (0.20, ["en", "zh", "ko", "ja"], ["asia_east", "americas_north"], ["ml_research", "security"], (3, 5), (0.55, 0.9)),
    (
        0.20,
        ["es", "pt", "fr", "ar", "hi", "en"],
        ["americas_latin", "asia_west", "asia_south", "europe_west"],
        ["ethics", "law", "social_science"],
        (2, 3),
        (0.4, 0.8),
    ),
    (
        0.20,
        ["sw", "ha", "yo", "ar", "ur", "bn", "hi", "en"],
        ["africa_sub_saharan", "africa_north", "asia_south"],
        ["linguistics", "journalism", "human_rights", "social_science"],
        (2, 3),
        (0.35, 0.75),
    ),
]


def population(seed: int, size: int = 120) -> list[Candidate]:
    rng = random.Random(seed)
    risks = sorted(RISK_AREAS)
    people = []
    for i in range(size):
        _, langs, regions, disciplines, (rlo, rhi), (qlo, qhi) = rng.choices(ARCHETYPES, [a[0] for a in ARCHETYPES])[0]
        people.append(
            Candidate(
                id=f"e{i:03d}",
                name=f"Expert {i}",
                risk_areas=frozenset(rng.sample(risks, rng.randint(rlo, rhi))),
                languages=frozenset({langs[0], *rng.sample(langs, rng.randint(0, 2))}),
                regions=frozenset(rng.sample(regions, rng.randint(1, 2))),
                disciplines=frozenset(rng.sample(disciplines, rng.randint(1, 2))),
                vetting_level=rng.choice(["self_declared", "id_verified", "id_verified", "background_checked"]),
                quality=round(rng.uniform(qlo, qhi), 2),
                hours_per_week=rng.choice([4, 8, 10, 15, 20]),
            )
        )
    return people


MULTILINGUAL_MISSION = MissionNeeds(
    risk_areas={"jailbreak": 1.0, "misinformation": 1.0, "bias": 1.0, "prompt_injection_direct": 1.0},
    languages={"en": 1.0, "es": 1.0, "ar": 1.0, "sw": 1.0, "hi": 1.0},
    regions={
        "americas_north": 1.0,
        "europe_west": 1.0,
        "africa_sub_saharan": 1.0,
        "asia_south": 1.0,
        "americas_latin": 1.0,
        "asia_west": 1.0,
    },
    disciplines={"security": 1.0, "ml_research": 1.0, "social_science": 1.0, "linguistics": 1.0},
    access_tier="T1_prerelease_mitigated",
    min_hours_per_week=8,
)
