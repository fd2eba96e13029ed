"""The push ingest endpoint: member couriers POST their webhooks here.

``POST /v1/webhooks/{partner}`` (push partners) and ``POST /v1/members/{member}/events``
(members, in the standard format, signed with the member's own webhook secret; produced to
the member's own topic, and refused with ``identity_mismatch`` when a row names another
courier) — authenticated per partner, either by signature
(``X-Lintas-Timestamp`` + ``X-Lintas-Signature``, see :mod:`lintas.connectors.signing`,
within a replay window) or by the partner's own token (``Authorization: Bearer <api
key>``); validated with the partner's parser; produced byte for byte to
``lintas.raw.<partner>``; answered ``202`` only after the broker acknowledged. A
re-delivered webhook produces the same RawRecord id and the same events, so it changes
nothing downstream; the very same signed request sent again inside the window is answered
``200`` as a duplicate and not produced again.

Whatever the body, the answer is clean: ``413`` as soon as a body (streamed or not) passes
:data:`MAX_BODY_BYTES`, ``400`` with the reason for anything the parser cannot read, never
``500`` for input; ``503`` (retryable, ``Retry-After``) when the broker does not
acknowledge. A body larger than one webhook is parsed off the event loop, so it stalls no
other partner.
Every refusal says why, as ``{"error": "..."}``, and never echoes a secret.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lintas.connectors.members import Account
from lintas.connectors.model import ParseResult
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
from lintas.core.topics import member_topic, raw_topic

__all__ = ["ACK_TIMEOUT_SECONDS", "MAX_BODY_BYTES", "ReplayGuard", "create_ingest_app"]

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
#: bodies up to this size (one webhook's) are parsed on the event loop, in well under a
#: millisecond; larger ones in a worker thread, so that they stall no other request
INLINE_PARSE_BYTES = 8 * 1024
#: how long a webhook waits for the broker's acknowledgement before it is answered 503:
#: well inside the timeouts partners' webhook clients use, so they see the 503
ACK_TIMEOUT_SECONDS = 10.0


class _TooLarge(Exception):
    pass


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, read chunk by chunk; :class:`_TooLarge` as soon as it passes ``limit``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class ReplayGuard:
    """Signatures seen inside the replay window, with the record each one produced.

    A signature is taken when its request starts and kept only once the broker
    acknowledged its record; a request that failed leaves nothing behind, so the partner's
    retry goes through. Each signature is forgotten two windows after it was first seen,
    oldest first, at a constant cost per request however many are kept. Kept per ingest
    process.
    """

    def __init__(self, window: float = REPLAY_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        #: signature -> (forget after, record id or None while in flight)
        self._seen: dict[str, tuple[float, str | None]] = {}
        #: (forget after, signature), in the order the signatures were first seen
        self._order: deque[tuple[float, str]] = deque()

    def __len__(self) -> int:
        return len(self._seen)

    def _forget_expired(self, now: float) -> None:
        while self._order and self._order[0][0] <= now:
            expiry, signature = self._order.popleft()
            seen = self._seen.get(signature)
            if seen is not None and seen[0] == expiry:
                del self._seen[signature]

    def claim(self, signature: str) -> tuple[bool, str | None]:
        """(whether this request is the first with ``signature``, the record id an earlier
        one produced)."""
        now = self._clock()
        with self._lock:
            self._forget_expired(now)
            seen = self._seen.get(signature)
            if seen is not None and seen[0] > now:
                return False, seen[1]
            expiry = now + 2 * self.window
            self._seen[signature] = (expiry, None)
            self._order.append((expiry, signature))
            return True, None

    def done(self, signature: str, record_id: str) -> None:
        with self._lock:
            seen = self._seen.get(signature)
            expiry = seen[0] if seen is not None else self._clock() + 2 * self.window
            if seen is None:
                self._order.append((expiry, signature))
            self._seen[signature] = (expiry, record_id)

    def release(self, signature: str) -> None:
        """Forget ``signature`` if its request produced nothing, so a retry goes through."""
        with self._lock:
            seen = self._seen.get(signature)
            if seen is not None and seen[1] is None:
                del self._seen[signature]


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
        expected = creds.api_key.get_secret_value().encode()
        if not hmac.compare_digest(token.encode("utf-8", "replace"), expected):
            return f"the token is not {partner}'s"
        return None
    return f"missing {SIGNATURE_HEADER} (with {TIMESTAMP_HEADER}) or Authorization: Bearer"


def _parse(partner_id: str, body: bytes) -> ParseResult:
    """The partner's parse of ``body``; :class:`PayloadError` for anything unreadable."""
    try:
        return PARTNERS[partner_id].parse(body)
    except PayloadError:
        raise
    except Exception as exc:  # a parser bug: the body is refused, the bug is logged
        log.exception("%s: the parser failed on a webhook body", partner_id)
        raise PayloadError(f"{partner_id}: the body could not be read "
                           f"({type(exc).__name__})") from exc


@dataclass(frozen=True)
class _Sender:
    """Who a push request claims to come from, and where its records go."""

    partner: str  # whose parser reads the body
    name: str  # in messages: the partner, or the member
    topic: str
    credentials: PartnerCredentials
    member: str | None = None


class _Ingest:
    """The endpoint's handlers over one producer and one replay guard."""

    def __init__(self, credentials: Callable[[str], PartnerCredentials], producer: RawProducer,
                 clock: Callable[[], float], replay: ReplayGuard,
                 members: Callable[[str], Account | None], ack_timeout: float) -> None:
        self.credentials = credentials
        self.ack_timeout = ack_timeout
        self.producer = producer
        self.clock = clock
        self.replay = replay
        self.members = members

    def _partner(self, request: Request) -> _Sender | Response:
        partner_id = request.path_params["partner"]
        partner = PARTNERS.get(partner_id)
        if partner is None or partner.mode != "push":
            return _error(404, f"no push endpoint for partner {partner_id!r}")
        return _Sender(partner_id, partner_id, raw_topic(partner_id),
                       self.credentials(partner_id))

    def _member(self, request: Request) -> _Sender | Response:
        member_id = request.path_params["member"]
        account = self.members(member_id)
        if account is None:
            return _error(404, f"no member {member_id!r}")
        if not account.active or account.webhook_secret is None:
            return _error(401, f"member {member_id!r} was revoked")
        return _Sender("standard", member_id, member_topic(member_id),
                       PartnerCredentials(webhook_secret=account.webhook_secret), member_id)

    async def receive_partner(self, request: Request) -> Response:
        return await self._receive(request, self._partner(request))

    async def receive_member(self, request: Request) -> Response:
        return await self._receive(request, self._member(request))

    async def _receive(self, request: Request, sender: _Sender | Response) -> Response:
        if isinstance(sender, Response):
            return sender
        try:
            body = await _read_body(request, MAX_BODY_BYTES)
        except _TooLarge:
            return _error(413, f"body larger than {MAX_BODY_BYTES} bytes")
        refusal = _authenticate(request, body, sender.credentials, sender.name, self.clock())
        if refusal:
            return _error(401, refusal)
        signature = request.headers.get(SIGNATURE_HEADER)
        if signature is None:
            return (await self.produce(request, sender, body))[0]
        first, record_id = self.replay.claim(signature)
        if not first:
            if record_id is None:
                return JSONResponse({"error": "the same request is being processed; "
                                              "send again later"},
                                    status_code=409, headers={"Retry-After": "1"})
            return JSONResponse({"accepted": True, "duplicate": True, "record_id": record_id},
                                status_code=200)
        try:
            response, record_id = await self.produce(request, sender, body)
            if record_id is not None:
                self.replay.done(signature, record_id)
            return response
        finally:
            self.replay.release(signature)

    async def produce(self, request: Request, sender: _Sender,
                      body: bytes) -> tuple[Response, str | None]:
        """Parse (a large body off the event loop), produce, and answer 202 once the broker
        has it; (the answer, the id of the record produced or None)."""
        try:
            if len(body) <= INLINE_PARSE_BYTES:
                result = _parse(sender.partner, body)
            else:
                result = await run_in_threadpool(_parse, sender.partner, body)
        except PayloadError as exc:
            return _error(400, str(exc)), None
        problems = [p.message for p in result.problems]
        if not result.events:
            return _error(400, f"{sender.name}: the body holds no event", problems=problems), None
        impostor = _impostor(result, sender.member)
        if impostor is not None:
            return _error(400, impostor, reason="identity_mismatch"), None
        numbers = sorted({e.tracking_number for e in result.events})
        record = raw_record(
            partner=sender.partner, kind="webhook", connector="ingest",
            source=request.url.path, payload=body, request_key=numbers[0],
            content_type=request.headers.get("content-type", "application/json"),
            attributes={"member": sender.member} if sender.member else None,
        )
        try:
            await self.producer.acknowledged(record, f"{sender.partner}:{numbers[0]}",
                                             self.ack_timeout, topic=sender.topic)
        except BrokerError:
            return JSONResponse({"error": "the broker is unavailable; send again later"},
                                status_code=503, headers={"Retry-After": "5"}), None
        return JSONResponse(
            {"accepted": True, "record_id": record["record_id"], "events": len(result.events),
             "tracking_numbers": numbers, "problems": problems},
            status_code=202,
        ), record["record_id"]


def _impostor(result: ParseResult, member: str | None) -> str | None:
    """Why a member's body speaks for another courier, or None."""
    if member is None:
        return None
    for event in result.events:
        sender = next((r.value for r in event.references if r.kind == "member"), None)
        if sender != member:
            return (f"standard: row {event.sequence}: courier {sender!r} is not {member!r}, "
                    "the member whose secret signed the request")
    return None


def create_ingest_app(
    credentials: Callable[[str], PartnerCredentials],
    producer: RawProducer,
    *,
    clock: Callable[[], float] = time.time,
    replay: ReplayGuard | None = None,
    members: Callable[[str], Account | None] = lambda _: None,
    ack_timeout: float = ACK_TIMEOUT_SECONDS,
    on_shutdown: Callable[[], None] | None = None,
) -> Starlette:
    """The ingest app; ``credentials(partner_id)`` gives each push partner's secrets,
    ``members(member_id)`` each member's account; a record the broker has not acknowledged
    within ``ack_timeout`` seconds is answered 503. ``on_shutdown`` runs when the server
    stops (closing the producer)."""
    ingest = _Ingest(credentials, producer, clock, replay or ReplayGuard(clock=clock), members,
                     ack_timeout)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if on_shutdown is not None:
                on_shutdown()

    return Starlette(lifespan=lifespan, routes=[
        Route("/v1/webhooks/{partner}", ingest.receive_partner, methods=["POST"]),
        Route("/v1/members/{member}/events", ingest.receive_member, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
    ])
