"""Secrets at rest (upstream model credentials): Fernet with a key derived from the settings' secret
key, so the database alone never reveals a credential."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["SecretBox"]


class SecretBox:
    """Encrypts and decrypts short secrets; `purpose` separates keys derived from one secret key."""

    def __init__(self, secret_key: str, *, purpose: str = "redhive.credentials") -> None:
        digest = hashlib.sha256(f"{purpose}\x00{secret_key}".encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        from redhive.errors import DatabaseError

        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise DatabaseError(
                "A stored credential cannot be decrypted: REDHIVE_SECRET_KEY changed since it was saved; "
                "restore the old key or enter the credential again."
            ) from None
