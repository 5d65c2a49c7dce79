"""Signed transcript checkpoints. The hash chain alone is unkeyed: whoever can write the database can
re-hash every record after a change, or drop the newest records and move the head back, and the
chain still verifies. So the recorder signs each new chain head with an Ed25519 key that lives in a
file outside the database (never in it), and keeps signed heads as **checkpoints** that observers
fetch over the API and keep. A rewritten chain no longer matches a signature; a rolled-back one no
longer reaches a checkpoint someone holds.

A checkpoint signs `redhive-transcript-checkpoint/1` + the canonical JSON of mission id, seq, head
hash, time and key id; anyone with the public key checks it (`redhive audit verify --public-key`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from redhive.errors import InvalidInput
from redhive.gateway.chain import ChainReport, _canonical

__all__ = ["Checkpoint", "TranscriptSigner", "TranscriptVerifier", "check_signatures", "read_checkpoints"]

log = logging.getLogger(__name__)
_TAG = b"redhive-transcript-checkpoint/1\n"
_FIELDS = ("mission_id", "seq", "hash", "signed_at", "key_id", "signature")


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement: mission `mission_id`'s chain had `seq` records ending in `hash` at `signed_at`."""

    mission_id: str
    seq: int
    hash: str
    signed_at: datetime
    key_id: str
    signature: str  # base64 of the 64-byte Ed25519 signature

    def statement(self) -> bytes:
        body = {"mission_id": self.mission_id, "seq": self.seq, "hash": self.hash,
                "signed_at": _canonical(self.signed_at), "key_id": self.key_id}
        return _TAG + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def as_row(self) -> dict[str, Any]:
        return {"mission_id": self.mission_id, "seq": self.seq, "hash": self.hash, "signed_at": self.signed_at,
                "key_id": self.key_id, "signature": self.signature}

    def as_dict(self) -> dict[str, Any]:
        return {"mission_id": self.mission_id, "seq": self.seq, "hash": self.hash,
                "signed_at": _canonical(self.signed_at), "key_id": self.key_id, "signature": self.signature}

    @classmethod
    def of(cls, row: Any) -> Checkpoint:
        """From anything with the six attributes (a chain head or a stored checkpoint row)."""
        return cls(row.mission_id, int(row.seq), row.hash, row.signed_at, row.key_id, row.signature)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Checkpoint:
        missing = [name for name in _FIELDS if name not in data]
        if missing:
            raise InvalidInput(f"{where} is not a transcript checkpoint: it lacks {', '.join(missing)} (save what "
                               "GET /api/missions/ID/gateway/checkpoints returns).")
        try:
            signed_at = datetime.fromisoformat(str(data["signed_at"]).replace("Z", "+00:00"))
            return cls(str(data["mission_id"]), int(data["seq"]), str(data["hash"]), signed_at,
                       str(data["key_id"]), str(data["signature"]))
        except (TypeError, ValueError):
            raise InvalidInput(f"{where} is not a transcript checkpoint: its seq or signed_at is malformed.") from None


class TranscriptVerifier:
    """Checks checkpoints against one public key."""

    def __init__(self, public: Ed25519PublicKey) -> None:
        self.public = public
        self.key_id = _key_id(public)

    @property
    def public_pem(self) -> str:
        return self.public.public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def valid(self, checkpoint: Checkpoint) -> bool:
        if checkpoint.key_id != self.key_id:
            return False
        try:
            self.public.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.statement())
        except (InvalidSignature, ValueError):
            return False
        return True

    @classmethod
    def from_file(cls, path: Path) -> TranscriptVerifier:
        """A PEM public key, or the private key file itself (the server's own machine)."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"Cannot read the public key {path} ({exc.strerror}).") from None
        try:
            if b"PRIVATE KEY" in data:
                private = serialization.load_pem_private_key(data, password=None)
                if isinstance(private, Ed25519PrivateKey):
                    return cls(private.public_key())
            else:
                public = serialization.load_pem_public_key(data)
                if isinstance(public, Ed25519PublicKey):
                    return cls(public)
        except ValueError:
            pass
        raise InvalidInput(f"{path} is not an Ed25519 key in PEM form: use the public key that "
                           "`redhive audit public-key` prints or GET /api/missions/ID/gateway/checkpoints returns.")


class TranscriptSigner(TranscriptVerifier):
    """Signs chain heads with the private key of `<home>/transcript-signing-key.pem` (or
    REDHIVE_TRANSCRIPT_SIGNING_KEY); created on first start, mode 0600, never stored in the database."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        super().__init__(private.public_key())
        self._private = private

    def sign(self, mission_id: str, seq: int, head: str, signed_at: datetime) -> Checkpoint:
        unsigned = Checkpoint(mission_id, seq, head, signed_at, self.key_id, "")
        signature = base64.b64encode(self._private.sign(unsigned.statement())).decode()
        return Checkpoint(mission_id, seq, head, signed_at, self.key_id, signature)

    @classmethod
    def load_or_create(cls, path: Path) -> TranscriptSigner:
        try:
            if not path.exists():
                return cls._create(path)
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                log.warning("The transcript signing key %s is readable by others (mode %o): chmod 600 it.", path, mode)
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except OSError as exc:
            raise InvalidInput(f"Cannot read or create the transcript signing key {path} ({exc.strerror}): set "
                               "REDHIVE_HOME or REDHIVE_TRANSCRIPT_SIGNING_KEY to a writable place.") from None
        except ValueError:
            private = None
        if not isinstance(private, Ed25519PrivateKey):
            raise InvalidInput(f"{path} is not an Ed25519 private key in PEM form: restore the server's signing "
                               "key (the transcript's signatures depend on it), or point "
                               "REDHIVE_TRANSCRIPT_SIGNING_KEY at it.")
        return cls(private)

    @classmethod
    def _create(cls, path: Path) -> TranscriptSigner:
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: a second server starting at the same moment loads the first one's key instead
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls.load_or_create(path)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        log.warning("Created the transcript signing key %s (Ed25519, key id %s): back it up; observers check "
                    "checkpoints with its public key.", path, _key_id(private.public_key()))
        return cls(private)


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """A file an observer kept: the JSON of GET /api/missions/ID/gateway/checkpoints, a list of
    checkpoints, one checkpoint, or one checkpoint per line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InvalidInput(f"Cannot read the checkpoint file {path} ({reason}).") from None
    try:
        data: Any = json.loads(text)
    except ValueError:
        try:
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError:
            raise InvalidInput(f"{path} is not JSON: save the checkpoints as GET "
                               "/api/missions/ID/gateway/checkpoints returns them.") from None
    if isinstance(data, dict) and "checkpoints" in data:
        data = data["checkpoints"]
    items: Iterable[Any] = data if isinstance(data, list) else [data]
    found = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(f"Checkpoint {index} in {path} is not a JSON object.")
        found.append(Checkpoint.from_dict(item, f"Checkpoint {index} in {path}"))
    if not found:
        raise InvalidInput(f"{path} holds no checkpoints.")
    return found


def check_signatures(report: ChainReport, mission_id: str, hashes: Mapping[int, tuple[str, str]],
                     head: Checkpoint | None, checkpoints: Iterable[tuple[Checkpoint, str]],
                     verifier: TranscriptVerifier) -> ChainReport:
    """After the chain itself verified (`report`): the head's signature, and every checkpoint (with
    where it came from: the database, or a file an observer kept) against the records. `hashes`
    maps seq to (hash, exchange id). The failure that names the earliest record wins."""
    if not report.ok:
        return report
    count, failures = report.checked, []
    held = [(cp, origin) for cp, origin in checkpoints if cp.mission_id == mission_id]
    valid = [(cp, origin) for cp, origin in held if verifier.valid(cp)]
    for cp, origin in held:
        if cp.key_id != verifier.key_id:
            failures.append(_broken(report, cp.seq, hashes, f"{origin} of record {cp.seq} was signed by key "
                                    f"{cp.key_id}, not by the key given ({verifier.key_id}): check the public key."))
        elif not verifier.valid(cp):
            failures.append(_broken(report, cp.seq, hashes, f"{origin} of record {cp.seq} does not match its "
                                    f"signature (key {verifier.key_id}): it was altered after it was signed."))
    matching = {cp.seq for cp, _ in valid if cp.seq <= count and hashes[cp.seq][0] == cp.hash}

    def last_good(below: int) -> int:
        return max((seq for seq in matching if seq < below), default=0)

    for cp, origin in valid:
        when = _canonical(cp.signed_at)
        if cp.seq > count:
            failures.append(_broken(report, count + 1, hashes, f"{origin} signed at {when} covers {cp.seq} records, "
                                    f"but the chain ends at record {count}: the newest records were removed and "
                                    "the head moved back."))
        elif cp.seq not in matching:
            first = last_good(cp.seq) + 1
            failures.append(_broken(report, first, hashes, f"records {first}–{cp.seq} are not what {origin} signed "
                                    f"at {when}: the chain was rewritten from one of them on."))
    if count and head is None:
        failures.append(_broken(report, last_good(count + 1) + 1, hashes, "the chain head is not signed: it was "
                                "recorded before transcripts were signed, or its signature was removed."))
    elif head is not None and head.key_id != verifier.key_id:
        failures.append(_broken(report, last_good(count + 1) + 1, hashes, f"the chain head was signed by key "
                                f"{head.key_id}, not by the key given ({verifier.key_id}): check the public key."))
    elif head is not None and not verifier.valid(head):
        first = last_good(count + 1) + 1
        failures.append(_broken(report, first, hashes, f"the chain head's signature does not match it (key "
                                f"{verifier.key_id}): the records from {first} on, or the head, were rewritten "
                                "after they were recorded."))
    if failures:
        return min(failures, key=lambda f: f.broken_seq or 0)
    return ChainReport(True, count, key_id=verifier.key_id, signed_at=head.signed_at if head else None,
                       checkpoints=len(valid))


def _broken(report: ChainReport, seq: int, hashes: Mapping[int, tuple[str, str]], problem: str) -> ChainReport:
    return ChainReport(False, report.checked, seq, hashes[seq][1] if seq in hashes else None, problem)
