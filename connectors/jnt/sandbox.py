"""A sandbox of the J&T Express tracking API on 127.0.0.1, serving
:mod:`lintas.connectors.jnt.scenarios`.

Routes, all behind HTTP Basic (username and API key): ``POST /jandt_track/track``
(``{"awb": "...", "eccompanyid": "...", "lang": "id"|"en"}``; the answer is in the asked
language, Indonesian by default), ``GET /jandt_track/track/changes`` (the change feed)
and ``GET /sandbox/expectations``.
"""

from __future__ import annotations

from starlette.requests import Request

from lintas.connectors.jnt.scenarios import build_catalog
from lintas.connectors.sandboxes.api import JsonField, PullSandbox, TrackingApi, compact_json
from lintas.connectors.sandboxes.auth import HttpBasic
from lintas.connectors.sandboxes.scenario import Entry

__all__ = ["create_app"]


def _error(status: int, message: str) -> bytes:
    return compact_json({"error_id": str(status), "error_message": message})


async def _in_language_asked(entry: Entry, request: Request) -> bytes:
    """The entry's body in the request's ``lang`` when the scenario wrote one, else its
    recorded (Indonesian) body."""
    bodies = entry.extra.get("bodies") or {}
    return bytes(bodies.get(str((await request.json()).get("lang") or ""), entry.body))


API = TrackingApi(
    "POST", "/jandt_track/track",
    JsonField("awb", missing=_error(400, 'body must be {"awb": "..."}')),
    feed="/jandt_track/track/changes",
    auth=HttpBasic(user="username", password="api_key"),
    not_found=b'{"error_id": "404", "error_message": "Invalid AWB number"}',
    refused=_error(401, "Unauthorized"),
    unavailable=_error(503, "Service Unavailable"),
    answer=_in_language_asked,
)

create_app = PullSandbox(API, build_catalog)
