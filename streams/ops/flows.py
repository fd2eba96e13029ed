"""Which topics each agent reads and writes, and its records in and out derived from offsets.

The worker's agents (:mod:`lintas.streams.agents`) commit under one consumer group, the Faust app
id (``lintas`` unless ``LINTAS_APP_ID`` says otherwise); the view sink commits under
``lintas-view-sink``. Counting records from offsets needs no help from the processes:

- **records in** of an agent: the sum of its group's committed offsets on the agent's input
  partitions — how far it has read, in records since the topic began;
- **records out**: the sum of the log-end offsets of the topics the agent alone writes.

Both only grow, so ``rate()`` of them is records per second. Offsets also count records
that retention has since removed and, for a group that started late, records it skipped;
both cancel out in a rate. Every output topic below is written by its agent only, so
nothing else is counted as that agent's output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kafka import TopicPartition

from lintas.core.topics import (
    DLQ,
    NETWORK_NODES,
    SERVICE_POINTS,
    SHIPMENT_EVENTS,
    SHIPMENTS,
    raw_topic,
)
from lintas.streams.pipeline import (
    HANDOVER_MATCHES,
    LEG_MESSAGES,
    OUTLETS_BY_TILE,
    REGION_SUMMARIES,
    SHIPMENT_LEGS,
)

__all__ = ["SINK_GROUP", "AgentFlow", "AgentRecords", "agent_flows", "agent_records", "flow_topics"]

SINK_GROUP = "lintas-view-sink"
"""The view sink's consumer group (``lintas.streams.view.sink.SINK_GROUP``, repeated here so that
reading the flows does not load the view)."""



@dataclass(frozen=True)
class AgentFlow:
    """An agent (or the sink), the group it commits under, and its input and output topics."""

    agent: str
    group: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class AgentRecords:
    """Records an agent has read and written so far; ``None`` when not known (the group never
    committed on an input, or no output partition was read)."""

    agent: str
    records_in: int | None
    records_out: int | None

    def to_dict(self) -> dict[str, object]:
        """The JSON form (``GET /api/snapshot``)."""
        return {"agent": self.agent, "records_in": self.records_in,
                "records_out": self.records_out}


def agent_flows(worker_group: str, partners: Iterable[str]) -> tuple[AgentFlow, ...]:
    """The agents of the worker and the view sink, in pipeline order.

    The sink writes to SQL, not to Kafka: it has inputs only.
    """
    raw = tuple(raw_topic(p) for p in sorted(partners))
    return (
        AgentFlow("normalize_records", worker_group, raw, (SHIPMENT_EVENTS, NETWORK_NODES, DLQ)),
        AgentFlow("collect_legs", worker_group,
                  (SHIPMENT_EVENTS, LEG_MESSAGES, HANDOVER_MATCHES),
                  (LEG_MESSAGES, REGION_SUMMARIES, SHIPMENT_LEGS)),
        AgentFlow("match_handovers", worker_group, (REGION_SUMMARIES,), (HANDOVER_MATCHES,)),
        AgentFlow("assemble_shipments", worker_group, (SHIPMENT_LEGS,), (SHIPMENTS,)),
        AgentFlow("place_outlets", worker_group, (NETWORK_NODES,), (OUTLETS_BY_TILE,)),
        AgentFlow("match_service_points", worker_group, (OUTLETS_BY_TILE,),
                  (SERVICE_POINTS,)),
        AgentFlow("view_sink", SINK_GROUP, (SHIPMENTS, DLQ, NETWORK_NODES, SERVICE_POINTS), ()),
    )


def flow_topics(flows: Iterable[AgentFlow]) -> set[str]:
    """Every topic some flow reads or writes."""
    return {t for flow in flows for t in (*flow.inputs, *flow.outputs)}


def agent_records(
    flows: Sequence[AgentFlow],
    committed: Mapping[str, Mapping[TopicPartition, int]],
    log_end: Mapping[TopicPartition, int],
) -> tuple[AgentRecords, ...]:
    """Records in and out of every flow from committed offsets per group and log ends."""
    out = []
    for flow in flows:
        group = committed.get(flow.group, {})
        read = [offset for tp, offset in group.items() if tp.topic in flow.inputs]
        written = [end for tp, end in log_end.items() if tp.topic in flow.outputs]
        out.append(AgentRecords(flow.agent, sum(read) if read else None,
                                sum(written) if written else None))
    return tuple(out)
