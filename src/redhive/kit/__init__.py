"""Domain-free helpers."""

from redhive.kit.clock import as_utc, utcnow
from redhive.kit.ids import new_id, new_run_id
from redhive.kit.secretbox import SecretBox
from redhive.kit.tokens import hash_token, new_token, tokens_equal

__all__ = ["SecretBox", "as_utc", "hash_token", "new_id", "new_run_id", "new_token", "tokens_equal", "utcnow"]
