"""Who may do what on the real broker, row by row from the matrix in docs/security.md;
a revoked member is refused; a quota holds a flooding member near its rate."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition, errors

from lintas.connectors.members import AccountStore
from lintas.connectors.onboarding import add_account, revoke_account
from lintas.core.topics import SHIPMENTS, member_topic
from lintas.kafka.connection import KafkaConnection

pytestmark = pytest.mark.integration

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
_ROW = re.compile(r"^\| (\S+) \| (produce|consume) \| (\S+)(?: in group (\S+))? \| "
                  r"(allowed|denied) \|$")


@dataclass(frozen=True)
class Case:
    principal: str
    action: str
    topic: str
    group: str | None
    allowed: bool

    def __str__(self) -> str:
        group = f" in group {self.group}" if self.group else ""
        return f"{self.principal} {self.action} {self.topic}{group}"


def matrix() -> list[Case]:
    cases = [Case(m[1], m[2], m[3], m[4], m[5] == "allowed")
             for line in DOC.read_text().splitlines() if (m := _ROW.match(line))]
    assert len(cases) >= 30, "the matrix in docs/security.md was not found"
    return cases


def _produce(kafka: KafkaConnection, topic: str) -> None:
    # The broker is shared by the session: on the compacted view topic, whose subscribers
    # decode every value, the probe is a tombstone (a record every reader accepts); raw
    # topics take bytes the worker sends to the DLQ.
    value = None if topic == SHIPMENTS else b"access-matrix"
    producer = KafkaProducer(**kafka.kafka_python(), max_block_ms=8000,
                             request_timeout_ms=8000)
    try:
        producer.send(topic, key=b"access-matrix", value=value).get(timeout=15)
    finally:
        producer.close(timeout=5)


def _consume(kafka: KafkaConnection, topic: str, group: str | None) -> None:
    consumer = KafkaConsumer(**kafka.kafka_python(), group_id=group, enable_auto_commit=False,
                             request_timeout_ms=8000)
    try:
        if group is None:
            tp = TopicPartition(topic, 0)
            consumer.assign([tp])
            consumer.seek_to_beginning(tp)
            consumer.poll(timeout_ms=2000)
            consumer.position(tp, timeout_ms=8000)
            return
        consumer.subscribe([topic])
        deadline = time.monotonic() + 20
        while not consumer.assignment():
            if time.monotonic() > deadline:
                raise AssertionError("joined no group in 20 s")
            consumer.poll(timeout_ms=500)
    finally:
        consumer.close()


#: What a refusal looks like: an authorization error, or no answer at all to a client the
#: broker did not authenticate.
_REFUSED = (errors.TopicAuthorizationFailedError, errors.GroupAuthorizationFailedError,
            errors.ClusterAuthorizationFailedError, errors.SaslAuthenticationFailedError,
            errors.KafkaTimeoutError, errors.KafkaConnectionError)


def _outcome(act: Callable[[], None]) -> bool:
    """True when ``act`` went through, False when the broker refused it (anything else is
    a failure of the test itself, and raises)."""
    try:
        act()
        return True
    except _REFUSED:
        return False
    except errors.KafkaError as exc:  # e.g. a producer refused its producer id
        if "AuthorizationFailed" in str(exc):
            return False
        raise


@pytest.fixture(scope="module")
def parties(kafka: KafkaConnection, kafka_as, tmp_path_factory):
    """Principal names of the matrix -> connections; placeholders -> real names."""
    run = uuid.uuid4().hex[:6]
    store = AccountStore(tmp_path_factory.mktemp("accounts") / "members.json")
    ids = {"A": f"a-{run}", "B": f"b-{run}", "R": f"r-{run}", "S": f"s-{run}"}
    issued = {key: add_account(kafka, store, "member", ids[key]) for key in "ABR"}
    issued["S"] = add_account(kafka, store, "subscriber", ids["S"])
    revoke_account(kafka, store, "member", ids["R"])
    who = {f"member-{k}": issued[k].kafka for k in "ABR"}
    who["subscriber-S"] = issued["S"].kafka
    who["anonymous"] = KafkaConnection(kafka.bootstrap)
    who["impostor"] = kafka.as_principal(f"member-{ids['A']}", "not-the-password")
    for name in ("lintas-connector", "lintas-ingest", "lintas-worker", "lintas-sink",
                 "lintas-ops"):
        who[name] = kafka_as(name)

    def real(text: str) -> str:
        text = re.sub(r"lintas\.raw\.member\.([ABR])\b",
                      lambda m: member_topic(ids[m.group(1)]), text)
        return re.sub(r"subscriber-S\b", f"subscriber-{ids['S']}", text)

    return who, real, store


@pytest.mark.parametrize("case", matrix(), ids=str)
def test_the_access_matrix_holds(case: Case, parties) -> None:
    who, real, _ = parties
    kafka = who[case.principal]
    topic, group = real(case.topic), real(case.group) if case.group else None

    def act() -> None:
        if case.action == "produce":
            _produce(kafka, topic)
        else:
            _consume(kafka, topic, group)

    if case.allowed:  # grants take a moment to reach the authorizer
        deadline = time.monotonic() + 20
        while not _outcome(act):
            assert time.monotonic() < deadline, f"{case} was refused"
            time.sleep(1)
    else:
        assert not _outcome(act), f"{case} went through"


def _rate(kafka: KafkaConnection, topic: str, total: int, chunk: int = 10_000) -> float:
    """Bytes a second ``kafka``'s principal managed to produce, ``total`` bytes in all."""
    producer = KafkaProducer(**kafka.kafka_python(), linger_ms=0, batch_size=chunk + 512,
                             max_request_size=chunk * 2)
    try:
        started = time.monotonic()
        for _ in range(total // chunk):
            producer.send(topic, b"q" * chunk)
        producer.flush(timeout=120)
        return total / (time.monotonic() - started)
    finally:
        producer.close(timeout=5)


def test_a_quota_holds_a_flooding_member_near_its_rate(kafka: KafkaConnection, parties) -> None:
    _, _, store = parties
    run = uuid.uuid4().hex[:6]
    quota = 100_000
    slow = add_account(kafka, store, "member", f"q-{run}", quota_bytes=quota)
    free = add_account(kafka, store, "member", f"f-{run}", quota_bytes=50_000_000)
    time.sleep(2)  # quotas and grants reach the broker
    held = _rate(slow.kafka, member_topic(f"q-{run}"), 1_500_000)
    unheld = _rate(free.kafka, member_topic(f"f-{run}"), 1_500_000)
    assert held < 2 * quota, f"{held:.0f} B/s against a quota of {quota}"
    assert unheld > 3 * held, f"unthrottled {unheld:.0f} B/s vs throttled {held:.0f} B/s"
