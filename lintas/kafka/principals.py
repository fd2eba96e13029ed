"""Who talks to Kafka: one principal per lintas process, and where their secrets live.

Every lintas process reaches Kafka as its own SCRAM-SHA-512 principal with the least it
needs (the grants are in :mod:`lintas.kafka.access`, the table in docs/security.md):

=================  =======================================================================
``admin``          super user: creates topics, principals and ACLs (``lintas kafka``,
                   ``lintas topics``, ``lintas members``, ``lintas subscribers``)
``lintas-connector``  pull connectors and file drops: writes their partners' raw topics
``lintas-ingest``  the push endpoint: writes push partners' and members' raw topics
``lintas-worker``  the Faust worker: reads raw topics, writes canonical and internal ones
``lintas-sink``    the view sink: reads the view's topics
``lintas-ops``     lag, metrics, connector controls, the DLQ
=================  =======================================================================

For the local broker the passwords are generated on first start and kept in
``<LINTAS_HOME>/kafka/principals.json``, readable by its owner only; a process picks its
own. Against an existing cluster a process is told its principal by ``LINTAS_KAFKA_*``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import SecretStr

from lintas.core.errors import ConfigurationError
from lintas.core.settings import Settings
from lintas.kafka.connection import KafkaConnection, Protocol

__all__ = ["ADMIN", "PROCESS_ROLES", "LocalPrincipals", "Role", "kafka_connection",
           "principal_name"]

Role = Literal["admin", "connector", "ingest", "worker", "sink", "ops"]
ADMIN = "admin"
#: The process roles, each with a principal of its own.
PROCESS_ROLES: tuple[Role, ...] = ("connector", "ingest", "worker", "sink", "ops")
#: The local broker's controller listener (SASL/PLAIN, in-process only).
CONTROLLER = "controller"


def principal_name(role: Role) -> str:
    return ADMIN if role == "admin" else f"lintas-{role}"


class LocalPrincipals:
    """The local broker's principals and their passwords, in a file only its owner reads."""

    def __init__(self, directory: Path, name: str = "principals.json") -> None:
        self.path = Path(directory) / name

    def _read(self) -> dict[str, str]:
        try:
            return dict(json.loads(self.path.read_text()))
        except FileNotFoundError:
            return {}

    def _write(self, values: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(values, out, indent=2, sort_keys=True)
        os.replace(self.path.with_suffix(".tmp"), self.path)
        os.chmod(self.path, 0o600)

    def ensure(self) -> dict[str, SecretStr]:
        """Every principal's password, generating those missing (on first start)."""
        values = self._read()
        names = [ADMIN, CONTROLLER, *(principal_name(r) for r in PROCESS_ROLES)]
        missing = [n for n in names if n not in values]
        if missing:
            values.update({name: secrets.token_urlsafe(24) for name in missing})
            self._write(values)
        return {name: SecretStr(value) for name, value in values.items()}

    def password(self, name: str) -> SecretStr:
        value = self._read().get(name)
        if value is None:
            raise ConfigurationError(
                f"no credentials for Kafka principal {name!r} in {self.path}; "
                "start the local broker with `lintas kafka start`"
            )
        return SecretStr(value)


def kafka_connection(settings: Settings, role: Role | None = "admin") -> KafkaConnection:
    """How this process reaches Kafka in ``role``.

    With ``LINTAS_KAFKA_BOOTSTRAP`` set: that cluster, as ``LINTAS_KAFKA_USERNAME`` (SASL
    over ``LINTAS_KAFKA_SECURITY_PROTOCOL``, TLS trusting ``LINTAS_KAFKA_SSL_CAFILE``), or
    without a username as the role's principal from ``LINTAS_KAFKA_PRINCIPALS_FILE``.
    Otherwise the local broker: as ``LINTAS_KAFKA_USERNAME`` when it is set (a member,
    a subscriber), else as the role's own principal. ``role=None`` asks for an explicit
    principal (a member publishing).
    """
    if settings.kafka_bootstrap and settings.kafka_principals_file and role \
            and not settings.kafka_username:
        name = principal_name(role)
        file = settings.kafka_principals_file
        stored = LocalPrincipals(file.parent, file.name)
        return KafkaConnection(settings.kafka_bootstrap,
                               settings.kafka_security_protocol or "SASL_PLAINTEXT",
                               settings.kafka_sasl_mechanism, name, stored.password(name),
                               settings.kafka_ssl_cafile)
    if settings.kafka_bootstrap:
        protocol: Protocol = settings.kafka_security_protocol or (
            "SASL_PLAINTEXT" if settings.kafka_username else "PLAINTEXT")
        if protocol.startswith("SASL_") and not (settings.kafka_username
                                                 and settings.kafka_password):
            raise ConfigurationError(
                f"Kafka over {protocol} needs LINTAS_KAFKA_USERNAME and LINTAS_KAFKA_PASSWORD")
        return KafkaConnection(settings.kafka_bootstrap, protocol, settings.kafka_sasl_mechanism,
                               settings.kafka_username, settings.kafka_password,
                               settings.kafka_ssl_cafile)
    from lintas.kafka.broker.tls import BrokerTls

    local = f"127.0.0.1:{settings.kafka_port}"
    local_protocol: Protocol = "SASL_SSL" if settings.kafka_tls else "SASL_PLAINTEXT"
    ca_file = str(BrokerTls(settings.home / "kafka" / "tls").ca_file) \
        if settings.kafka_tls else None
    if settings.kafka_username:
        if settings.kafka_password is None:
            raise ConfigurationError("LINTAS_KAFKA_USERNAME is set without LINTAS_KAFKA_PASSWORD")
        return KafkaConnection(local, local_protocol, settings.kafka_sasl_mechanism,
                               settings.kafka_username, settings.kafka_password, ca_file)
    if role is None:
        raise ConfigurationError("say who you are to Kafka: set LINTAS_KAFKA_USERNAME and "
                                 "LINTAS_KAFKA_PASSWORD (what `lintas members add` printed)")
    name = principal_name(role)
    return KafkaConnection(local, local_protocol, "SCRAM-SHA-512", name,
                           LocalPrincipals(settings.home / "kafka").password(name), ca_file)
