"""Test helpers for redhive and for projects that test against it (development dependencies:
starlette and uvicorn). Nothing in the redhive package imports this at run time."""

from redhive.testing.mock_openai import DEFAULT_REPLY, MockOpenAI, Received, ReplyFn, echo_system_prompt

__all__ = ["DEFAULT_REPLY", "MockOpenAI", "Received", "ReplyFn", "echo_system_prompt"]
