"""Who may do what on the broker: the grants of every principal, applied as Kafka ACLs.

The broker runs KRaft's ``StandardAuthorizer`` with ``allow.everyone.if.no.acl.found=false``:
what no grant allows is refused. :func:`process_grants` is the least each lintas process
needs, :func:`member_grants` and :func:`subscriber_grants` what a member courier and a
downstream consumer get; docs/security.md holds the same table for people.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lintas.core.errors import BrokerError
from lintas.core.topics import (
    CONNECT_OFFSETS,
    DLQ,
    NETWORK_NODES,
    SERVICE_POINTS,
    SHIPMENT_EVENTS,
    SHIPMENTS,
    member_topic,
)
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.principals import principal_name

__all__ = [
    "CANONICAL_TOPICS",
    "Grant",
    "apply_grants",
    "delete_principal",
    "member_grants",
    "process_grants",
    "revoke_grants",
    "scram_credential",
    "set_producer_quota",
    "subscriber_grants",
    "upsert_principal",
]

Resource = Literal["topic", "group", "cluster"]
Pattern = Literal["literal", "prefixed"]

#: Topics downstream consumers subscribe to.
CANONICAL_TOPICS = (SHIPMENT_EVENTS, NETWORK_NODES, SHIPMENTS, SERVICE_POINTS)
#: Raw topics, and the members' ones among them.
RAW_PREFIX = "lintas.raw."
#: Internal topics of the worker (between agents, table changelogs).
INTERNAL_PREFIX = "lintas-"
SINK_GROUP = "lintas-view-sink"


@dataclass(frozen=True)
class Grant:
    """``principal`` may do ``operations`` on one resource (or every resource with a
    name starting with ``name``, for a prefixed pattern)."""

    principal: str
    resource: Resource
    name: str
    operations: tuple[str, ...]
    pattern: Pattern = "literal"


def _topics(principal: str, names: Iterable[str], *ops: str) -> list[Grant]:
    return [Grant(principal, "topic", name, ops) for name in names]


def process_grants(app_id: str, pulled_topics: Sequence[str],
                   pushed_topics: Sequence[str]) -> list[Grant]:
    """What each lintas process may do. ``pulled_topics`` are the raw topics connectors
    and file drops write, ``pushed_topics`` those the ingest writes (members' apart)."""
    connector, ingest = principal_name("connector"), principal_name("ingest")
    worker, sink, ops = principal_name("worker"), principal_name("sink"), principal_name("ops")
    return [
        *_topics(connector, pulled_topics, "WRITE", "DESCRIBE"),
        *_topics(connector, [CONNECT_OFFSETS], "READ", "WRITE", "DESCRIBE"),
        *_topics(ingest, pushed_topics, "WRITE", "DESCRIBE"),
        Grant(ingest, "topic", f"{RAW_PREFIX}member.", ("WRITE", "DESCRIBE"), "prefixed"),
        Grant(worker, "topic", RAW_PREFIX, ("READ", "DESCRIBE"), "prefixed"),
        *_topics(worker, [SHIPMENT_EVENTS, NETWORK_NODES], "READ", "WRITE", "DESCRIBE"),
        *_topics(worker, [SHIPMENTS, SERVICE_POINTS, DLQ], "WRITE", "DESCRIBE"),
        Grant(worker, "topic", INTERNAL_PREFIX, ("ALL",), "prefixed"),
        Grant(worker, "group", app_id, ("READ", "DESCRIBE"), "prefixed"),
        *_topics(sink, [SHIPMENTS, SERVICE_POINTS, NETWORK_NODES, DLQ], "READ", "DESCRIBE"),
        Grant(sink, "group", SINK_GROUP, ("READ", "DESCRIBE")),
        # Ops reads every topic (lag in seconds reads their newest records; the DLQ holds
        # raw payloads), describes every group, steers connectors and replays dead letters.
        Grant(ops, "topic", "*", ("READ", "DESCRIBE")),
        Grant(ops, "group", "*", ("DESCRIBE",)),
        *_topics(ops, [CONNECT_OFFSETS], "WRITE"),
        Grant(ops, "topic", RAW_PREFIX, ("WRITE",), "prefixed"),
    ]


def member_grants(member_id: str) -> list[Grant]:
    """A member courier writes its own raw topic and nothing else."""
    return [Grant(f"member-{member_id}", "topic", member_topic(member_id),
                  ("WRITE", "DESCRIBE"))]


def subscriber_grants(subscriber_id: str) -> list[Grant]:
    """A downstream consumer reads the canonical topics, in groups named after itself."""
    principal = f"subscriber-{subscriber_id}"
    return [*_topics(principal, CANONICAL_TOPICS, "READ", "DESCRIBE"),
            Grant(principal, "group", f"subscriber-{subscriber_id}", ("READ", "DESCRIBE"),
                  "prefixed")]


# -- applying them ---------------------------------------------------------------------

def _acl(grant: Grant, operation: str) -> Any:
    from kafka.admin import (
        ACL,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        ResourcePattern,
        ResourceType,
    )

    resource = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP,
                "cluster": ResourceType.CLUSTER}[grant.resource]
    pattern = (ACLResourcePatternType.PREFIXED if grant.pattern == "prefixed"
               else ACLResourcePatternType.LITERAL)
    return ACL(f"User:{grant.principal}", "*", ACLOperation[operation], ACLPermissionType.ALLOW,
               ResourcePattern(resource, grant.name, pattern))


def _admin(admin: KafkaConnection) -> Any:
    from lintas.kafka.admin import admin_client

    return admin_client(admin)


def apply_grants(admin: KafkaConnection, grants: Iterable[Grant]) -> int:
    """Create the ACLs of ``grants`` (an existing one is left as it is); how many."""
    acls = [_acl(g, op) for g in grants for op in g.operations]
    client = _admin(admin)
    try:
        result = client.create_acls(acls)
    finally:
        client.close()
    if result["failed"]:
        first = result["failed"][0]
        raise BrokerError(f"the broker refused {len(result['failed'])} ACL(s), e.g. {first}")
    return len(acls)


def revoke_grants(admin: KafkaConnection, principal: str) -> int:
    """Delete every ACL of ``principal``; how many there were."""
    from kafka.admin import (
        ACLFilter,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        ResourcePatternFilter,
        ResourceType,
    )

    match_all = ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY)
    acl_filter = ACLFilter(f"User:{principal}", None, ACLOperation.ANY, ACLPermissionType.ANY,
                           match_all)
    client = _admin(admin)
    try:
        result = client.delete_acls([acl_filter])
    finally:
        client.close()
    return sum(len(matches) for _, matches, _ in result)


def scram_credential(password: str, iterations: int = 4096) -> tuple[bytes, bytes]:
    """(salt, salted password) of a SCRAM-SHA-512 credential, as Kafka stores it."""
    salt = os.urandom(24)
    return salt, hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)


def upsert_principal(admin: KafkaConnection, name: str, password: str) -> None:
    """Create ``name`` as a SCRAM-SHA-512 principal, or give it a new password."""
    from kafka.admin import ScramMechanism, UserScramCredentialUpsertion

    client = _admin(admin)
    try:
        errors = client.alter_user_scram_credentials([UserScramCredentialUpsertion(
            name, ScramMechanism.SCRAM_SHA_512, password, iterations=4096)])
    finally:
        client.close()
    if errors.get(name):
        raise BrokerError(f"the broker refused the credentials of {name}: {errors[name]}")


def delete_principal(admin: KafkaConnection, name: str) -> bool:
    """Remove ``name``'s credentials: it can no longer sign in. Whether it had any."""
    from kafka.admin import ScramMechanism, UserScramCredentialDeletion

    client = _admin(admin)
    try:
        errors = client.alter_user_scram_credentials(
            [UserScramCredentialDeletion(name, ScramMechanism.SCRAM_SHA_512)])
    finally:
        client.close()
    return not errors.get(name)


def set_producer_quota(admin: KafkaConnection, principal: str, bytes_per_second: float) -> None:
    """Cap how fast ``principal`` may produce (the broker delays it beyond the rate)."""
    from kafka.protocol.admin.client_quotas import AlterClientQuotasRequest

    entry = AlterClientQuotasRequest.EntryData
    request = AlterClientQuotasRequest(validate_only=False, entries=[entry(
        entity=[entry.EntityData(entity_type="user", entity_name=principal)],
        ops=[entry.OpData(key="producer_byte_rate", value=float(bytes_per_second),
                          remove=False)],
    )])
    client = _admin(admin)
    try:
        # kafka-python has the request but no admin method for it: sent as its admin does.
        response = client._manager.run(client._manager.send, request)
    finally:
        client.close()
    for result in response.entries:
        if result.error_code:
            raise BrokerError(f"the broker refused the quota of {principal}: "
                              f"{result.error_message}")
