"""``python -m bench``: see :mod:`bench.run`."""

import argparse
import json
import sys

from bench.run import render, run_bench

parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
parser.add_argument("--records", type=int, default=3000, help="raw records per run")
parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
parser.add_argument("--json", action="store_true", help="print the report as JSON")
args = parser.parse_args()
report = run_bench(records=args.records, runs=args.runs,
                   progress=lambda s: print(f"… {s}", file=sys.stderr, flush=True))
print(json.dumps(report, indent=2) if args.json else render(report))
