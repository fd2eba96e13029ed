"""Members and subscribers lintas knows: who they are, and the ingest's secret of each member.

A member courier (one of ASPERINDO's ~350 without an API) publishes in the standard format,
either straight to Kafka as ``member-<id>`` onto its own topic ``lintas.raw.member.<id>``,
or through the ingest with its own webhook secret. A subscriber (a downstream consumer)
reads the canonical topics as ``subscriber-<id>``. Kafka keeps their passwords (SCRAM,
salted); this store keeps the rest, in ``<LINTAS_HOME>/members.json``, readable by its owner
only: the webhook secrets must be kept as they are to check signatures.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from lintas.core.errors import ConfigurationError
from lintas.core.topics import member_topic

__all__ = ["Account", "AccountStore", "Kind", "new_secret"]

Kind = Literal["member", "subscriber"]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Account:
    """A member or a subscriber."""

    id: str
    kind: Kind
    name: str | None = None
    created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    revoked_at: str | None = None
    #: the ingest checks a member's webhook signatures with it
    webhook_secret: SecretStr | None = field(default=None, repr=False)

    @property
    def principal(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def public(self) -> dict[str, object]:
        """What ``lintas members list`` shows: no secret."""
        out: dict[str, object] = {"id": self.id, "kind": self.kind, "name": self.name,
                                  "principal": self.principal, "created_at": self.created_at,
                                  "revoked_at": self.revoked_at}
        if self.kind == "member":
            out["topic"] = member_topic(self.id)
        return out


class AccountStore:
    """Accounts in a JSON file only its owner reads and writes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            return dict(json.loads(self.path.read_text()))
        except FileNotFoundError:
            return {}

    def _write(self, values: dict[str, dict[str, object]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_suffix(".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(values, out, indent=2, sort_keys=True)
        os.replace(temp, self.path)

    @staticmethod
    def _key(kind: Kind, account_id: str) -> str:
        return f"{kind}:{account_id}"

    def get(self, kind: Kind, account_id: str) -> Account | None:
        raw = self._read().get(self._key(kind, account_id))
        if raw is None:
            return None
        secret = raw.pop("webhook_secret", None)
        account = Account(**raw)  # type: ignore[arg-type]
        account.webhook_secret = SecretStr(str(secret)) if secret else None
        return account

    def require(self, kind: Kind, account_id: str) -> Account:
        account = self.get(kind, account_id)
        if account is None:
            raise ConfigurationError(f"no {kind} {account_id!r}; see `lintas {kind}s list`")
        return account

    def put(self, account: Account) -> None:
        values = self._read()
        raw = asdict(account)
        raw["webhook_secret"] = (account.webhook_secret.get_secret_value()
                                 if account.webhook_secret else None)
        values[self._key(account.kind, account.id)] = raw
        self._write(values)

    def all(self, kind: Kind) -> list[Account]:
        return [a for key in sorted(self._read()) if key.startswith(f"{kind}:")
                if (a := self.get(kind, key.split(":", 1)[1])) is not None]
