"""Domain-free helpers."""

from typing import TYPE_CHECKING, Any

from redhive.kit.clock import as_utc, utcnow
from redhive.kit.ids import new_id, new_run_id
from redhive.kit.tokens import hash_token, new_token, tokens_equal

if TYPE_CHECKING:
    from redhive.kit.secretbox import SecretBox

__all__ = ["SecretBox", "as_utc", "hash_token", "new_id", "new_run_id", "new_token", "tokens_equal", "utcnow"]


def __getattr__(name: str) -> Any:
    """`SecretBox` loads `cryptography` when first asked for: a scan never needs it."""
    if name == "SecretBox":
        from redhive.kit.secretbox import SecretBox

        return SecretBox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
