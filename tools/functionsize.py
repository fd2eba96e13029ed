"""No function in the packages runs over a screen: 60 lines at the most.

A longer function is asking to be split into steps with names. Alembic migrations are
left out: their ``upgrade`` is a table definition, read top to bottom.

    python -m tools.functionsize [--limit N]

prints each function over the limit as ``path:line: name has N lines`` and exits 1 if
there is one.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from tools.importcontract import Contract

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 60
SKIPPED = ("migrations",)


def long_functions(root: Path, limit: int = LIMIT) -> Iterator[tuple[Path, int, str, int]]:
    """(file, line, name, lines) of every function over ``limit`` lines in the packages."""
    folders = sorted(set(Contract.load(root).package_dirs.values()))
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            if any(part in SKIPPED for part in path.parts):
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > limit:
                        yield path.relative_to(root), node.lineno, node.name, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=LIMIT)
    args = parser.parse_args(argv)
    found = list(long_functions(ROOT, args.limit))
    for path, line, name, lines in found:
        print(f"{path}:{line}: {name} has {lines} lines (at most {args.limit})")
    print(f"{len(found)} function(s) over {args.limit} lines" if found
          else f"no function over {args.limit} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
