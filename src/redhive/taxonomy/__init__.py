"""Identifiers of the external taxonomies redhive maps to, always with their edition."""

from redhive.taxonomy.expertise import (
    ACCESS_TIERS,
    DISCIPLINES,
    LANGUAGES,
    REGIONS,
    SECTORS,
    TIER_REQUIRES_VETTING,
    VETTING_LEVELS,
    vetting_allows,
    vetting_rank,
)
from redhive.taxonomy.ids import (
    ATLAS_TECHNIQUES,
    AVID_SEP,
    HAZARD_CLASSES,
    OWASP_LLM_2025,
    RISK_AREAS,
    is_atlas_id,
    is_owasp_id,
)

__all__ = [
    "ACCESS_TIERS",
    "ATLAS_TECHNIQUES",
    "AVID_SEP",
    "DISCIPLINES",
    "HAZARD_CLASSES",
    "LANGUAGES",
    "OWASP_LLM_2025",
    "REGIONS",
    "RISK_AREAS",
    "SECTORS",
    "TIER_REQUIRES_VETTING",
    "VETTING_LEVELS",
    "is_atlas_id",
    "is_owasp_id",
    "vetting_allows",
    "vetting_rank",
]
