"""Pydantic schemas of the disclosure API: sharing labels and their changes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["LabelsRead", "LabelsUpdate"]


class LabelsUpdate(BaseModel):
    """Field -> new TLP 2.0 label; lowering any needs a reason (recorded with the decision)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    labels: dict[str, str] = Field(min_length=1, max_length=20)
    reason: str = Field(default="", max_length=2_000)


class LabelsRead(BaseModel):
    kind: str
    id: str
    hazard_class: str
    restricted: bool
    #: The label each field counts with.
    labels: dict[str, str]
    #: The lowest label each field may be given (its hazard floor).
    floors: dict[str, str]
