"""How long work tells how far it is, with no display in it.

Library code that a person waits on (``lintas replay``, a backfill, publishing a large
file, the load generator) takes a :class:`Progress` and calls it as it goes; the command
line gives it a reporter that draws bars on a terminal and writes plain lines elsewhere
(``lintas.cli.progress``), a test gives it a list, and everyone else the default
:data:`NO_PROGRESS`. Calls are cheap to make once per record: the reporter, not the
caller, decides how often anything is shown.

Work is a sequence of steps (*phases*: reading the raw topics, writing the view); each
counts its own ``unit`` from 0 towards a ``total`` that may not be known.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["NO_PROGRESS", "NoProgress", "Progress"]


class Progress(Protocol):
    """What long work reports to whoever shows it."""

    def phase(self, name: str, *, total: int | None = None, unit: str = "records") -> None:
        """A new step of the work begins (ending the one before); its count is 0 of
        ``total`` ``unit`` (None: not known)."""

    def update(self, done: int, *, total: int | None = None, **figures: int | str) -> None:
        """The current step has done ``done`` units; ``total`` when it became known or
        changed; ``figures`` are named counts beside it (``events=``, ``shipments=``)."""


class NoProgress:
    """A :class:`Progress` that shows nothing."""

    def phase(self, name: str, *, total: int | None = None, unit: str = "records") -> None:
        return None

    def update(self, done: int, *, total: int | None = None, **figures: int | str) -> None:
        return None


NO_PROGRESS: Progress = NoProgress()
