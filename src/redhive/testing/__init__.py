"""Test helpers for redhive and for projects that test against it.

They need the development dependencies (starlette, uvicorn), and nothing in the redhive package
imports them at run time. Names load lazily, so that
`python -m redhive.testing.mock_openai` runs the module only once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redhive.testing.mock_openai import (
        DEFAULT_REPLY,
        MockOpenAI,
        Received,
        ReplyFn,
        ToolCallFn,
        echo_system_prompt,
        scripted_agent,
    )

__all__ = ["DEFAULT_REPLY", "MockOpenAI", "Received", "ReplyFn", "ToolCallFn", "echo_system_prompt",
           "scripted_agent"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("redhive.testing.mock_openai"), name)
    raise AttributeError(f"module 'redhive.testing' has no attribute {name!r}")
