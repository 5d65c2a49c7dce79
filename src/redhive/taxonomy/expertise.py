"""Vocabularies of the expert network: disciplines, languages, regions, sectors, vetting and tiers.

Experts describe themselves with these keys and missions name the cells they need with the same
keys, so that cohort selection compares like with like. Languages are ISO 639-1 codes; regions are
the UN M49 continental sub-regions grouped as the UN geoscheme's main regions.
"""

from __future__ import annotations

DISCIPLINES: dict[str, str] = {
    "security": "Security engineering and offensive security",
    "ml_research": "Machine-learning and AI research",
    "ethics": "Ethics and responsible AI",
    "law": "Law, regulation and policy",
    "social_science": "Social science (sociology, psychology, anthropology)",
    "linguistics": "Linguistics and translation",
    "journalism": "Journalism and information integrity",
    "domain_health": "Health and medicine (domain specialist)",
    "domain_finance": "Finance (domain specialist)",
    "domain_education": "Education (domain specialist)",
    "human_rights": "Human rights and civil society",
    "child_safety": "Child safety and trust & safety operations",
}

LANGUAGES: dict[str, str] = {
    "ar": "Arabic",
    "bn": "Bengali",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "ha": "Hausa",
    "hi": "Hindi",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sw": "Swahili",
    "ta": "Tamil",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "yo": "Yoruba",
    "zh": "Chinese",
}

REGIONS: dict[str, str] = {
    "africa_north": "Northern Africa",
    "africa_sub_saharan": "Sub-Saharan Africa",
    "americas_latin": "Latin America and the Caribbean",
    "americas_north": "Northern America",
    "asia_central": "Central Asia",
    "asia_east": "Eastern Asia",
    "asia_south": "Southern Asia",
    "asia_south_east": "South-eastern Asia",
    "asia_west": "Western Asia (Middle East)",
    "europe_east": "Eastern Europe",
    "europe_west": "Western, Northern and Southern Europe",
    "oceania": "Oceania",
}

SECTORS: dict[str, str] = {
    "academia": "Academia",
    "civil_society": "Civil society and NGOs",
    "government": "Government and public sector",
    "industry": "Industry",
    "independent": "Independent / freelance",
    "media": "Media",
}

# Ordered weakest first: a level satisfies every tier bound to it or to a weaker level.
VETTING_LEVELS: tuple[str, ...] = ("self_declared", "id_verified", "background_checked", "gov_cleared")

ACCESS_TIERS: dict[str, str] = {
    "T0_public": "T0 public: the released system",
    "T1_prerelease_mitigated": "T1 pre-release, safeguards on",
    "T2_reduced_safeguards": "T2 reduced safeguards",
    "T3_internal": "T3 internal checkpoints",
}

# DESIGN §8: vetting levels bind to access tiers, T0 public … T3 internal.
TIER_REQUIRES_VETTING: dict[str, str] = dict(zip(ACCESS_TIERS, VETTING_LEVELS, strict=True))


def vetting_rank(level: str) -> int:
    """Position of a vetting level, weakest 0; raises KeyError on an unknown level."""
    return VETTING_LEVELS.index(level) if level in VETTING_LEVELS else _unknown(level)


def vetting_allows(level: str, tier: str) -> bool:
    """Whether an expert vetted at `level` may work at access `tier`."""
    return vetting_rank(level) >= vetting_rank(TIER_REQUIRES_VETTING[tier])


def _unknown(level: str) -> int:
    raise KeyError(f"unknown vetting level {level!r}; known: {', '.join(VETTING_LEVELS)}")
