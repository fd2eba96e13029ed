"""A client of Confluent's Schema Registry API, and the canonical topics' subjects.

lintas names subjects by the topic-name strategy (``<topic>-value``), registers every
released version of each canonical record and then its current schema, and holds each
subject to ``FULL_TRANSITIVE`` compatibility: a new version must read, and be read by,
every version before it. Any registry speaking Confluent's API will do; ``lintas registry
start`` runs Apicurio Registry locally (:mod:`lintas.kafka.schemaregistry`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from lintas.core.errors import RegistryError, RegistryUnavailable
from lintas.core.redact import redact_url
from lintas.core.topics import catalog
from lintas.kafka.access import CANONICAL_TOPICS
from lintas.schemas.codec import load_schema, released_versions

__all__ = ["CANONICAL_RECORDS", "COMPATIBILITY", "RegistryClient", "Subject",
           "canonical_subjects", "register_canonical", "subject_of"]

#: canonical topic -> the record its values hold
CANONICAL_RECORDS: dict[str, str] = {
    spec.name: spec.value for spec in catalog([], 1) if spec.name in CANONICAL_TOPICS
}
COMPATIBILITY = "FULL_TRANSITIVE"
_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


def subject_of(topic: str) -> str:
    """The subject of ``topic``'s values (topic-name strategy)."""
    return f"{topic}-value"


class RegistryClient:
    """The calls lintas makes to a schema registry at ``url`` (Confluent's API)."""

    def __init__(self, url: str, *, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, timeout=timeout, transport=transport,
                                  headers={"Accept": _CONTENT_TYPE})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._http.request(method, path, json=body,
                                          headers={"Content-Type": _CONTENT_TYPE})
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"schema registry {redact_url(self.url)}: {method} {path}: "
                                f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise RegistryError(f"schema registry {redact_url(self.url)}: {method} {path}: "
                                f"{response.status_code} {response.text[:300]}",
                                response.status_code)
        return response.json()

    def register(self, subject: str, schema: str) -> int:
        """Register ``schema`` under ``subject`` (the id it has if it is there already);
        refused when the subject's compatibility rule forbids it."""
        return int(self._call("POST", f"/subjects/{subject}/versions", {"schema": schema})["id"])

    def schema(self, schema_id: int) -> str:
        """The text of schema ``schema_id``."""
        return str(self._call("GET", f"/schemas/ids/{schema_id}")["schema"])

    def subjects(self) -> list[str]:
        return [str(s) for s in self._call("GET", "/subjects")]

    def versions(self, subject: str) -> list[int]:
        return [int(v) for v in self._call("GET", f"/subjects/{subject}/versions")]

    def compatibility(self, subject: str) -> str:
        """The subject's compatibility rule."""
        answer = self._call("GET", f"/config/{subject}")
        return str(answer.get("compatibilityLevel") or answer.get("compatibility"))

    def set_compatibility(self, subject: str, level: str) -> None:
        self._call("PUT", f"/config/{subject}", {"compatibility": level})

    def is_compatible(self, subject: str, schema: str) -> bool:
        """Whether ``schema`` may become the subject's next version."""
        answer = self._call("POST", f"/compatibility/subjects/{subject}/versions/latest",
                            {"schema": schema})
        return bool(answer["is_compatible"])


@dataclass(frozen=True)
class Subject:
    """A canonical topic's subject and what lintas registered under it."""

    topic: str
    subject: str
    record: str
    #: schema id of each version registered, oldest first; the last is the current schema
    ids: tuple[int, ...]

    @property
    def current_id(self) -> int:
        return self.ids[-1]


def _versions(record: str) -> Iterator[str]:
    """Every released version of ``record``, oldest first, then the current schema."""
    for _number, schema in released_versions(record):
        yield json.dumps(schema)
    yield json.dumps(load_schema(record))


def register_canonical(client: RegistryClient) -> list[Subject]:
    """Register every canonical record under its topic's subject and hold the subject to
    FULL_TRANSITIVE (set after its first version, so the registry checks the others)."""
    subjects = []
    for topic, record in CANONICAL_RECORDS.items():
        subject = subject_of(topic)
        ids: list[int] = []
        for number, schema in enumerate(_versions(record)):
            schema_id = client.register(subject, schema)
            if number == 0:
                client.set_compatibility(subject, COMPATIBILITY)
            if schema_id in ids:  # a released version that is also the current one
                ids.remove(schema_id)
            ids.append(schema_id)
        subjects.append(Subject(topic, subject, record, tuple(ids)))
    return subjects


def canonical_subjects(client: RegistryClient) -> dict[str, str]:
    """Each canonical subject the registry holds -> its compatibility rule."""
    held = set(client.subjects())
    return {subject_of(t): client.compatibility(subject_of(t))
            for t in CANONICAL_RECORDS if subject_of(t) in held}
