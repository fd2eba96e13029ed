"""``python -m bench``: see :mod:`bench.run`, :mod:`bench.servicepoints` and
:mod:`bench.replay`."""

import argparse
import json
import sys
import tempfile
from pathlib import Path

parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
parser.add_argument("--records", type=int, default=3000, help="raw records per run")
parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
parser.add_argument("--json", action="store_true", help="print the report as JSON")
parser.add_argument("--service-points", choices=("also", "only", "skip"), default="also",
                    help="the national service-point benchmark (bench/servicepoints.py)")
parser.add_argument("--replay-payloads", type=int, default=30000,
                    help="payloads of the smaller replay (bench/replay.py; 0 skips it); the "
                         "larger one has ten times as many")
args = parser.parse_args()


def progress(s: str) -> None:
    print(f"… {s}", file=sys.stderr, flush=True)


report = {}
if args.service_points != "only":
    from bench.run import render, run_bench

    report = run_bench(records=args.records, runs=args.runs, progress=progress)
    if not args.json:
        print(render(report))
if args.service_points != "skip":
    from bench.servicepoints import render as render_points
    from bench.servicepoints import run_service_points

    report["service_points"] = run_service_points(progress=progress)
    if not args.json:
        print(render_points(report["service_points"]))
if args.replay_payloads and args.service_points != "only":
    from bench.replay import render as render_replay
    from bench.replay import run as run_replay

    progress(f"replay of {args.replay_payloads:,} payloads, then ten times as many")
    with tempfile.TemporaryDirectory(prefix="lintas-bench-replay-") as work:
        report["replay"] = run_replay(args.replay_payloads, 10, Path(work))
    if not args.json:
        print(render_replay(report["replay"]))
if args.json:
    print(json.dumps(report, indent=2))
