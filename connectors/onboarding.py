"""Adding, rotating and revoking members and subscribers: their Kafka principal, grants,
quota and topic, and their account (:mod:`lintas.connectors.members`).

Secrets are made here and returned once (:class:`Issued`); Kafka keeps only salted
credentials, and a revoked account's grants go at once: the broker authorizes every
request, so its open connections are refused from their next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import SecretStr

from lintas.connectors.members import Account, AccountStore, Kind, new_secret
from lintas.core.errors import ConfigurationError
from lintas.core.topics import TopicSpec, member_topic
from lintas.kafka.access import (
    CANONICAL_TOPICS,
    apply_grants,
    delete_principal,
    member_grants,
    revoke_grants,
    set_producer_quota,
    subscriber_grants,
    upsert_principal,
)
from lintas.kafka.admin import ensure_topics
from lintas.kafka.connection import KafkaConnection

__all__ = ["DEFAULT_QUOTA_BYTES", "Issued", "add_account", "revoke_account", "rotate_account"]

#: A member produces at most this many bytes a second unless told otherwise (~1 MB/s:
#: thousands of tracking events a second, far beyond a small courier's day).
DEFAULT_QUOTA_BYTES = 1_048_576
_RAW = {"cleanup.policy": "delete", "retention.ms": str(365 * 24 * 3600 * 1000)}


@dataclass
class Issued:
    """An account with the secrets just made for it (shown once)."""

    account: Account
    kafka: KafkaConnection
    password: SecretStr
    webhook_secret: SecretStr | None

    def as_dict(self) -> dict[str, Any]:
        kafka: dict[str, Any] = {"bootstrap": self.kafka.bootstrap,
                                 "security_protocol": self.kafka.protocol,
                                 "mechanism": self.kafka.mechanism,
                                 "username": self.account.principal,
                                 "password": self.password.get_secret_value()}
        out: dict[str, Any] = {self.account.kind: self.account.id, "kafka": kafka}
        if self.account.kind == "member":
            kafka["topic"] = member_topic(self.account.id)
            out["webhook_secret"] = (self.webhook_secret.get_secret_value()
                                     if self.webhook_secret else None)
        else:
            kafka["topics"] = list(CANONICAL_TOPICS)
            kafka["group_prefix"] = self.account.principal
        return out


def _grants(account: Account) -> list[Any]:
    return (member_grants(account.id) if account.kind == "member"
            else subscriber_grants(account.id))


def _issue(admin: KafkaConnection, store: AccountStore, account: Account) -> Issued:
    password = new_secret()
    upsert_principal(admin, account.principal, password)
    if account.kind == "member":
        account.webhook_secret = SecretStr(new_secret())
    account.revoked_at = None
    apply_grants(admin, _grants(account))
    store.put(account)
    return Issued(account, admin.as_principal(account.principal, password), SecretStr(password),
                  account.webhook_secret)


def add_account(admin: KafkaConnection, store: AccountStore, kind: Kind, account_id: str, *,
                name: str | None = None, partitions: int = 3,
                quota_bytes: float = DEFAULT_QUOTA_BYTES) -> Issued:
    """A new member (its topic, principal, grants and quota) or subscriber."""
    if store.get(kind, account_id) is not None:
        raise ConfigurationError(f"{kind} {account_id!r} exists; rotate its secrets with "
                                 f"`lintas {kind}s rotate {account_id}`")
    topic = member_topic(account_id)  # the id rules hold for subscribers too
    account = Account(account_id, kind, name)
    if kind == "member":
        ensure_topics(admin, [TopicSpec(topic, "partner:tracking_number", "RawRecord",
                                        partitions, _RAW)])
        set_producer_quota(admin, account.principal, quota_bytes)
    return _issue(admin, store, account)


def rotate_account(admin: KafkaConnection, store: AccountStore, kind: Kind,
                   account_id: str) -> Issued:
    """New secrets for an account (the old ones stop working); a revoked one comes back."""
    return _issue(admin, store, store.require(kind, account_id))


def revoke_account(admin: KafkaConnection, store: AccountStore, kind: Kind,
                   account_id: str) -> Account:
    """Take an account's grants and credentials away; the ingest refuses its webhooks."""
    account = store.require(kind, account_id)
    revoke_grants(admin, account.principal)
    delete_principal(admin, account.principal)
    account.revoked_at = datetime.now(timezone.utc).isoformat()
    account.webhook_secret = None
    store.put(account)
    return account
