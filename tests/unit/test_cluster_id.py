"""KRaft cluster ids for the local broker."""

from __future__ import annotations

import base64
import uuid

from lintas.kafka.broker import local
from lintas.kafka.broker.local import new_cluster_id


def test_an_id_that_would_read_as_an_option_is_drawn_again(monkeypatch):
    # 0xF8 in the first byte encodes to "-" in URL-safe base64.
    leading_dash = uuid.UUID(bytes=b"\xf8" + b"\x01" * 15)
    plain = uuid.UUID(bytes=b"\x10" * 16)
    draws = iter([leading_dash, plain])
    monkeypatch.setattr(local.uuid, "uuid4", lambda: next(draws))
    assert base64.urlsafe_b64encode(leading_dash.bytes).decode().startswith("-")
    assert new_cluster_id() == base64.urlsafe_b64encode(plain.bytes).decode().rstrip("=")


def test_ids_are_22_url_safe_characters():
    for _ in range(200):
        cid = new_cluster_id()
        assert len(cid) == 22 and not cid.startswith("-")
        assert uuid.UUID(bytes=base64.urlsafe_b64decode(cid + "==")).version == 4
