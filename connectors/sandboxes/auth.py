"""How a partner sandbox checks our client's credentials.

Four kinds, each naming which fields of :class:`~lintas.core.settings.PartnerCredentials`
the partner expects where: :class:`HttpBasic`, :class:`Headers`, :class:`FormFields` and
:class:`OAuth2ClientCredentials` (bearer tokens issued by the sandbox's own token route).
``kind.guard(credentials)`` binds a kind to one account: a :class:`Guard`, the check every
partner route runs plus the routes that check needs. A credential the sandbox was not given
is the empty string, so a sandbox without credentials admits a request that sends none.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import parse_qs

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from lintas.core.settings import PartnerCredentials

__all__ = [
    "Auth",
    "CredentialField",
    "FormFields",
    "Guard",
    "Headers",
    "HttpBasic",
    "OAuth2ClientCredentials",
    "credential",
    "read_form",
]

CredentialField = Literal["client_id", "client_secret", "username", "api_key"]


def credential(credentials: PartnerCredentials | None, field: CredentialField) -> bytes:
    """One credential of the account as UTF-8 bytes; empty when the sandbox has none."""
    value = getattr(credentials, field) if credentials is not None else None
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return (value or "").encode()


def _same(given: str, expected: bytes) -> bool:
    return secrets.compare_digest(given.encode("utf-8", "replace"), expected)


async def read_form(request: Request) -> dict[str, list[str]]:
    """The request body as a URL-encoded form, whatever its content type says."""
    return parse_qs((await request.body()).decode("utf-8", "replace"))


@dataclass(frozen=True)
class Guard:
    """One account's check on requests, and the routes the check needs (a token route)."""

    admits: Callable[[Request], Awaitable[bool]]
    routes: tuple[BaseRoute, ...] = ()


class Auth(Protocol):
    """A kind of partner authentication, to be bound to one account."""

    def guard(self, credentials: PartnerCredentials | None) -> Guard:
        """The check a request must pass to act as the account in ``credentials``."""
        ...


@dataclass(frozen=True)
class HttpBasic:
    """``Authorization: Basic`` carrying two credential fields as user and password."""

    user: CredentialField
    password: CredentialField

    def check(self, credentials: PartnerCredentials | None) -> Callable[[Request], bool]:
        """Whether a request carries this account's user and password."""
        user = credential(credentials, self.user)
        password = credential(credentials, self.password)

        def admits(request: Request) -> bool:
            scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "basic":
                return False
            try:
                pair = base64.b64decode(encoded, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return False
            given_user, _, given_password = pair.partition(":")
            return _same(given_user, user) and _same(given_password, password)

        return admits

    def guard(self, credentials: PartnerCredentials | None) -> Guard:
        check = self.check(credentials)

        async def admits(request: Request) -> bool:
            return check(request)

        return Guard(admits)


def _matching(
    fields: Mapping[str, CredentialField],
    credentials: PartnerCredentials | None,
    given: Callable[[Request], Awaitable[Mapping[str, str]]],
) -> Guard:
    expected = {name: credential(credentials, field) for name, field in fields.items()}

    async def admits(request: Request) -> bool:
        values = await given(request)
        return all(_same(values.get(name, ""), value) for name, value in expected.items())

    return Guard(admits)


async def _headers(request: Request) -> Mapping[str, str]:
    return request.headers


async def _form_values(request: Request) -> Mapping[str, str]:
    return {name: values[0] for name, values in (await read_form(request)).items()}


@dataclass(frozen=True)
class Headers:
    """Request headers, each matched against a credential field: ``{"api-key": "api_key"}``."""

    fields: Mapping[str, CredentialField]

    def guard(self, credentials: PartnerCredentials | None) -> Guard:
        return _matching(self.fields, credentials, _headers)


@dataclass(frozen=True)
class FormFields:
    """Fields of a URL-encoded form body, each matched against a credential field."""

    fields: Mapping[str, CredentialField]

    def guard(self, credentials: PartnerCredentials | None) -> Guard:
        return _matching(self.fields, credentials, _form_values)


@dataclass(frozen=True)
class OAuth2ClientCredentials:
    """OAuth2 client credentials (RFC 6749, section 4.4).

    ``POST <token_path>`` with the client as ``client`` (HTTP Basic) and
    ``grant_type=client_credentials`` issues a bearer token; every other partner route wants
    ``Authorization: Bearer <token>`` with a token this sandbox issued.
    """

    token_path: str
    client: HttpBasic = HttpBasic("client_id", "client_secret")
    expires_in: int = 3600

    def guard(self, credentials: PartnerCredentials | None) -> Guard:
        client = self.client.check(credentials)
        tokens: set[str] = set()

        async def token(request: Request) -> Response:
            if not client(request):
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            if (await read_form(request)).get("grant_type") != ["client_credentials"]:
                return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
            value = secrets.token_urlsafe(24)
            tokens.add(value)
            return JSONResponse({"access_token": value, "token_type": "Bearer",
                                 "expires_in": self.expires_in})

        async def admits(request: Request) -> bool:
            scheme, _, value = request.headers.get("authorization", "").partition(" ")
            return scheme.lower() == "bearer" and value in tokens

        return Guard(admits, (Route(self.token_path, token, methods=["POST"]),))
