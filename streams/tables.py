"""The table shape the state machines keep their state in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

__all__ = ["StateTable"]


class StateTable(Protocol):
    """Text keys, bytes values: a ``dict`` in tests and replays, a Faust table in the agents."""

    def get(self, key: str, default: None = None, /) -> bytes | None: ...

    def __setitem__(self, key: str, value: bytes, /) -> None: ...

    def pop(self, key: str, default: None, /) -> bytes | None: ...

    def items(self) -> Iterable[tuple[str, bytes]]: ...
