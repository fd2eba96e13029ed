"""``python -m tests.faults`` (``make faults``): run the fault scenarios at their full sizes,
print what each counted, keep it as JSON and write it into docs/reliability.md.

    python -m tests.faults [--only NAME ...] [--short] [--no-doc]

Exits 1 when a scenario saw a promise broken.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tests.faults.scenarios import FULL, SCENARIOS, SHORT, Report, run

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
ARTIFACT = ROOT / "test-artifacts" / "faults.json"
BEGIN, END = "<!-- faults:figures:begin -->", "<!-- faults:figures:end -->"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " / ".join(_value(v) for v in value)
    return "-" if value is None else str(value)


def render(reports: list[Report], short: bool) -> str:
    """The figures of ``reports`` as Markdown."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.strip()
    lines = [f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on commit "
             f"`{commit or '?'}`, {os.cpu_count()} cores, "
             f"{'short' if short else 'full'} sizes (`python -m tests.faults"
             f"{' --short' if short else ''}`).", ""]
    for report in reports:
        lines += [f"### {report.name}", "",
                  f"Parameters: {_value(report.parameters)}; ran {report.seconds:.0f} s.", "",
                  "| figure | value |", "|---|---|"]
        lines += [f"| {name} | {_value(value)} |" for name, value in report.figures.items()]
        lines += ["", "Promises broken: " + ("none." if not report.violations else "")]
        lines += [f"- {v.splitlines()[0]}" for v in report.violations]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_doc(text: str, doc: Path = DOC) -> None:
    """Put ``text`` between the figure markers of ``doc``."""
    current = doc.read_text()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(current):
        raise SystemExit(f"{doc} has no {BEGIN} ... {END} block")
    doc.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}{END}", current))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), default=None)
    parser.add_argument("--short", action="store_true", help="the test suite's sizes")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/reliability.md")
    args = parser.parse_args(argv)
    sizes = SHORT if args.short else FULL
    reports = []
    for name in args.only or list(SCENARIOS):
        started = time.monotonic()
        print(f"{name}: running {_value({k: v for k, v in sizes[name].items()})}", flush=True)
        report = run(name, **sizes[name])
        reports.append(report)
        print(f"{name}: {time.monotonic() - started:.0f} s, "
              f"{len(report.violations)} promise(s) broken", flush=True)
        print(json.dumps(report.as_dict(), indent=2, default=str), flush=True)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps([r.as_dict() for r in reports], indent=2, default=str))
    if not args.no_doc:
        write_doc(render(reports, args.short))
    return 1 if any(r.violations for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
