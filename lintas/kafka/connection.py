"""How a lintas process reaches Kafka: where, over what, and as whom.

A :class:`KafkaConnection` is the bootstrap address plus the security settings every
client needs (kafka-python, aiokafka through Faust). It never shows its password: not in
its repr, not in errors. :func:`kafka_connection` builds the one a process uses from the
settings — an existing cluster's ``LINTAS_KAFKA_*`` options, or the local broker with the
process's own principal (:mod:`lintas.kafka.principals`).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import SecretStr

__all__ = ["KafkaConnection", "Protocol"]

Protocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"]

#: the longest a kafka-python client waits before trying a lost broker again
RECONNECT_BACKOFF_MAX_MS = 2000


@dataclass(frozen=True)
class KafkaConnection:
    """A bootstrap address and the credentials of one principal."""

    bootstrap: str
    protocol: Protocol = "PLAINTEXT"
    mechanism: str = "SCRAM-SHA-512"
    username: str | None = None
    password: SecretStr | None = field(default=None, repr=False)
    #: CA certificates to trust for TLS (``SASL_SSL``/``SSL``); the system's when None
    ca_file: str | None = None

    def __str__(self) -> str:
        who = f"{self.username}@" if self.username else ""
        return f"{who}{self.bootstrap}"

    @property
    def sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def tls(self) -> bool:
        return self.protocol in ("SASL_SSL", "SSL")

    def as_principal(self, username: str, password: str | SecretStr) -> KafkaConnection:
        """The same broker, reached as another principal."""
        secret = password if isinstance(password, SecretStr) else SecretStr(password)
        protocol: Protocol = self.protocol if self.sasl else "SASL_PLAINTEXT"
        return replace(self, protocol=protocol, username=username, password=secret)

    def kafka_python(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python's clients. They try a lost broker again at
        least every two seconds (kafka-python's own backoff grows to 30 s, which kept
        processes away for that long after a broker came back)."""
        out: dict[str, Any] = {"bootstrap_servers": self.bootstrap,
                               "security_protocol": self.protocol,
                               "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS}
        if self.sasl:
            out.update(sasl_mechanism=self.mechanism, sasl_plain_username=self.username,
                       sasl_plain_password=self._secret())
        if self.tls:
            out["ssl_cafile"] = self.ca_file
            out["ssl_check_hostname"] = True
        return out

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's clients."""
        out: dict[str, Any] = {"bootstrap_servers": self.bootstrap,
                               "security_protocol": self.protocol}
        if self.sasl:
            out.update(sasl_mechanism=self.mechanism, sasl_plain_username=self.username,
                       sasl_plain_password=self._secret())
        if self.tls:
            out["ssl_context"] = self.ssl_context()
        return out

    def faust_credentials(self) -> Any:
        """Faust's ``broker_credentials`` (None without security)."""
        import faust

        if self.sasl:
            return faust.SASLCredentials(username=self.username, password=self._secret(),
                                         mechanism=self.mechanism,
                                         ssl_context=self.ssl_context() if self.tls else None)
        if self.tls:
            return faust.SSLCredentials(self.ssl_context())
        return None

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def environment(self) -> dict[str, str]:
        """``LINTAS_KAFKA_*`` variables that make a child lintas process connect the same
        way, as the same principal."""
        out = {"LINTAS_KAFKA_BOOTSTRAP": self.bootstrap,
               "LINTAS_KAFKA_SECURITY_PROTOCOL": self.protocol}
        if self.sasl:
            out.update(LINTAS_KAFKA_SASL_MECHANISM=self.mechanism,
                       LINTAS_KAFKA_USERNAME=self.username or "",
                       LINTAS_KAFKA_PASSWORD=self._secret())
        if self.ca_file:
            out["LINTAS_KAFKA_SSL_CAFILE"] = self.ca_file
        return out

    def _secret(self) -> str:
        return self.password.get_secret_value() if self.password else ""
