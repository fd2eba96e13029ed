"""One skeleton for every pull partner's sandbox: a description of the partner's tracking
endpoint, and one app that serves any such description.

A :class:`TrackingApi` says where the endpoint is (method and path), where the tracking
number rides (:class:`PathParam`, :class:`QueryParam`, :class:`JsonField`,
:class:`FormField`), how the partner checks credentials (:mod:`.auth`) and the partner's
own bodies for "not found", "refused" and "unavailable". :func:`tracking_app` serves it
over a catalog of entries:

- a request the auth refuses gets ``refused`` with HTTP 401;
- a request without a number gets the number place's ``missing`` with HTTP 400;
- a number the catalog does not know gets ``not_found`` with HTTP 200, as the partners do;
- a flaky entry (:meth:`~lintas.connectors.sandboxes.Catalog.lookup`) gets ``unavailable``
  with HTTP 503 its first times, then its recorded body;

plus the change feed and ``/sandbox/expectations``
(:func:`~lintas.connectors.sandboxes.feed_routes`) and whatever routes the auth needs (an
OAuth2 token route). :class:`PullSandbox` pairs a description with the partner's scenarios:
it is the partner's ``create_app``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from lintas.connectors.sandboxes import Catalog, feed_routes
from lintas.connectors.sandboxes.auth import Auth, Guard, read_form
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.settings import PartnerCredentials

__all__ = [
    "FormField",
    "JsonField",
    "NumberPlace",
    "PathParam",
    "PullSandbox",
    "QueryParam",
    "TrackingApi",
    "compact_json",
    "recorded_body",
    "tracking_app",
]


def compact_json(value: Any) -> bytes:
    """``value`` as JSON without spaces, the way Starlette's ``JSONResponse`` writes it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class NumberPlace(Protocol):
    """Where a tracking request carries its number, and what the partner answers when the
    request carries none."""

    @property
    def missing(self) -> bytes:
        """The partner's body, served with HTTP 400, for a request without a number."""
        ...

    async def read(self, request: Request) -> str | None:
        """The number, stripped; None when the request carries none."""
        ...


@dataclass(frozen=True)
class PathParam:
    """A parameter of the route's path, named ``{name}`` there."""

    name: str

    @property
    def missing(self) -> bytes:
        """Never served: without the number the path does not match the route."""
        return b""

    async def read(self, request: Request) -> str | None:
        return str(request.path_params[self.name]).strip()


@dataclass(frozen=True)
class QueryParam:
    """A query parameter; missing when absent or blank."""

    name: str
    missing: bytes

    async def read(self, request: Request) -> str | None:
        return request.query_params.get(self.name, "").strip() or None


@dataclass(frozen=True)
class FormField:
    """A field of a URL-encoded form body; missing when absent or blank."""

    name: str
    missing: bytes

    async def read(self, request: Request) -> str | None:
        form = await read_form(request)
        return (form.get(self.name) or [""])[0].strip() or None


@dataclass(frozen=True)
class JsonField:
    """A field of a JSON object body, any JSON value read as text; missing when the body is
    not a JSON object or lacks the field."""

    name: str
    missing: bytes

    async def read(self, request: Request) -> str | None:
        try:
            body: Any = await request.json()
        except ValueError:
            return None
        if not isinstance(body, dict) or self.name not in body:
            return None
        return str(body[self.name]).strip()


async def recorded_body(entry: Entry, request: Request) -> bytes:
    """The entry's recorded body, whatever the request asked."""
    return entry.body


@dataclass(frozen=True)
class TrackingApi:
    """A partner's tracking endpoint as its sandbox serves it.

    ``path`` may name a :class:`PathParam` as ``{name}``; ``number`` also holds the
    partner's body for a request without a number. ``feed`` is the path of the change feed,
    checked by ``feed_auth`` when the partner wants other credentials there than on the
    tracking route (by ``auth`` otherwise). The bodies are the exact bytes the partner
    answers (``not_found`` may be a function of the number asked for); ``answer`` picks the
    body of a known entry (its recorded body by default).
    """

    method: str
    path: str
    number: NumberPlace
    feed: str
    auth: Auth
    not_found: bytes | Callable[[str], bytes]
    refused: bytes
    unavailable: bytes
    feed_auth: Auth | None = None
    answer: Callable[[Entry, Request], Awaitable[bytes]] = recorded_body


def _json(status: int, body: bytes) -> Response:
    return Response(body, status_code=status, media_type="application/json")


def tracking_route(api: TrackingApi, catalog: Catalog, guard: Guard) -> Route:
    """The tracking endpoint of ``api`` over ``catalog``, behind ``guard``."""

    async def track(request: Request) -> Response:
        if not await guard.admits(request):
            return _json(401, api.refused)
        number = await api.number.read(request)
        if number is None:
            return _json(400, api.number.missing)
        entry, flaky = catalog.lookup(number)
        if entry is None:
            not_found = api.not_found
            return _json(200, not_found(number) if callable(not_found) else not_found)
        if flaky:
            return _json(503, api.unavailable)
        return _json(200, await api.answer(entry, request))

    return Route(api.path, track, methods=[api.method])


def tracking_app(
    api: TrackingApi,
    entries: list[Entry],
    credentials: PartnerCredentials | None,
    *,
    more_routes: Callable[[Guard], Sequence[BaseRoute]] | None = None,
) -> Starlette:
    """The sandbox app of ``api`` over ``entries``, accepting the account in ``credentials``.

    ``more_routes`` adds the partner's other routes, given the guard of the tracking route.
    """
    catalog = Catalog(entries)
    guard = api.auth.guard(credentials)
    feed_guard = api.feed_auth.guard(credentials) if api.feed_auth is not None else guard
    return Starlette(routes=[
        *guard.routes,
        tracking_route(api, catalog, guard),
        *(more_routes(guard) if more_routes is not None else ()),
        *feed_routes(api.feed, catalog, feed_guard.admits),
    ])


@dataclass(frozen=True)
class PullSandbox:
    """A pull partner's sandbox: its tracking API and the scenarios its catalog is drawn
    from. Calling it is the partner's ``create_app``."""

    api: TrackingApi
    #: ``(seed, rounds=)`` -> the entries of a catalog
    build_catalog: Callable[..., list[Entry]]

    def __call__(
        self,
        entries: list[Entry] | None = None,
        *,
        credentials: PartnerCredentials | None = None,
        seed: int = 1,
        rounds: int = 1,
    ) -> Starlette:
        """The sandbox app over ``entries`` (or a catalog drawn from ``seed``), accepting
        the account in ``credentials`` the way ``api.auth`` says."""
        if entries is None:
            entries = self.build_catalog(seed, rounds=rounds)
        return tracking_app(self.api, entries, credentials)
