"""Pages of organisations, members, AI systems and versions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
