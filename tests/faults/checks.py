"""What a fault must leave as it found: the raw topics, the view, and the view against
``lintas replay``'s."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.topics import raw_topic
from lintas.kafka.admin import read_all
from lintas.kafka.connection import KafkaConnection
from lintas.schemas.codec import codec
from lintas.streams.replay import replay
from lintas.streams.view.store import ViewStore, open_store

__all__ = ["RawTopics", "compare_with_replay", "read_raw", "timeline_duplicates", "view_gaps",
           "worker_lag"]


def view_gaps(store: ViewStore, entries: Iterable[Entry]) -> list[str]:
    """What the view lacks of ``entries``: shipments short of events or with another final
    status, and pulled entries with fewer dead letters than their bad rows (a record sent
    twice is reported twice: the exact set is checked against the replay)."""
    entries = list(entries)
    shipments = {e.shipment_id: e for e in entries if e.outcome == "shipment"}
    counts = store.timeline_counts(shipments)
    statuses = store.statuses(shipments)
    gaps = [f"{sid}: {counts.get(sid, 0)}/{e.distinct_events} events, status "
            f"{statuses.get(sid)} (expected {e.final_status})"
            for sid, e in shipments.items()
            if counts.get(sid, 0) != e.distinct_events or statuses.get(sid) != e.final_status]
    pulled = [e for e in entries if PARTNERS[e.partner].mode != "push" and e.bad_rows]
    if pulled:
        letters = Counter(r["key"] for r in store.dead_letters(keys=[e.key.encode()
                                                                      for e in pulled]))
        gaps += [f"{e.key}: {letters[e.key.encode()]}/{e.bad_rows} dead letters"
                 for e in pulled if letters[e.key.encode()] < e.bad_rows]
    return gaps


@dataclass(frozen=True)
class RawTopics:
    """The raw records of some partners, as the broker holds them."""

    #: record id -> how many times it is on its topic
    record_ids: Counter[str]
    #: keys of the records
    keys: set[str]

    @property
    def records(self) -> int:
        return sum(self.record_ids.values())

    @property
    def repeated(self) -> int:
        """Records on a topic more than once (sent again after a crash or a timeout)."""
        return self.records - len(self.record_ids)


def read_raw(kafka: KafkaConnection, partners: Iterable[str]) -> RawTopics:
    """Every raw record of ``partners``' topics."""
    raw = codec("RawRecord")
    ids: Counter[str] = Counter()
    keys: set[str] = set()
    for partner in partners:
        for message in read_all(kafka, raw_topic(partner), timeout=300):
            ids[raw.decode(message.value)["record_id"]] += 1
            keys.add((message.key or b"").decode())
    return RawTopics(ids, keys)


def _snapshot(store: ViewStore, shipment_ids: Iterable[str]) -> dict[str, Any]:
    out = {}
    for sid in shipment_ids:
        view = store.shipment(sid)
        if view is not None:
            view.pop("updated_at")
        out[sid] = view
    return out


def _raw_letters(store: ViewStore, keys: list[bytes]) -> set[str]:
    """Ids of the dead letters of raw records (the replay knows no others)."""
    raw = {raw_topic(p) for p in PARTNERS}
    return {r["dead_letter_id"] for r in store.dead_letters(keys=keys)
            if r["source_topic"] in raw}


def compare_with_replay(kafka: KafkaConnection, store: ViewStore, entries: list[Entry],
                        workdir: Path) -> list[str]:
    """How the view differs from the one ``lintas replay`` rebuilds from the raw topics:
    shipments, their timelines and the dead letters of ``entries``."""
    reference = open_store(f"sqlite:///{workdir / 'replayed.db'}")
    try:
        replay(kafka, reference, sorted({e.partner for e in entries}))
        ids = sorted({e.shipment_id for e in entries if e.outcome == "shipment"})
        expected, got = _snapshot(reference, ids), _snapshot(store, ids)
        out = [f"{sid}: the view differs from the replay's" for sid in ids
               if got[sid] != expected[sid]]
        keys = [e.key.encode() for e in entries]
        mine, theirs = _raw_letters(store, keys), _raw_letters(reference, keys)
        if mine != theirs:
            out.append(f"dead letters: {len(mine - theirs)} not in the replay, "
                       f"{len(theirs - mine)} missing from the view")
        return out
    finally:
        reference.close()


def timeline_duplicates(store: ViewStore, entries: Iterable[Entry]) -> list[str]:
    """Shipments holding an event twice in their timeline."""
    out = []
    for sid in sorted({e.shipment_id for e in entries if e.outcome == "shipment"}):
        view = store.shipment(sid)
        ids = [t["event_id"] for t in (view or {}).get("timeline", [])]
        if len(ids) != len(set(ids)):
            out.append(f"{sid}: {len(ids) - len(set(ids))} event(s) twice")
    return out


def worker_lag(kafka: KafkaConnection, group: str = "lintas") -> int | None:
    """Raw records the worker group has not committed yet (None before its first commit)."""
    from kafka import KafkaAdminClient, KafkaConsumer
    from kafka.errors import KafkaError

    admin = KafkaAdminClient(**kafka.kafka_python(), request_timeout_ms=10000)
    consumer = KafkaConsumer(**kafka.kafka_python(), request_timeout_ms=10000)
    try:
        committed = {tp: meta.offset for tp, meta in admin.list_group_offsets(group)
                     .get(group, {}).items() if tp.topic.startswith("lintas.raw.")}
        if not committed:
            return None
        end = consumer.end_offsets(list(committed))
        return sum(max(0, end[tp] - offset) for tp, offset in committed.items())
    except KafkaError:  # no coordinator yet, or the broker is away
        return None
    finally:
        admin.close()
        consumer.close()
