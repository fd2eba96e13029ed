"""The push ingest endpoint: member couriers POST their webhooks here.

``POST /v1/webhooks/{partner}`` — authenticated per partner, either by signature
(``X-Lintas-Timestamp`` + ``X-Lintas-Signature``, see :mod:`lintas.connectors.signing`, within a
replay window) or by the partner's own token (``Authorization: Bearer <api key>``);
validated with the partner's parser; produced byte for byte to ``lintas.raw.<partner>``;
answered ``202`` only after the broker acknowledged. A re-delivered webhook produces the
same RawRecord id and the same events, so it changes nothing downstream.

Every refusal says why, as ``{"error": "..."}``, and never echoes a secret.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.signing import (
    REPLAY_WINDOW_SECONDS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)
from lintas.core.errors import BrokerError, PayloadError
from lintas.core.settings import PartnerCredentials

__all__ = ["MAX_BODY_BYTES", "create_ingest_app"]

MAX_BODY_BYTES = 1024 * 1024


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _authenticate(request: Request, body: bytes, creds: PartnerCredentials, partner: str,
                  now: float) -> str | None:
    """None when the request is the partner's own; otherwise why not."""
    signature = request.headers.get(SIGNATURE_HEADER)
    if signature is not None:
        if creds.webhook_secret is None:
            return f"{partner} has no webhook secret configured; sign-in by signature is off"
        try:
            stamp = int(request.headers.get(TIMESTAMP_HEADER, ""))
        except ValueError:
            return f"{TIMESTAMP_HEADER} must be Unix seconds"
        if abs(now - stamp) > REPLAY_WINDOW_SECONDS:
            return (f"{TIMESTAMP_HEADER} is outside the replay window of "
                    f"{REPLAY_WINDOW_SECONDS} seconds")
        if not verify(creds.webhook_secret.get_secret_value(), stamp, body, signature):
            return f"{SIGNATURE_HEADER} does not match the body for partner {partner}"
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        if creds.api_key is None:
            return f"{partner} has no token configured"
        if not hmac.compare_digest(token.encode(), creds.api_key.get_secret_value().encode()):
            return f"the token is not {partner}'s"
        return None
    return f"missing {SIGNATURE_HEADER} (with {TIMESTAMP_HEADER}) or Authorization: Bearer"


def create_ingest_app(
    credentials: Callable[[str], PartnerCredentials],
    producer: RawProducer,
    *,
    clock: Callable[[], float] = time.time,
) -> Starlette:
    """The ingest app; ``credentials(partner_id)`` gives each partner's secrets."""

    async def receive(request: Request) -> Response:
        partner_id = request.path_params["partner"]
        partner = PARTNERS.get(partner_id)
        if partner is None or partner.mode == "pull":
            return _error(404, f"no push endpoint for partner {partner_id!r}")
        length = int(request.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            return _error(413, f"body larger than {MAX_BODY_BYTES} bytes")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return _error(413, f"body larger than {MAX_BODY_BYTES} bytes")
        refusal = _authenticate(request, body, credentials(partner_id), partner_id, clock())
        if refusal:
            return _error(401, refusal)
        try:
            result = partner.parse(body)
        except PayloadError as exc:
            return _error(400, str(exc))
        problems = [p.message for p in result.problems]
        if not result.events:
            return _error(400, f"{partner_id}: the body holds no event", problems=problems)
        numbers = sorted({e.tracking_number for e in result.events})
        key = f"{partner_id}:{numbers[0]}"
        record = raw_record(
            partner=partner_id, kind="webhook", connector="ingest",
            source=request.url.path, payload=body, request_key=numbers[0],
            content_type=request.headers.get("content-type", "application/json"),
        )
        try:
            await run_in_threadpool(producer.send_and_wait, record, key)
        except BrokerError:
            return JSONResponse({"error": "the broker is unavailable; send again later"},
                                status_code=503, headers={"Retry-After": "5"})
        return JSONResponse(
            {"accepted": True, "record_id": record["record_id"], "events": len(result.events),
             "tracking_numbers": numbers, "problems": problems},
            status_code=202,
        )

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[
        Route("/v1/webhooks/{partner}", receive, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
    ])
