"""No one moves another partner's parcel, on the real pipeline: a member claiming a J&T
parcel in transit as its own delivery leaves J&T's shipment as it was and flags the claim;
a member's hand-over to Pos that Pos's own scans bear out still links. The same events
give the same shipments through the pipeline, `lintas replay` and `lintas reconcile`."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from lintas.connectors.members import AccountStore
from lintas.connectors.onboarding import add_account
from lintas.connectors.publish import Publisher
from lintas.connectors.runtime.producer import RawProducer, raw_record
from lintas.connectors.standard.write import to_jsonl
from lintas.demo import ChildProcess
from lintas.streams.replay import replay
from lintas.streams.view.store import open_store
from tests.conftest import FIXTURES
from tests.integration.conftest import wait_for
from tests.integration.helpers import pos_delivered

pytestmark = pytest.mark.integration


def _jnt_in_transit(awb: str) -> bytes:
    body = json.loads((FIXTURES / "jnt" / "in_transit.json").read_text())
    body["awb"] = awb
    return json.dumps(body).encode()


def _views(store: Any, ids: list[str]) -> dict[str, Any]:
    out = {}
    for sid in ids:
        view = store.shipment(sid)
        view.pop("updated_at")
        out[sid] = json.loads(json.dumps(view, default=lambda value: value.isoformat()))
    return out


def _same(got: dict[str, Any], pipeline: dict[str, Any]) -> None:
    """The same views, field by field (legs in any order: the view store sorts them)."""
    assert set(got) == set(pipeline)
    for sid, view in pipeline.items():
        for field, value in view.items():
            mine = got[sid].get(field)
            if field == "legs":
                mine, value = (sorted(v, key=lambda leg: (leg["partner"], leg["tracking_number"]))
                               for v in (mine, value))
            assert mine == value, (sid, field, mine, value)


def _reconciled(payloads: dict[str, bytes], folder: Path, ids: list[str]) -> dict[str, Any]:
    """The shipments ``lintas normalize`` then ``lintas reconcile`` make of ``payloads``."""
    events = []
    for partner, payload in payloads.items():
        (folder / f"{partner}.raw").write_bytes(payload)
        out = subprocess.run([sys.executable, "-m", "lintas", "normalize", "--partner", partner,
                              str(folder / f"{partner}.raw")], capture_output=True, check=True)
        (folder / f"{partner}.events.jsonl").write_bytes(out.stdout)
        events.append(str(folder / f"{partner}.events.jsonl"))
    out = subprocess.run([sys.executable, "-m", "lintas", "reconcile", *events],
                         capture_output=True, check=True)
    views = {v["shipment_id"]: v for v in map(json.loads, out.stdout.splitlines())}
    return {sid: {k: v for k, v in views[sid].items() if k != "updated_at"} for sid in ids}


def _row(member: str, number: str, status: str, at: str, **more: str) -> dict[str, str]:
    return {"tracking_number": number, "courier": member, "status_code": status,
            "status_text": status.replace("_", " ").title(), "occurred_at": at,
            "postal_code": "40400", **more}


def test_a_claim_on_another_partners_parcel_changes_nothing_of_it(
        kafka, kafka_as, process_env, tmp_path: Path):
    run = uuid.uuid4().hex[:8].upper()
    member = f"takeover-{run.lower()}"
    issued = add_account(kafka, AccountStore(tmp_path / "members.json"), "member", member)
    more = dict(LINTAS_HOME=str(tmp_path / "home"),
                LINTAS_DATABASE_URL=f"sqlite:///{tmp_path / 'view.db'}")
    worker = ChildProcess("worker", ["worker"],
                          process_env("worker", LINTAS_MEMBER_TOPICS_REFRESH_SECONDS="2", **more),
                          tmp_path)
    sink = ChildProcess("sink", ["sink"], process_env("sink", **more), tmp_path)
    store = open_store(more["LINTAS_DATABASE_URL"])
    awb, barcode = f"JP{int(run, 16) % 10**10:010d}", f"P25{int(run, 16) % 10**11:011d}"
    try:
        connector = RawProducer(kafka_as("lintas-connector"))
        for partner, number, payload in (("jnt", awb, _jnt_in_transit(awb)),
                                         ("pos", barcode, pos_delivered(barcode))):
            connector.send(raw_record(partner=partner, kind="tracking", connector="test",
                                      source="test", payload=payload, request_key=number),
                           f"{partner}:{number}")
        connector.flush()
        connector.close()
        # Whole, not only begun: the view may first show its first scan alone.
        wait_for(lambda: (view := store.shipment(f"jnt:{awb}")) is not None
                 and view["status"] == "in_transit", timeout=180,
                 what="J&T's shipment in the view, in transit")
        before = store.shipment(f"jnt:{awb}")

        rows = [
                # The take-over: "J&T's parcel came to us, and we delivered it".
                _row(member, f"KN{run}A", "DELIVERED", "2025-03-11T10:00:00+07:00",
                     handover_from="jnt", handover_from_number=awb),
                # A genuine hand-over to Pos, just before Pos's first scan, where it was.
                _row(member, f"KN{run}B", "PICKED_UP", "2025-03-10T05:00:00+07:00"),
                _row(member, f"KN{run}B", "HANDED_OVER", "2025-03-10T08:30:00+07:00",
                     handover_to="pos", handover_to_number=barcode),
        ]
        with Publisher(issued.kafka, member=member) as publisher:
            published = publisher.publish_rows(rows)
        assert published.published, published.problems

        claimant = f"standard:KN{run}A"
        wait_for(lambda: store.shipment(claimant) is not None, timeout=180,
                 what="the claiming member's shipment")
        claim = store.shipment(claimant)
        assert {leg["partner"] for leg in claim["legs"]} == {"standard"}
        assert [a["kind"] for a in claim["anomalies"]] == ["unverified_handover"]
        after = store.shipment(f"jnt:{awb}")
        assert after["status"] == before["status"] == "in_transit"
        assert after["event_count"] == before["event_count"]
        assert {leg["partner"] for leg in after["legs"]} == {"jnt"}

        def linked() -> dict | None:
            view = store.shipment(f"standard:KN{run}B")
            legs = {(leg["partner"], leg["link_method"]) for leg in view["legs"]} if view else {}
            return view if ("pos", "explicit") in legs else None

        view = wait_for(linked, timeout=180, what="the member's hand-over to Pos to link")
        assert view["status"] == "delivered"
        assert "unverified_handover" not in [a["kind"] for a in view["anomalies"]]
        assert worker.alive() and sink.alive()

        ids = [claimant, f"standard:KN{run}B", f"jnt:{awb}"]
        pipeline = _views(store, ids)
        replayed = open_store(f"sqlite:///{tmp_path / 'replayed.db'}")
        replay(kafka, replayed, ["jnt", "pos"])
        _same(_views(replayed, ids), pipeline)
        replayed.close()
        files = {"jnt": _jnt_in_transit(awb), "pos": pos_delivered(barcode),
                 "standard": to_jsonl(rows)}
        _same(_reconciled(files, tmp_path, ids), pipeline)
    finally:
        worker.stop()
        sink.stop()
        store.close()
