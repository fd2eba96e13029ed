"""The broker set up for lintas: its topics, its processes' principals and their grants,
for the partners in the registry.

``lintas kafka start`` runs :func:`prepare_broker` on the local broker after it starts; the
test tooling and ``lintas access apply`` (an existing cluster, as its admin) do the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr

from lintas.connectors.registry import PARTNERS
from lintas.core.topics import catalog, raw_topic
from lintas.kafka.access import Grant, apply_grants, process_grants, upsert_principal
from lintas.kafka.admin import ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.kafka.principals import PROCESS_ROLES, principal_name

__all__ = ["lintas_grants", "prepare_broker"]


def lintas_grants(app_id: str) -> list[Grant]:
    """What each lintas process may do, for the partners in the registry: connectors write
    pull and file partners' raw topics, the ingest push partners'."""
    pulled = [raw_topic(p.id) for p in PARTNERS.values() if p.mode in ("pull", "file")]
    pushed = [raw_topic(p.id) for p in PARTNERS.values() if p.mode == "push"]
    return process_grants(app_id, pulled, pushed)


def prepare_broker(admin: KafkaConnection, passwords: Mapping[str, SecretStr], *,
                   app_id: str, partitions: int, replication_factor: int = 1) -> None:
    """Topics of the catalog, each process's principal (with its password from
    ``passwords``, by principal name) and its grants. Safe to run again."""
    ensure_topics(admin, catalog(sorted(PARTNERS), partitions), replication_factor)
    for role in PROCESS_ROLES:
        name = principal_name(role)
        upsert_principal(admin, name, passwords[name].get_secret_value())
    apply_grants(admin, lintas_grants(app_id))
