"""lintas settings: one frozen object, read once, from ``LINTAS_*`` variables and ``.env``.

Nested values use a double underscore; a partner's credentials are
``LINTAS_<PARTNER ID>__<FIELD>``: ``LINTAS_POS__CLIENT_SECRET=...``.
Secrets are ``SecretStr`` so they never print in logs, reprs or errors; so is the view's
database URL, which may hold a password, and a partner's base URL is shown with its
password as ``***`` (:func:`lintas.core.redact.redact_url`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from lintas.core.redact import redact_url

__all__ = ["PartnerCredentials", "Settings", "get_settings"]


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "lintas"


def _default_cache() -> Path:
    return Path.home() / ".cache" / "lintas"


class PartnerCredentials(BaseModel):
    """Credentials and endpoint of one partner's API (pull) or push endpoint."""

    model_config = ConfigDict(frozen=True)

    base_url: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    username: str | None = None
    api_key: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    rate_per_second: float = 5.0

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, redact_url(value) if name == "base_url" else value


class _PartnerSettings(PartnerCredentials, BaseSettings):
    """One partner's credentials as the environment states them."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore", frozen=True)


class Settings(BaseSettings):
    """Everything lintas reads from its environment. Build it once with :func:`get_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="LINTAS_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
        frozen=True,
    )

    # Kafka
    kafka_bootstrap: str | None = Field(
        default=None,
        description="Bootstrap servers of an existing Kafka; unset means the local broker.",
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"] | None = (
        Field(default=None, description="How to reach an existing Kafka; SASL_PLAINTEXT when a "
                                        "username is set, else PLAINTEXT.")
    )
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    #: CA certificates to trust for TLS to an existing Kafka (SASL_SSL, SSL)
    kafka_ssl_cafile: str | None = None
    #: Where an existing Kafka's process principals are kept (``lintas access apply``
    #: writes it): a process without LINTAS_KAFKA_USERNAME signs in as its own role's.
    kafka_principals_file: Path | None = None
    kafka_version: str = "4.1.1"
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    kafka_heap: str = "512m"
    #: whether the local broker's clients speak TLS (SASL_SSL) to it, trusting the CA it
    #: makes on first start (``<home>/kafka/tls/ca.pem``)
    kafka_tls: bool = False
    topic_partitions: int = Field(default=3, ge=1)
    replication_factor: int = Field(default=1, ge=1)

    # Schema registry (Confluent's REST API) and the canonical topics' wire format
    #: How lintas writes the canonical topics: Avro single-object encoding (``C3 01``, the
    #: schema's fingerprint, the body) or Confluent's (``00``, the registry's 4-byte schema
    #: id, the body). Readers of lintas take both.
    wire_format: Literal["single-object", "confluent"] = "single-object"
    #: A Confluent-compatible schema registry's URL; unset means the local registry
    #: (``lintas registry start``) on 127.0.0.1
    schema_registry_url: str | None = None
    schema_registry_port: int = 8081
    schema_registry_heap: str = "256m"

    # Places on disk
    home: Path = Field(default_factory=_default_home)
    cache_dir: Path = Field(default_factory=_default_cache)

    # The view
    #: SQLAlchemy URL of the view; a secret, since it may hold the database's password
    database_url: SecretStr | None = None
    sink_batch_size: int = Field(default=500, ge=1)

    # Faust worker
    app_id: str = "lintas"
    #: Comma-separated agents this worker runs ("all", or e.g. "normalize_records"); a
    #: worker running a subset needs its own LINTAS_APP_ID (consumer group).
    worker_agents: str = "all"
    worker_web_port: int = 6066
    worker_web_enabled: bool = False
    table_store: str = "memory://"
    #: Registered hand-overs, ``giver>receiver`` by partner or member id, comma-separated:
    #: explicit references between these parties link without the other side's events.
    handover_agreements: str = ""
    #: How often the worker looks for members' new raw topics.
    member_topics_refresh_seconds: float = Field(default=30.0, gt=0)
    #: A shipment terminal and without events this long (in event time) leaves the
    #: worker's tables; its state waits in the archive topic for a late event.
    close_after_days: float = Field(default=14.0, gt=0)
    #: How long the archive keeps a closed shipment's state (the archive topic's retention):
    #: a later event starts a shipment of its own.
    archive_days: float = Field(default=90.0, gt=0)

    # Sandboxes and connectors
    sandbox_host: str = "127.0.0.1"
    poll_interval_seconds: float = 5.0

    _partners: dict[str, PartnerCredentials] = PrivateAttr(default_factory=dict)

    @property
    def view_url(self) -> str:
        """SQLAlchemy URL of the view; SQLite under ``home`` unless set. It may hold a
        password: print :func:`~lintas.core.redact.redact_url` of it, never itself."""
        if self.database_url and self.database_url.get_secret_value():
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.home / 'view.db'}"

    @property
    def registry_url(self) -> str:
        """The schema registry's base URL, to which Confluent's paths are added
        (``/subjects``, ``/schemas/ids/<id>``)."""
        if self.schema_registry_url:
            return self.schema_registry_url.rstrip("/")
        return f"http://127.0.0.1:{self.schema_registry_port}/apis/ccompat/v6"

    def partner(self, partner_id: str) -> PartnerCredentials:
        """Credentials of one partner, from ``LINTAS_<ID>__<FIELD>`` (``.env`` too); the
        defaults where none are set. Read once per partner."""
        cached = self._partners.get(partner_id)
        if cached is None:
            prefix = f"{self.model_config.get('env_prefix', '')}{partner_id.upper()}__"
            read = _PartnerSettings(_env_prefix=prefix)  # type: ignore[call-arg]
            cached = PartnerCredentials(**read.model_dump())
            self._partners[partner_id] = cached
        return cached


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings()
