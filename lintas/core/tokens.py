"""Bearer tokens for lintas's HTTP servers: who may read the API and the ops server.

A token reads ``lintas_<id>_<secret>``: the id (public, shown by ``lintas tokens list``)
finds its entry without trying every one, the secret is 256 random bits. The store keeps
only the token's SHA-256 with its scope, name and dates, in ``<LINTAS_HOME>/tokens.json``,
readable by its owner only; the token itself is shown once, when it is created. A revoked
token stays listed, with when it was revoked. Servers read the file again whenever it
changes, so a revocation holds from the next request on.

| scope | lets its bearer read |
|---|---|
| ``view:read`` | the read API (``lintas api serve``) |
| ``ops:read`` | the ops server's metrics, dashboard data and JSON (``lintas ops serve``) |
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, get_args

from lintas.core.errors import ConfigurationError

__all__ = ["SCOPES", "Access", "Scope", "TokenEntry", "TokenStore", "token_store_path"]

Scope = Literal["view:read", "ops:read"]
SCOPES: tuple[Scope, ...] = get_args(Scope)

_PREFIX = "lintas"
_TOKEN = re.compile(rf"^{_PREFIX}_(?P<id>[0-9a-f]{{12}})_(?P<secret>[A-Za-z0-9_-]{{43}})$")
_FILE_NAME = "tokens.json"


def token_store_path(home: Path) -> Path:
    """Where the tokens of the lintas home ``home`` are kept."""
    return Path(home) / _FILE_NAME


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Access(enum.Enum):
    """What a token presented for a scope is worth."""

    GRANTED = "granted"
    UNKNOWN = "unknown"  # malformed, never issued, or not this one
    REVOKED = "revoked"
    WRONG_SCOPE = "wrong_scope"


@dataclass(frozen=True)
class TokenEntry:
    """One token as the store keeps it: never the token itself."""

    id: str
    scope: Scope
    sha256: str = field(repr=False)
    name: str | None = None
    created_at: str = field(default_factory=_now)
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def public(self) -> dict[str, Any]:
        """What ``lintas tokens list`` shows: no secret, not even its hash."""
        return {"id": self.id, "name": self.name, "scope": self.scope,
                "created_at": self.created_at, "revoked_at": self.revoked_at}


class TokenStore:
    """Tokens in a JSON file only its owner reads and writes (mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._entries: dict[str, TokenEntry] = {}

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def _load(self) -> dict[str, TokenEntry]:
        """The entries, read again only when the file changed."""
        with self._lock:
            stamp = self._stamp()
            if stamp != self._seen:
                self._entries = self._read() if stamp else {}
                self._seen = stamp
            return dict(self._entries)

    def _read(self) -> dict[str, TokenEntry]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {key: TokenEntry(**value) for key, value in dict(raw).items()}
        except FileNotFoundError:
            return {}
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(f"the token store {self.path} cannot be read "
                                     f"({exc.__class__.__name__}); fix or remove it") from None

    def _write(self, entries: dict[str, TokenEntry]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({k: asdict(v) for k, v in entries.items()}, out, indent=2, sort_keys=True)
        os.replace(temp, self.path)

    def create(self, scope: str, name: str | None = None) -> tuple[TokenEntry, str]:
        """A new token for ``scope``: its entry and the token, which nothing keeps."""
        if scope not in SCOPES:
            raise ConfigurationError(f"no scope {scope!r}; the scopes are {', '.join(SCOPES)}")
        entries = self._read()
        token_id = secrets.token_hex(6)
        while token_id in entries:
            token_id = secrets.token_hex(6)
        token = f"{_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
        entry = TokenEntry(token_id, scope, _digest(token), name)
        self._write({**entries, token_id: entry})
        return entry, token

    def all(self) -> list[TokenEntry]:
        """Every token, revoked ones too, oldest first."""
        return sorted(self._read().values(), key=lambda e: (e.created_at, e.id))

    def revoke(self, token_id: str) -> TokenEntry:
        """Revoke the token ``token_id`` (again: nothing changes); its entry."""
        entries = self._read()
        entry = entries.get(token_id)
        if entry is None:
            raise ConfigurationError(f"no token {token_id!r}; see `lintas tokens list`")
        if entry.active:
            entry = TokenEntry(**{**asdict(entry), "revoked_at": _now()})
            self._write({**entries, token_id: entry})
        return entry

    def check(self, token: str, scope: str) -> Access:
        """What ``token`` is worth for ``scope``."""
        found = _TOKEN.match(token)
        entry = self._load().get(found.group("id")) if found else None
        if entry is None or not hmac.compare_digest(entry.sha256, _digest(token)):
            return Access.UNKNOWN
        if not entry.active:
            return Access.REVOKED
        return Access.GRANTED if entry.scope == scope else Access.WRONG_SCOPE
