"""One HTTP client for every pull partner, run from a declarative spec.

A partner's ``client.py`` says only what its API looks like; :class:`PartnerClient` does
the rest the same way for all of them: rate limiting, retries and the status-code mapping
of :mod:`lintas.connectors.runtime.http`, and a :class:`~lintas.core.errors.FatalError`
naming the settings to set when a credential is missing. ::

    API = Api(
        "sap",
        auth=Headers({"api_key": "api_key"}),
        track=Call("GET", "/shipment/tracking/awb", number_in=Query("awb_no")),
        changes=Call("GET", "/shipment/tracking/changes"),
    )
    client = PartnerClient(API, settings.partner("sap"))

An :class:`Api` has a tracking call, a change feed and maybe a network call, each a
:class:`Call`: method, path, where the tracking number goes (:class:`PathSegment`,
:class:`Query`, :class:`JsonField`, :class:`FormField`) and, where it differs from the
API's, its own auth strategy (:mod:`lintas.connectors.runtime.auth`). The credential
fields a client needs follow from the strategies in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from lintas.connectors.runtime.auth import Auth, BodyKind, Draft, Signer, credential
from lintas.connectors.runtime.http import RateLimiter, check_response, with_retries
from lintas.core.errors import ConfigurationError, FatalError
from lintas.core.redact import redact_url
from lintas.core.settings import PartnerCredentials

__all__ = [
    "Api",
    "Call",
    "FormField",
    "JsonField",
    "PartnerClient",
    "PathSegment",
    "Query",
]


@dataclass(frozen=True)
class PathSegment:
    """The number as one more path segment, percent-encoded: ``<path>/<number>``."""

    body_kind: ClassVar[BodyKind | None] = None

    def place(self, number: str, request: Draft) -> None:
        """Put ``number`` on ``request``."""
        request.path = f"{request.path}/{quote(number, safe='')}"


@dataclass(frozen=True)
class Query:
    """The number as the query parameter ``name``."""

    name: str
    body_kind: ClassVar[BodyKind | None] = None

    def place(self, number: str, request: Draft) -> None:
        """Put ``number`` on ``request``."""
        request.params[self.name] = number


@dataclass(frozen=True)
class _BodyField:
    name: str
    body_kind: ClassVar[BodyKind]

    def place(self, number: str, request: Draft) -> None:
        """Put ``number`` on ``request``."""
        request.body_kind = self.body_kind
        request.body[self.name] = number


class JsonField(_BodyField):
    """The number as the field ``name`` of a JSON body."""

    body_kind: ClassVar[BodyKind] = "json"


class FormField(_BodyField):
    """The number as the field ``name`` of a form body."""

    body_kind: ClassVar[BodyKind] = "form"


Placement = PathSegment | Query | JsonField | FormField


@dataclass(frozen=True)
class Call:
    """One endpoint of a partner API.

    ``number_in`` places the tracking number (the tracking call only); ``auth`` replaces
    the API's auth for this call; ``from_credentials`` fills body fields from credential
    fields (``{body field: credential field}``: account names the body format asks for,
    not proof of who we are); ``options`` names body fields a client may be given values
    for (see :class:`PartnerClient`).
    """

    method: str
    path: str
    number_in: Placement | None = None
    auth: Auth | None = None
    from_credentials: Mapping[str, str] = field(default_factory=dict)
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Api:
    """A partner's pull API: its calls and how they authenticate.

    ``changes`` and ``network`` are paged by the query parameters ``since`` and
    ``limit``; ``headers`` go with every request. A spec that cannot work (no number
    placement on the tracking call, a JSON and a form body in one call, an unknown
    credential field) raises ``ValueError`` when it is built.
    """

    partner: str
    auth: Auth
    track: Call
    changes: Call
    network: Call | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.track.number_in is None:
            raise ValueError(f"{self.partner}: the tracking call needs number_in")
        for name, call in self.calls().items():
            if name != "track" and call.number_in is not None:
                raise ValueError(f"{self.partner}: only the tracking call takes a number")
            self._check_body(name, call)
        used = {f for auth in self.auths() for f in auth.fields}
        used |= {f for call in self.calls().values() for f in call.from_credentials.values()}
        unknown = sorted(used - set(PartnerCredentials.model_fields))
        if unknown:
            raise ValueError(f"{self.partner}: no such credential fields: {', '.join(unknown)}")

    def _check_body(self, name: str, call: Call) -> None:
        kinds = {kind for kind in (call.number_in and call.number_in.body_kind,
                                   self.auth_of(call).body_kind) if kind}
        if len(kinds) > 1:
            raise ValueError(f"{self.partner}: the {name} call mixes a JSON and a form body")
        if (call.from_credentials or call.options) and not kinds:
            raise ValueError(f"{self.partner}: the {name} call has body fields but no body")

    def calls(self) -> dict[str, Call]:
        """The calls the API has, by name: ``track``, ``changes`` and maybe ``network``."""
        calls = {"track": self.track, "changes": self.changes}
        if self.network is not None:
            calls["network"] = self.network
        return calls

    def auth_of(self, call: Call) -> Auth:
        """The auth strategy ``call`` uses: its own, else the API's."""
        return call.auth or self.auth

    def auths(self) -> list[Auth]:
        """Every auth strategy in use, the API's first, each once."""
        found: list[Auth] = [self.auth]
        for call in self.calls().values():
            auth = self.auth_of(call)
            if not any(auth is seen for seen in found):
                found.append(auth)
        return found


def _env(partner: str, name: str) -> str:
    return f"LINTAS_{partner.upper()}__{name.upper()}"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _require(api: Api, credentials: PartnerCredentials) -> None:
    """Raise a FatalError naming the settings to set when a credential is missing."""
    partner = api.partner
    if not credentials.base_url:
        raise FatalError(f"{partner}: no API address; set {_env(partner, 'base_url')}")
    for auth in api.auths():
        if not all(credential(credentials, name) for name in auth.fields):
            names = [_env(partner, name) for name in auth.fields]
            raise FatalError(f"{partner}: no {auth.what}; set {_listed(names)}")
    for call in api.calls().values():
        for name in call.from_credentials.values():
            if not credential(credentials, name):
                what = name.replace("_", " ")
                raise FatalError(f"{partner}: no {what}; set {_env(partner, name)}")


class PartnerClient:
    """Talks to one partner's API as its :class:`Api` spec says; every call is rate
    limited and retried when retriable, and an HTTP error becomes the lintas error it
    means (:func:`~lintas.connectors.runtime.http.check_response`).

    Missing settings are reported when the client is built. ``options`` gives values to
    the body fields a call lists in its ``options`` (``None`` leaves a field out).
    """

    def __init__(
        self,
        api: Api,
        credentials: PartnerCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 15.0,
        options: Mapping[str, str | None] | None = None,
    ) -> None:
        _require(api, credentials)
        accepted = {name for call in api.calls().values() for name in call.options}
        unknown = sorted(set(options or {}) - accepted)
        if unknown:
            raise ValueError(f"{api.partner}: unknown options: {', '.join(unknown)}")
        self.api = api
        self.partner = api.partner
        self._options = {k: v for k, v in (options or {}).items() if v is not None}
        self._credentials = credentials
        self._http = httpx.Client(base_url=credentials.base_url or "", timeout=timeout,
                                  transport=transport, headers=api.headers)
        self._limiter = RateLimiter(credentials.rate_per_second,
                                    burst=max(1, int(credentials.rate_per_second)))
        bound = [(auth, auth.signer(credentials, api.partner)) for auth in api.auths()]
        self._signers: dict[str, Signer] = {
            name: next(signer for auth, signer in bound if auth is api.auth_of(call))
            for name, call in api.calls().items()
        }

    def __repr__(self) -> str:
        return (f"PartnerClient({self.partner!r}, "
                f"base_url={redact_url(self._credentials.base_url)!r})")

    @property
    def tracking_path(self) -> str:
        """The path of the tracking call, without the number: a record's ``source``."""
        return self.api.track.path

    @property
    def has_network(self) -> bool:
        """Whether the partner has a network API (:meth:`network`)."""
        return self.api.network is not None

    @property
    def network_path(self) -> str:
        """The path of the network call: a network record's ``source``."""
        return self._network_call().path

    def track(self, tracking_number: str) -> httpx.Response:
        """The tracking body of one number, exactly as the partner sent it."""
        call = self.api.track
        request = Draft(call.method, call.path)
        assert call.number_in is not None  # Api checks it
        call.number_in.place(tracking_number, request)
        for body_field, name in call.from_credentials.items():
            request.body[body_field] = credential(self._credentials, name)
        for name in call.options:
            if name in self._options:
                request.body[name] = self._options[name]
        return self._send("track", request)

    def changes(self, since: str | None, limit: int = 100) -> dict[str, Any]:
        """One page of the change feed (see :mod:`lintas.connectors.runtime.feed`)."""
        response = self._send("changes", self._paged(self.api.changes, since, limit))
        page: dict[str, Any] = response.json()
        return page

    def network(self, since: str | None, limit: int = 20) -> httpx.Response:
        """One page of the partner's network, exactly as the partner sent it;
        :class:`ConfigurationError` if it has none (see :attr:`has_network`)."""
        return self._send("network", self._paged(self._network_call(), since, limit))

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _network_call(self) -> Call:
        if self.api.network is None:
            raise ConfigurationError(f"{self.partner}: the partner has no network API")
        return self.api.network

    @staticmethod
    def _paged(call: Call, since: str | None, limit: int) -> Draft:
        request = Draft(call.method, call.path, params={"limit": limit})
        if since:
            request.params["since"] = since
        return request

    def _send(self, name: str, request: Draft) -> httpx.Response:
        signer = self._signers[name]

        def attempt() -> httpx.Response:
            self._limiter.acquire()
            signer.sign(request, self._http)
            response = request.send(self._http)
            if response.status_code == 401 and signer.renew(self._http):
                signer.sign(request, self._http)
                response = request.send(self._http)
            return check_response(response, self.partner)

        return with_retries(attempt)
