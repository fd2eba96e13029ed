"""Bearer tokens on lintas's HTTP servers (RFC 6750), as ASGI middleware.

Every request but those to the server's open paths must carry ``Authorization: Bearer
<token>`` with a token of the server's scope (:mod:`lintas.core.tokens`). Without one, or
with one that is malformed, unknown or revoked, the answer is 401; with a valid token of
another scope, 403. Both are ``{"error": "<why>"}`` with a ``WWW-Authenticate: Bearer``
header that names the scope needed. The token is never logged or echoed.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from lintas.core.tokens import Access, TokenStore

__all__ = ["REALM", "BearerAuth", "bearer_token"]

REALM = "lintas"

_REASONS = {
    None: "this needs a bearer token (Authorization: Bearer <token>) of scope {scope}; "
          "create one with `lintas tokens create --scope {scope}`",
    Access.UNKNOWN: "the bearer token is not valid",
    Access.REVOKED: "the bearer token was revoked",
    Access.WRONG_SCOPE: "the bearer token's scope does not allow this: it needs {scope}",
}


def bearer_token(headers: Headers) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None without one."""
    value = headers.get("authorization", "")
    kind, _, token = value.strip().partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _refusal(access: Access | None, scope: str) -> Response:
    challenge = f'Bearer realm="{REALM}", scope="{scope}"'
    if access is Access.WRONG_SCOPE:
        status, challenge = 403, challenge + ', error="insufficient_scope"'
    elif access is not None:
        status, challenge = 401, challenge + ', error="invalid_token"'
    else:
        status = 401
    body = json.dumps({"error": _REASONS[access].format(scope=scope)}).encode()
    return Response(body, status_code=status, media_type="application/json",
                    headers={"WWW-Authenticate": challenge, "Cache-Control": "no-store"})


class BearerAuth:
    """Lets through requests with a valid token of ``scope``, and those to ``open_paths``
    (exact paths, or prefixes written with a trailing ``*``: ``/static/*``)."""

    def __init__(self, app: ASGIApp, *, tokens: TokenStore, scope: str,
                 open_paths: Collection[str] = ()) -> None:
        self.app = app
        self.tokens = tokens
        self.scope = scope
        self._exact = frozenset(p for p in open_paths if not p.endswith("*"))
        self._prefixes = tuple(p.removesuffix("*") for p in open_paths if p.endswith("*"))

    def _open(self, path: str) -> bool:
        return path in self._exact or path.startswith(self._prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._open(scope["path"]):
            await self.app(scope, receive, send)
            return
        token = bearer_token(Headers(scope=scope))
        access = None if token is None else self.tokens.check(token, self.scope)
        if access is Access.GRANTED:
            await self.app(scope, receive, send)
            return
        await _refusal(access, self.scope)(scope, receive, send)
