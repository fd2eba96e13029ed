"""Progress of long work on stderr: rich bars on a terminal, plain lines anywhere else.

The one way lintas commands show work a person waits on (``lintas replay``, a backfill
with ``lintas connect run``, ``lintas publish``, ``lintas loadgen``). The library code
reports through :class:`lintas.core.progress.Progress`; a :class:`ProgressReporter` shows
it:

- on a terminal (stderr is a TTY and not ``TERM=dumb``), one bar per phase with its count,
  percentage, rate, time left and figures, redrawn at most every ``refresh`` seconds;
- elsewhere (a pipe, a file, CI), plain lines: one when a phase begins, one every
  ``interval`` seconds while it runs and one when it ends, never one per record::

      replay: reading raw topics: 1,200/5,000 records (24%), 240 records/s, ETA 16s; events 3,400
      replay: reading raw topics: 5,000/5,000 records (100%), 250 records/s, done in 20s; events …

Nothing goes to stdout, so a command's ``--json`` output stays a clean document.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, TaskID, TextColumn
from rich.progress import Progress as Bars

from lintas.cli.output import err_console

__all__ = ["ProgressReporter", "duration"]


def duration(seconds: float) -> str:
    """``16s``, ``3m05s``, ``1h02m``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def _figure(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else value


@dataclass
class _Step:
    """One phase of the work and how far it is."""

    name: str
    unit: str
    total: int | None
    started: float
    done: int = 0
    figures: dict[str, int | str] = field(default_factory=dict)

    def body(self, now: float, ending: str | None = None) -> str:
        """``1,200/5,000 records (24%), 240 records/s, ETA 16s; events 3,400``; ``ending``
        replaces the time left once the phase is over (``done in 20s``). The rate and the
        time left come once the phase has run for a second."""
        if self.total is None:
            parts = [f"{self.done:,} {self.unit}"]
        else:
            share = 100 * self.done / self.total if self.total else 100.0
            parts = [f"{self.done:,}/{self.total:,} {self.unit} ({math.floor(share)}%)"]
        elapsed = now - self.started
        # under a second, a rate says more about the clock than about the work
        rate = self.done / elapsed if elapsed >= 1 else None
        if rate is not None and self.done:
            parts.append(f"{rate:,.0f} {self.unit}/s")
        if ending is not None:
            parts.append(ending)
        elif rate and self.total is not None and self.done < self.total:
            parts.append(f"ETA {duration((self.total - self.done) / rate)}")
        text = ", ".join(parts)
        if self.figures:
            text += "; " + ", ".join(f"{name.replace('_', ' ')} {_figure(value)}"
                                     for name, value in self.figures.items())
        return text


class ProgressReporter:
    """A :class:`lintas.core.progress.Progress` shown on ``console`` (stderr by default);
    see the module doc. Use it as a context manager: leaving it ends the last phase (as
    ``stopped`` when an exception leaves it) and takes the bars down."""

    def __init__(self, label: str, *, console: Console | None = None, interval: float = 5.0,
                 refresh: float = 0.1, clock: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.console = console or err_console
        #: bars (a terminal) or plain lines
        self.live = self.console.is_terminal and not self.console.is_dumb_terminal
        self.interval = interval
        self.refresh = refresh
        self._clock = clock
        self._step: _Step | None = None
        self._shown = -math.inf
        self._bars: Bars | None = None
        self._task: TaskID | None = None
        self.closed = False

    @property
    def current(self) -> str | None:
        """The name of the phase under way."""
        return self._step.name if self._step else None

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(self, kind: type[BaseException] | None, _value: BaseException | None,
                 _trace: TracebackType | None) -> None:
        self.close(failed=kind is not None)

    def phase(self, name: str, *, total: int | None = None, unit: str = "records") -> None:
        """End the phase under way and begin ``name`` (see ``Progress.phase``)."""
        if self.closed:
            return
        self._end("done")
        now = self._clock()
        self._step = _Step(name, unit, total, now)
        self._show(now)

    def update(self, done: int, *, total: int | None = None, **figures: int | str) -> None:
        """How far the phase under way is; shown when ``interval`` (plain lines) or
        ``refresh`` (bars) has passed since it was last shown."""
        if self.closed:
            return
        if self._step is None:
            self.phase("working")
        step = self._step
        assert step is not None
        step.done = done
        if total is not None:
            step.total = total
        step.figures.update(figures)
        now = self._clock()
        if now - self._shown >= (self.refresh if self.live else self.interval):
            self._show(now)

    def close(self, *, failed: bool = False) -> None:
        """End the phase under way (``stopped`` when ``failed``); later calls do nothing."""
        if self.closed:
            return
        self._end("stopped" if failed else "done")
        self.closed = True
        if self._bars is not None:
            self._bars.stop()

    def _end(self, how: str) -> None:
        step = self._step
        if step is None:
            return
        now = self._clock()
        ending = f"{how} {'in' if how == 'done' else 'after'} {duration(now - step.started)}"
        self._show(now, ending)
        self._step = None

    def _show(self, now: float, ending: str | None = None) -> None:
        step = self._step
        assert step is not None
        self._shown = now
        header = f"{self.label}: {step.name}"
        body = step.body(now, ending)
        if not self.live:
            self.console.file.write(f"{header}: {body}\n")
            self.console.file.flush()
            return
        bars = self._start_bars()
        total = step.total
        if ending is not None and total is None:  # a bar that stops moving, full or empty
            total = step.done or 1
        if self._task is None:
            self._task = bars.add_task(header, total=total, body=body)
        bars.update(self._task, completed=step.done, total=total, body=body)
        if ending is not None:
            self._task = None

    def _start_bars(self) -> Bars:
        if self._bars is None:
            self._bars = Bars(TextColumn("{task.description}"),
                              BarColumn(bar_width=30, finished_style="green"),
                              TextColumn("{task.fields[body]}"), console=self.console,
                              redirect_stdout=False, refresh_per_second=10)
            self._bars.start()
        return self._bars
