"""The push ingest endpoint on a real broker: 202 only after the record is on the raw
topic; forged, stale, other-partner and unsigned requests refused with a clear reason."""

from __future__ import annotations

import json
import re
import time

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from lintas.connectors.ingest import create_ingest_app
from lintas.connectors.registry import PARTNERS
from lintas.connectors.runtime.producer import RawProducer
from lintas.connectors.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_headers
from lintas.core.settings import PartnerCredentials
from lintas.core.topics import catalog, raw_topic
from lintas.kafka.admin import ensure_topics, read_all
from lintas.schemas.codec import codec
from tests.conftest import FIXTURES

pytestmark = pytest.mark.integration

SECRETS = {
    "ninja": PartnerCredentials(
        webhook_secret=SecretStr("ninja-secret-1"), api_key=SecretStr("ninja-token")
    ),
    "idexpress": PartnerCredentials(webhook_secret=SecretStr("idx-secret-2")),
}


@pytest.fixture
def ingest(kafka):
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    producer = RawProducer(kafka)
    app = create_ingest_app(lambda pid: SECRETS.get(pid, PartnerCredentials()), producer)
    with TestClient(app) as client:
        yield client
    producer.close()


def _webhook() -> bytes:
    bodies = json.loads((FIXTURES / "ninja" / "delivered.json").read_text())
    return json.dumps(bodies[0]).encode()


def _signed(secret: str, body: bytes, at: int | None = None) -> dict[str, str]:
    return {"Content-Type": "application/json",
            **signature_headers(secret, at if at is not None else int(time.time()), body)}


def test_signed_webhook_is_accepted_after_the_broker_acknowledged(ingest, kafka):
    body = _webhook()
    response = ingest.post(
        "/v1/webhooks/ninja", content=body, headers=_signed("ninja-secret-1", body)
    )
    assert response.status_code == 202, response.text
    answer = response.json()
    key = f"ninja:{answer['tracking_numbers'][0]}".encode()
    on_topic = [m for m in read_all(kafka, raw_topic("ninja")) if m.key == key
                and codec("RawRecord").decode(m.value)["record_id"] == answer["record_id"]]
    assert on_topic, "202 was answered before the record reached the topic"
    record = codec("RawRecord").decode(on_topic[0].value)
    assert record["payload"] == body and record["kind"] == "webhook"
    assert on_topic[0].key.decode() == f"ninja:{answer['tracking_numbers'][0]}"
    # A re-delivered webhook (signed again) is the same record: same id, same events.
    again = ingest.post("/v1/webhooks/ninja", content=body,
                        headers=_signed("ninja-secret-1", body, int(time.time()) + 1))
    assert again.status_code == 202 and again.json()["record_id"] == answer["record_id"]


def test_the_same_signed_request_again_is_a_duplicate_not_a_second_record(ingest,
                                                                          kafka):
    body = _webhook()
    headers = _signed("ninja-secret-1", body, int(time.time()) - 7)
    first = ingest.post("/v1/webhooks/ninja", content=body, headers=headers)
    assert first.status_code == 202, first.text
    before = len(read_all(kafka, raw_topic("ninja")))
    replayed = ingest.post("/v1/webhooks/ninja", content=body, headers=headers)
    assert replayed.status_code == 200
    assert replayed.json() == {"accepted": True, "duplicate": True,
                               "record_id": first.json()["record_id"]}
    assert len(read_all(kafka, raw_topic("ninja"))) == before


def test_token_of_the_partner_is_accepted(ingest):
    body = _webhook()
    response = ingest.post("/v1/webhooks/ninja", content=body,
                           headers={"Authorization": "Bearer ninja-token"})
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing X-Lintas-Signature"),
        ({TIMESTAMP_HEADER: "0", SIGNATURE_HEADER: "v1=00"}, "outside the replay window"),
        ({"Authorization": "Bearer not-the-token"}, "the token is not ninja's"),
    ],
)
def test_unauthenticated_requests_are_refused_with_the_reason(ingest, headers, reason):
    response = ingest.post("/v1/webhooks/ninja", content=_webhook(), headers=headers)
    assert response.status_code == 401
    assert reason in response.json()["error"]


def test_forged_signature_is_refused(ingest):
    body = _webhook()
    headers = _signed("ninja-secret-1", body)
    tampered = body.replace(b"Delivered", b"Cancelled") if b"Delivered" in body else body + b" "
    response = ingest.post("/v1/webhooks/ninja", content=tampered, headers=headers)
    assert response.status_code == 401
    assert "does not match" in response.json()["error"]


def test_stale_timestamp_is_refused_even_with_a_valid_signature(ingest):
    body = _webhook()
    old = int(time.time()) - 3600
    response = ingest.post(
        "/v1/webhooks/ninja", content=body, headers=_signed("ninja-secret-1", body, old)
    )
    assert response.status_code == 401
    assert "replay window" in response.json()["error"]


def test_another_partners_secret_is_refused(ingest):
    body = _webhook()
    response = ingest.post(
        "/v1/webhooks/ninja", content=body, headers=_signed("idx-secret-2", body)
    )
    assert response.status_code == 401
    assert "ninja" in response.json()["error"]
    assert "idx-secret-2" not in response.text and "ninja-secret-1" not in response.text


def test_bad_body_and_unknown_partner_say_why(ingest):
    body = b'{"hello": "world"}'
    response = ingest.post(
        "/v1/webhooks/ninja", content=body, headers=_signed("ninja-secret-1", body)
    )
    assert response.status_code == 400 and response.json()["error"].startswith("ninja: ")
    response = ingest.post("/v1/webhooks/pos", content=body, headers=_signed("x", body))
    assert response.status_code == 404 and "no push endpoint" in response.json()["error"]
    response = ingest.post("/v1/webhooks/nobody", content=body)
    assert response.status_code == 404


@pytest.mark.parametrize(("mutation", "reason"), [
    (lambda body: b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    (lambda body: body.replace(b'"tracking_id"', b'"x": ' + b"7" * 5000 + b', "tracking_id"'),
     "thousands of digits"),
    (lambda body: re.sub(rb'"timestamp": "[^"]+"', b'"timestamp": "0001-01-01T00:00:00+0800"',
                         body), "holds no event"),
])
def test_signed_but_malformed_bodies_get_400_with_the_reason(ingest, mutation, reason):
    body = mutation(json.dumps(json.loads(_webhook()), indent=1).encode())
    response = ingest.post("/v1/webhooks/ninja", content=body,
                           headers=_signed("ninja-secret-1", body))
    assert response.status_code == 400, response.text
    assert reason in response.text


def test_a_signature_with_any_byte_is_refused_not_a_server_error(ingest):
    body = _webhook()
    headers = {TIMESTAMP_HEADER: str(int(time.time())),
               SIGNATURE_HEADER: "v1=\u00ff\u00e9".encode("latin-1")}
    response = ingest.post("/v1/webhooks/ninja", content=body, headers=headers)
    assert response.status_code == 401
    assert "does not match" in response.json()["error"]
