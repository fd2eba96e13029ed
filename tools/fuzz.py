"""``make fuzz``: hostile payloads through every partner, counted.

For each partner, mutated copies of its recorded fixtures (every class of
``tests/support/mutations.py``) go through what a hostile partner reaches:

- ``lintas normalize --partner ID`` (in process): it must exit 0 with events or 1 with one
  line; any other ending (an exception escaping, a multi-line error) is a *traceback*;
- the normalize agent's per-record work: ``normalize_record`` on the RawRecord, Avro
  encoding of every event and node, the dead-letter headers of every failure; anything
  raised is an *agent crash*.

It prints payloads tried, tracebacks and agent crashes per partner (with one example of
each kind), and the slowest parse per kilobyte, and exits 1 if anything crashed.

    python -m tools.fuzz [--per-partner N] [--seed S] [--partner ID ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@dataclass
class Report:
    partner: str
    tried: int = 0
    tracebacks: int = 0
    crashes: int = 0
    by_class: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    slowest_ms_per_kb: float = 0.0
    slowest_size: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"partner": self.partner, "tried": self.tried, "tracebacks": self.tracebacks,
                "agent_crashes": self.crashes, "mutations": dict(self.by_class),
                "examples": self.examples,
                "slowest_parse_ms_per_kb": round(self.slowest_ms_per_kb, 3),
                "slowest_payload_bytes": self.slowest_size}


def _cli_outcome(runner: Any, cli: Any, partner: str, path: Path) -> str | None:
    """None when ``lintas normalize`` ended cleanly; else what went wrong."""
    result = runner.invoke(cli, ["normalize", "--partner", partner, str(path)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{type(result.exception).__name__}: {result.exception}"[:300]
    if result.exit_code not in (0, 1):
        return f"exit {result.exit_code}: {result.output[-300:]}"
    if result.exit_code == 1:
        lines = [line for line in result.stderr.splitlines() if not line.startswith(
            "lintas: warning:")]
        if len(lines) != 1:
            return f"exit 1 with {len(lines)} lines: {result.stderr[-300:]}"
    return None


def _agent_outcome(partner: str, payload: bytes) -> str | None:
    """None when the normalize agent's work on ``payload`` raised nothing; else what."""
    from lintas.connectors.runtime.producer import raw_record
    from lintas.core.deadletters import headers_for
    from lintas.schemas.codec import codec
    from lintas.streams.normalize import normalize_record

    try:
        raw = codec("RawRecord").encode(raw_record(partner=partner, kind="tracking",
                                                   connector="fuzz", source="fuzz",
                                                   payload=payload))
        outcome = normalize_record(raw, topic=f"lintas.raw.{partner}", partition=0, offset=0)
        for event in outcome.events:
            codec("ShipmentEvent").encode(event)
        for node in outcome.nodes:
            codec("NetworkNode").encode(node)
        for failure in outcome.failures:
            headers_for(failure, topic="t", partition=0, offset=0)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    return None


def fuzz_partner(partner: str, count: int, seed: int) -> Report:
    """``count`` mutated payloads of ``partner``'s fixtures, through the CLI and the agent."""
    from click.testing import CliRunner

    from lintas.cli import cli
    from lintas.connectors.registry import PARTNERS
    from lintas.core.errors import PayloadError
    from tests.support.mutations import mutate

    parse = PARTNERS[partner].parse
    sources = [p.read_bytes() for p in sorted((FIXTURES / partner).iterdir())
               if ".expected." not in p.name and p.name != "recorded.json"]
    for source in sources:  # the first parse loads reference data: not the payload's cost
        try:
            parse(source)
        except Exception:
            pass
    rng = random.Random(f"{partner}:{seed}")
    runner = CliRunner()
    report = Report(partner)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "payload"
        for _ in range(count):
            kind, payload = mutate(rng.choice(sources), rng)
            report.tried += 1
            report.by_class[kind] += 1
            started = time.perf_counter()
            try:
                parse(payload)
            except PayloadError:
                pass
            except Exception:  # counted below, through the CLI and the agent
                pass
            per_kb = (time.perf_counter() - started) * 1000 / max(1, len(payload) / 1024)
            if per_kb > report.slowest_ms_per_kb and len(payload) > 4096:
                report.slowest_ms_per_kb, report.slowest_size = per_kb, len(payload)
            path.write_bytes(payload)
            if (problem := _cli_outcome(runner, cli, partner, path)) is not None:
                report.tracebacks += 1
                report.examples.setdefault(f"traceback:{kind}", problem)
            if (problem := _agent_outcome(partner, payload)) is not None:
                report.crashes += 1
                report.examples.setdefault(f"agent:{kind}", problem)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-partner", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--partner", action="append", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from lintas.connectors.registry import PARTNERS

    partners = args.partner or sorted(PARTNERS)
    started = time.monotonic()
    with ProcessPoolExecutor() as pool:
        reports = list(pool.map(fuzz_partner, partners, [args.per_partner] * len(partners),
                                [args.seed] * len(partners)))
    seconds = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps({"seconds": seconds, "partners": [r.as_dict() for r in reports]},
                         indent=2))
    else:
        print(f"{'partner':<10} {'tried':>7} {'tracebacks':>10} {'agent crashes':>13} "
              f"{'slowest ms/KB':>13}")
        for r in reports:
            print(f"{r.partner:<10} {r.tried:>7} {r.tracebacks:>10} {r.crashes:>13} "
                  f"{r.slowest_ms_per_kb:>13.3f}")
            for name, example in r.examples.items():
                print(f"  {name}: {example}")
        total = sum(r.tried for r in reports)
        print(f"{total} payloads in {seconds} s; "
              f"{sum(r.tracebacks for r in reports)} tracebacks, "
              f"{sum(r.crashes for r in reports)} agent crashes")
    return 1 if any(r.tracebacks or r.crashes for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
