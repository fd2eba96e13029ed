"""Reading topics from the start, a recorded Pos payload under another number, and a
broker of a module's own, for integration tests."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lintas.connectors.access import prepare_broker
from lintas.connectors.sandboxes import free_port
from lintas.kafka.admin import read_all as read_topic
from lintas.kafka.broker import LocalBroker
from tests.conftest import CACHE_DIR, FIXTURES

__all__ = ["own_broker", "pos_delivered", "read_topic"]


def pos_delivered(barcode: str) -> bytes:
    """Pos's recorded delivered parcel, with ``barcode`` for its number."""
    body = (FIXTURES / "pos" / "delivered.json").read_text()
    original = json.loads(body)["response"]["data"][0]["barcode"]
    return body.replace(original, barcode).encode()


@contextmanager
def own_broker(directory: Path, *, partitions: int, heap: str = "384m",
               tls: bool = False) -> Iterator[LocalBroker]:
    """A broker of one test module's own (its topics made, its principals granted), for
    tests that the session's shared broker would disturb; stopped and deleted after."""
    broker = LocalBroker(directory, CACHE_DIR, version="4.1.1", port=free_port(),
                         controller_port=free_port(), heap=heap, tls=tls)
    broker.start()
    try:
        prepare_broker(broker.connection(), broker.principals.ensure(), app_id="lintas",
                       partitions=partitions)
        yield broker
    finally:
        broker.stop()
        broker.delete_data()
