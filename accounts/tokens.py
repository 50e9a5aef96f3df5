"""Secrets for API tokens and invitation links. Pure: no Django import.

Only the SHA-256 of a secret is stored. The secrets carry 256 bits of randomness, so a plain
(unsalted) hash is enough, and it lets a request find its token by an indexed lookup on the hash
instead of comparing the secret against every row.
"""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "rm_"  # noqa: S105 - a public marker, not a secret
DISPLAY_PREFIX_LENGTH = 10


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_generate() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def invitation_token_generate() -> str:
    return secrets.token_urlsafe(32)


def display_prefix(secret: str) -> str:
    return secret[:DISPLAY_PREFIX_LENGTH]


def secrets_match(secret: str, expected_hash: str) -> bool:
    return secrets.compare_digest(secret_hash(secret), expected_hash)
