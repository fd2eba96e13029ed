"""The lintas exception tree, typed by what the caller must do.

    LintasError
    ├── ConfigurationError        fix the settings, then start again
    ├── BrokerError               the Kafka broker cannot be reached or managed
    ├── RegistryError             the schema registry refused a call, or cannot be started
    │   └── RegistryUnavailable   it cannot be reached: try again (``retriable``)
    ├── FatalError                stop this connector or command; retrying will not help
    │   └── AuthenticationError   the partner refused our credentials
    ├── RetriableError            try again later (``retry_after`` seconds when known)
    ├── SkippableError            skip this one item, keep going (it goes to the DLQ)
    │   └── PayloadError          a payload is not in the partner's format
    └── SchemaError               a record does not match its Avro schema

Messages name the partner, topic and offset where known, never a secret.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "BrokerError",
    "ConfigurationError",
    "FatalError",
    "LintasError",
    "PayloadError",
    "RegistryError",
    "RegistryUnavailable",
    "RetriableError",
    "SchemaError",
    "SkippableError",
]


class LintasError(Exception):
    """Root of every error lintas raises on purpose."""


class ConfigurationError(LintasError):
    """A setting is missing or wrong."""


class BrokerError(LintasError):
    """The Kafka broker cannot be reached, started or managed."""


class RegistryError(LintasError):
    """The schema registry refused a call (a schema, an unknown id), or cannot be started."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RegistryUnavailable(RegistryError):
    """The schema registry cannot be reached; a consumer retries rather than skipping."""

    retriable = True


class FatalError(LintasError):
    """Stop: retrying will not help."""


class AuthenticationError(FatalError):
    """The partner refused our credentials."""


class RetriableError(LintasError):
    """A passing failure: timeouts, 429, 5xx. Try again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SkippableError(LintasError):
    """This one item cannot be processed; skip it (to the DLQ) and go on."""


class PayloadError(SkippableError):
    """A payload is not in the format the partner is known to send."""


class SchemaError(LintasError):
    """A record does not match its Avro schema, or bytes are not a known schema."""
