"""Webhook signatures: what member couriers send and the ingest endpoint checks.

A push request carries ``X-Lintas-Timestamp`` (Unix seconds) and
``X-Lintas-Signature: v1=<hex HMAC-SHA256 of "<timestamp>." + body, keyed with the
partner's webhook secret>``. The ingest refuses a timestamp outside the replay window.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = [
    "REPLAY_WINDOW_SECONDS",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "sign",
    "signature_headers",
    "verify",
]

TIMESTAMP_HEADER = "X-Lintas-Timestamp"
SIGNATURE_HEADER = "X-Lintas-Signature"
REPLAY_WINDOW_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``v1=…`` signature of ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={digest.hexdigest()}"


def signature_headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Both headers a signed push request carries."""
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is the right one (compared in constant time, as bytes: a header
    may carry any byte)."""
    given = signature.strip().encode("utf-8", "replace")
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), given)
