"""Records in and out per agent from offsets, and the pure parts of the topic tails:
dead letters by their headers, newest event per partner."""

from __future__ import annotations

from types import SimpleNamespace

from kafka import TopicPartition

from lintas.connectors.registry import PARTNERS
from lintas.core.deadletters import Failure, headers_for
from lintas.streams.ops.flows import SINK_GROUP, AgentRecords, agent_flows, agent_records
from lintas.streams.ops.tails import DeadLetterKey, DeadLetterTally, EventFreshness, dead_letter_key
from lintas.streams.pipeline import (
    HANDOVER_MATCHES,
    LEG_MESSAGES,
    OUTLETS_BY_TILE,
    REGION_SUMMARIES,
    SHIPMENT_LEGS,
)
from lintas.streams.view.sink import SINK_GROUP as VIEW_SINK_GROUP
from lintas.streams.view.sink import ViewSink


def test_flows_follow_the_agents_and_the_sink():
    flows = {f.agent: f for f in agent_flows("lintas", ["pos", "jne"])}
    assert list(flows) == ["normalize_records", "collect_legs", "match_handovers",
                           "assemble_shipments", "place_outlets", "match_service_points",
                           "view_sink"]
    assert flows["normalize_records"].inputs == ("lintas.raw.jne", "lintas.raw.pos")
    assert flows["normalize_records"].outputs == (
        "lintas.shipment-events.v1", "lintas.network-nodes.v1", "lintas.dlq.v1")
    assert flows["collect_legs"].inputs == ("lintas.shipment-events.v1", LEG_MESSAGES,
                                            HANDOVER_MATCHES)
    assert flows["collect_legs"].outputs == (LEG_MESSAGES, REGION_SUMMARIES, SHIPMENT_LEGS)
    assert flows["match_handovers"].inputs == (REGION_SUMMARIES,)
    assert flows["match_handovers"].outputs == (HANDOVER_MATCHES,)
    assert flows["assemble_shipments"].inputs == (SHIPMENT_LEGS,)
    assert flows["place_outlets"].outputs == (OUTLETS_BY_TILE,)
    assert flows["match_service_points"].inputs == (OUTLETS_BY_TILE,)
    assert {f.group for a, f in flows.items() if a != "view_sink"} == {"lintas"}
    assert flows["view_sink"].group == SINK_GROUP == VIEW_SINK_GROUP
    assert set(flows["view_sink"].inputs) == set(ViewSink(None, "x").topics)  # type: ignore[arg-type]
    assert flows["view_sink"].outputs == ()


def test_every_partner_raw_topic_feeds_normalize():
    flows = agent_flows("lintas", PARTNERS)
    assert len(flows[0].inputs) == len(PARTNERS)


def test_records_in_and_out_are_sums_of_committed_and_log_end_offsets():
    flows = agent_flows("lintas", ["pos", "jne"])
    committed = {
        "lintas": {TopicPartition("lintas.raw.pos", 0): 10, TopicPartition("lintas.raw.pos", 1): 5,
                   TopicPartition("lintas.raw.jne", 0): 2,
                   TopicPartition("lintas.shipment-events.v1", 0): 40},
        SINK_GROUP: {TopicPartition("lintas.dlq.v1", 0): 3},
        "someone-else": {TopicPartition("lintas.raw.pos", 0): 999},
    }
    log_end = {
        TopicPartition("lintas.shipment-events.v1", 0): 44,
        TopicPartition("lintas.shipment-events.v1", 1): 6,
        TopicPartition("lintas.network-nodes.v1", 0): 7,
        TopicPartition("lintas.dlq.v1", 0): 3,
        TopicPartition("lintas.raw.pos", 0): 12,
    }
    records = {r.agent: r for r in agent_records(flows, committed, log_end)}
    assert records["normalize_records"] == AgentRecords("normalize_records", 17, 44 + 6 + 7 + 3)
    assert records["collect_legs"] == AgentRecords("collect_legs", 40, None)
    assert records["view_sink"] == AgentRecords("view_sink", 3, None)
    assert records["match_handovers"] == AgentRecords("match_handovers", None, None)


def test_dead_letter_labels_come_from_the_error_headers():
    headers = headers_for(Failure("normalize", "InvalidEvent", "bad row", "pos", row=2),
                          topic="lintas.raw.pos", partition=1, offset=9)
    assert dead_letter_key(headers) == DeadLetterKey("pos", "normalize", "InvalidEvent")
    assert dead_letter_key(None) == DeadLetterKey("unknown", "unknown", "unknown")
    assert dead_letter_key([("lintas.error.partner", b""), ("other", b"x")]) == \
        DeadLetterKey("unknown", "unknown", "unknown")

    tally = DeadLetterTally()
    for _ in range(3):
        tally.add(SimpleNamespace(headers=headers))
    tally.add(SimpleNamespace(headers=[]))
    assert tally.counts == {DeadLetterKey("pos", "normalize", "InvalidEvent"): 3,
                            DeadLetterKey("unknown", "unknown", "unknown"): 1}


def test_newest_event_per_partner_ignores_the_far_future():
    now = 1_800_000_000.0
    freshness = EventFreshness(clock=lambda: now)
    freshness.observe("pos", int((now - 60) * 1000))
    freshness.observe("pos", int((now - 600) * 1000))  # older: no change
    freshness.observe("jne", int((now + 60) * 1000))  # a minute ahead: a clock skew, kept
    freshness.observe("jne", int((now + 86_400) * 1000))  # a day ahead: ignored
    assert freshness.newest_ms == {"pos": int((now - 60) * 1000), "jne": int((now + 60) * 1000)}


def test_events_are_decoded_for_partner_and_instant():
    from lintas.connectors.registry import get_partner
    from lintas.schemas.codec import codec
    from tests.conftest import FIXTURES

    payload = next(p for p in sorted((FIXTURES / "pos").glob("*.json"))
                   if get_partner("pos").parse(p.read_bytes()).events).read_bytes()
    records = [e.to_record() for e in get_partner("pos").parse(payload).events]
    newest = max(int(r["occurred_at"].timestamp() * 1000) for r in records)
    freshness = EventFreshness(clock=lambda: newest / 1000 + 5)
    for record in records:
        freshness.add(SimpleNamespace(value=codec("ShipmentEvent").encode(record)))
    freshness.add(SimpleNamespace(value=b"not avro"))
    freshness.add(SimpleNamespace(value=None))
    assert freshness.newest_ms == {"pos": newest}
