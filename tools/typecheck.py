"""mypy over the lintas import root.

The folders ``streams/``, ``schemas/`` and ``connectors/`` install as ``lintas.streams``,
``lintas.schemas`` and ``lintas.connectors`` (``[tool.setuptools.package-dir]``); mypy
finds modules by folder, so it checks a tree of links laid out as the installed package,
built afresh under ``build/typecheck`` from the same table.

    python -m tools.typecheck [mypy options]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "build" / "typecheck"


def link_tree() -> Path:
    """``build/typecheck/lintas``, its entries linked to where they live in the checkout."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_dirs: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    shutil.rmtree(TREE, ignore_errors=True)
    for package, folder in sorted(package_dirs.items()):
        target = TREE.joinpath(*package.split("."))
        if "." not in package:
            target.mkdir(parents=True)
            mapped = {p.split(".", 1)[1] for p in package_dirs if p.startswith(package + ".")}
            for entry in sorted((ROOT / folder).iterdir()):
                if entry.name not in mapped and entry.name != "__pycache__":
                    (target / entry.name).symlink_to(entry)
        else:
            target.symlink_to(ROOT / folder, target_is_directory=True)
    return TREE


def main() -> int:
    tree = link_tree()
    command = [sys.executable, "-m", "mypy", *sys.argv[1:]]
    return subprocess.call(command, cwd=ROOT, env={**os.environ, "MYPYPATH": str(tree)})


if __name__ == "__main__":
    sys.exit(main())
