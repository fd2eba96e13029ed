"""How a partner call proves who we are: the auth strategies of an API spec
(:mod:`lintas.connectors.runtime.client`).

A strategy names ``PartnerCredentials`` fields and never holds a secret; bound to one
client's credentials (:meth:`Auth.signer`) it puts them on each :class:`Draft` request:

- :class:`HttpBasic` — HTTP Basic with two credential fields;
- :class:`Headers` — credential fields as request headers;
- :class:`FormCredentials` — credential fields in the form body;
- :class:`OAuth2ClientCredentials` — a bearer token from the partner's token endpoint,
  fetched on first use and again when it expires or the partner answers 401.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import httpx

from lintas.connectors.runtime.http import check_response
from lintas.core.settings import PartnerCredentials

__all__ = [
    "Auth",
    "BodyKind",
    "Draft",
    "FormCredentials",
    "Headers",
    "HttpBasic",
    "OAuth2ClientCredentials",
    "Signer",
    "credential",
]

BodyKind = Literal["json", "form"]


@dataclass
class Draft:
    """One request being put together: the tracking number placed, credentials applied."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    body_kind: BodyKind | None = None
    headers: dict[str, str] = field(default_factory=dict)
    basic: tuple[str, str] | None = None

    def send(self, http: httpx.Client) -> httpx.Response:
        """Send the request as it stands."""
        return http.request(
            self.method, self.path,
            params=self.params or None,
            json=self.body if self.body_kind == "json" else None,
            data=self.body if self.body_kind == "form" else None,
            headers=self.headers or None,
            auth=self.basic,
        )


def credential(credentials: PartnerCredentials, name: str) -> str:
    """The value of the credential field ``name``, ``""`` when unset; the only place a
    secret is revealed, to be sent."""
    value = getattr(credentials, name)
    if value is None:
        return ""
    return value if isinstance(value, str) else value.get_secret_value()


class Signer(ABC):
    """An auth strategy bound to one client's credentials."""

    @abstractmethod
    def sign(self, request: Draft, http: httpx.Client) -> None:
        """Put the credentials on ``request``."""

    def renew(self, http: httpx.Client) -> bool:
        """After a 401: whether new credentials were fetched, so one more try may pass."""
        return False


class Auth(ABC):
    """An auth strategy: which credential fields a call sends, and how."""

    #: what is missing when a field is not set, as in ``"jne: no API user; set ..."``
    what: str
    #: the body this strategy writes into, if any
    body_kind: ClassVar[BodyKind | None] = None

    @property
    @abstractmethod
    def fields(self) -> tuple[str, ...]:
        """The ``PartnerCredentials`` fields this strategy needs."""

    @abstractmethod
    def signer(self, credentials: PartnerCredentials, partner: str) -> Signer:
        """This strategy bound to one client's credentials."""


class _StatelessAuth(Auth):
    """A strategy that puts the same credentials on every request."""

    @abstractmethod
    def apply(self, request: Draft, credentials: PartnerCredentials) -> None:
        """Put the credentials on ``request``."""

    def signer(self, credentials: PartnerCredentials, partner: str) -> Signer:
        return _Applied(self, credentials)


class _Applied(Signer):
    def __init__(self, auth: _StatelessAuth, credentials: PartnerCredentials) -> None:
        self._auth = auth
        self._credentials = credentials

    def sign(self, request: Draft, http: httpx.Client) -> None:
        self._auth.apply(request, self._credentials)


@dataclass(frozen=True)
class HttpBasic(_StatelessAuth):
    """HTTP Basic with two credential fields, by default the username and the API key."""

    username: str = "username"
    password: str = "api_key"
    what: str = "API user"

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.username, self.password)

    def apply(self, request: Draft, credentials: PartnerCredentials) -> None:
        request.basic = (credential(credentials, self.username),
                         credential(credentials, self.password))


@dataclass(frozen=True)
class Headers(_StatelessAuth):
    """Credential fields sent as headers: ``{header name: credential field}``."""

    by_header: Mapping[str, str]
    what: str = "API key"

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.by_header.values())

    def apply(self, request: Draft, credentials: PartnerCredentials) -> None:
        for header, name in self.by_header.items():
            request.headers[header] = credential(credentials, name)


@dataclass(frozen=True)
class FormCredentials(_StatelessAuth):
    """Credential fields sent in the form body: ``{form field: credential field}``."""

    by_field: Mapping[str, str]
    what: str = "API user"
    body_kind: ClassVar[BodyKind | None] = "form"

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.by_field.values())

    def apply(self, request: Draft, credentials: PartnerCredentials) -> None:
        request.body_kind = "form"
        for form_field, name in self.by_field.items():
            request.body[form_field] = credential(credentials, name)


@dataclass(frozen=True)
class OAuth2ClientCredentials(Auth):
    """OAuth2 client-credentials grant: a bearer token from ``token_path``, asked for
    with HTTP Basic of the client id and secret."""

    token_path: str
    client_id: str = "client_id"
    client_secret: str = "client_secret"
    what: str = "OAuth2 client"
    #: seconds before the announced expiry at which a token counts as expired
    margin: float = 30.0

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.client_id, self.client_secret)

    def signer(self, credentials: PartnerCredentials, partner: str) -> Signer:
        return _BearerToken(self, credentials, partner)


class _BearerToken(Signer):
    def __init__(self, spec: OAuth2ClientCredentials, credentials: PartnerCredentials,
                 partner: str) -> None:
        self._spec = spec
        self._credentials = credentials
        self._partner = partner
        self._token: str | None = None
        self._expires_at = 0.0

    def sign(self, request: Draft, http: httpx.Client) -> None:
        if self._token is None or self._expires_at < time.monotonic():
            self._fetch(http)
        request.headers["Authorization"] = f"Bearer {self._token}"

    def renew(self, http: httpx.Client) -> bool:
        self._fetch(http)  # revoked or expired early
        return True

    def _fetch(self, http: httpx.Client) -> None:
        response = http.post(
            self._spec.token_path,
            data={"grant_type": "client_credentials"},
            auth=(credential(self._credentials, self._spec.client_id),
                  credential(self._credentials, self._spec.client_secret)),
        )
        check_response(response, self._partner)
        body = response.json()
        self._token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 3600))
        self._expires_at = time.monotonic() + lifetime - self._spec.margin
