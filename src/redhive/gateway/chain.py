"""The transcript's hash chain: each exchange's hash covers its content and the previous hash, so a
changed byte, a deleted record or two swapped records break the chain at the first record touched.

Pure functions over plain dicts (the columns of `gateway_exchanges`), shared by the recorder, which
computes hashes, and `verify`, which recomputes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["GENESIS", "HASHED_FIELDS", "ChainReport", "record_hash", "verify_chain"]

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id", "mission_id", "seq", "session_id", "key_id", "user_id", "version_id", "model", "channel", "stream",
    "request", "response", "outcome", "status_code", "error", "decisions", "input_tokens", "output_tokens",
    "started_at", "latency_ms", "prev_hash",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):  # SQLite hands datetimes back naive: they are stored as UTC
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def record_hash(record: Mapping[str, Any]) -> str:
    body = {name: _canonical(record[name]) for name in HASHED_FIELDS}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    #: The first record that does not verify (its seq and id), and why.
    broken_seq: int | None = None
    broken_id: str | None = None
    problem: str = ""
    #: Once signatures are checked (redhive.gateway.signing): the key that signed the head, when,
    #: and how many checkpoints agreed.
    key_id: str | None = None
    signed_at: datetime | None = None
    checkpoints: int = 0

    def sentence(self, mission_id: str) -> str:
        if self.ok and self.key_id is not None:
            head = f"its head signed by key {self.key_id} at {_canonical(self.signed_at)}" if self.signed_at else \
                "nothing to sign yet"
            return (f"Mission {mission_id}: {self.checked} exchanges, hash chain intact, {head}; "
                    f"{self.checkpoints} signed checkpoint{' agrees' if self.checkpoints == 1 else 's agree'}.")
        if self.ok:
            return f"Mission {mission_id}: {self.checked} exchanges, hash chain intact."
        where = f"record {self.broken_seq}" + (f" (exchange {self.broken_id})" if self.broken_id else "")
        return f"Mission {mission_id}: the hash chain is broken at {where}: {self.problem}"


def verify_chain(records: Iterable[Mapping[str, Any]], head: tuple[int, str] | None) -> ChainReport:
    """Records in seq order; `head` is the stored (seq, hash) of the newest record."""
    expected_seq, prev, count = 1, GENESIS, 0
    for record in records:
        seq, rid = int(record["seq"]), str(record["id"])
        if seq != expected_seq:
            missing = "is missing" if seq > expected_seq else "appears twice or out of order"
            return ChainReport(False, count, expected_seq, None if seq > expected_seq else rid,
                               f"record {expected_seq} {missing}.")
        if record["prev_hash"] != prev:
            return ChainReport(False, count, seq, rid, "it does not follow the record before it "
                               "(a record was removed, inserted or moved).")
        if record_hash(record) != record["hash"]:
            return ChainReport(False, count, seq, rid, "its content was changed after it was recorded.")
        prev, expected_seq, count = str(record["hash"]), expected_seq + 1, count + 1
    if head is not None and (head[0] != count or head[1] != prev):
        return ChainReport(False, count, count + 1 if head[0] > count else head[0], None,
                           f"the chain head says {head[0]} records but {count} verify "
                           "(the newest records were removed or the head was altered).")
    if head is None and count:
        return ChainReport(False, count, count, None, "the chain head is missing.")
    return ChainReport(True, count)
