"""One key's state stays under the limit that keeps its changelog record and messages
under the broker's record size: a step that would keep more is refused, the old state kept."""

from __future__ import annotations

import pytest

from lintas.streams.agents import STATE_LIMIT, StateTooLarge, _TextKeyed


def test_a_state_over_the_limit_is_refused_and_the_old_one_kept():
    table: dict[bytes, bytes] = {b"pos:P1": b"old"}
    keyed = _TextKeyed(table)
    keyed["pos:P1"] = b"x" * STATE_LIMIT
    assert len(table[b"pos:P1"]) == STATE_LIMIT
    with pytest.raises(StateTooLarge, match=r"pos:P1: its state would take 524,289 bytes"):
        keyed["pos:P1"] = b"x" * (STATE_LIMIT + 1)
    assert len(table[b"pos:P1"]) == STATE_LIMIT
