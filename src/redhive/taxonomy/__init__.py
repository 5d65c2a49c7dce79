"""Identifiers of the external taxonomies redhive maps to, always with their edition."""

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
    "ATLAS_TECHNIQUES",
    "AVID_SEP",
    "HAZARD_CLASSES",
    "OWASP_LLM_2025",
    "RISK_AREAS",
    "is_atlas_id",
    "is_owasp_id",
]
