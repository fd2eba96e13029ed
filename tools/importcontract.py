"""The import contract of lintas: its layers run one way, and one import root.

The layers, lowest first, are listed in ``pyproject.toml`` under
``[tool.lintas.import-contract]``; a module may import from its own layer and from the
layers below it, never from a layer above. Every import counts: at module level, inside a
function, or under ``TYPE_CHECKING``. The folders ``streams/``, ``schemas/`` and
``connectors/`` are installed as ``lintas.streams``, ``lintas.schemas`` and
``lintas.connectors`` (``[tool.setuptools.package-dir]``); importing them under their bare
folder names would load a second copy of a module, so it breaks the contract too.

    python -m tools.importcontract [--root DIR]

prints every broken rule as ``path:line: message`` and exits 1 if there is one.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Contract:
    layers: tuple[str, ...]
    #: installed package name -> folder, relative to the project root
    package_dirs: dict[str, str]
    #: top-level names that must never be imported (the folders' bare names)
    banned: frozenset[str]

    @classmethod
    def load(cls, root: Path) -> Contract:
        config = tomllib.loads((root / "pyproject.toml").read_text())
        contract = config["tool"]["lintas"]["import-contract"]
        package_dirs = dict(config["tool"]["setuptools"]["package-dir"])
        banned = frozenset(folder for name, folder in package_dirs.items() if name != folder)
        return cls(tuple(contract["layers"]), package_dirs, banned)

    def layer_of(self, module: str) -> int | None:
        for index, layer in enumerate(self.layers):
            if module == layer or module.startswith(layer + "."):
                return index
        return None


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def modules(root: Path, contract: Contract) -> Iterator[tuple[str, Path]]:
    """(installed module name, file) of every module in the mapped folders."""
    # deepest mapping first, so lintas.streams files are not also taken as lintas.* files
    for package, folder in sorted(contract.package_dirs.items(), key=lambda kv: -kv[0].count(".")):
        base = root / folder
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(base).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            name = ".".join([package, *parts])
            # a folder mapped under another package is not part of this one
            owner = max((p for p in contract.package_dirs if name == p or name.startswith(p + ".")),
                        key=len)
            if owner == package:
                yield name, path


def imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from lintas import streams` imports lintas.streams
                yield node.lineno, f"{target}.{alias.name}"


def check(root: Path, contract: Contract | None = None) -> list[Violation]:
    """Every broken rule of the contract in the project at ``root``."""
    contract = contract or Contract.load(root)
    found: list[Violation] = []
    for module, path in modules(root, contract):
        own = contract.layer_of(module)
        tree = ast.parse(path.read_text(), str(path))
        seen: set[tuple[int, str]] = set()
        for line, target in imported_names(tree, module, path.name == "__init__.py"):
            top = target.split(".")[0]
            if top in contract.banned and (line, top) not in seen:
                seen.add((line, top))
                found.append(Violation(path.relative_to(root), line,
                                       f"imports bare '{target}'; import lintas.{target}"))
                continue
            theirs = contract.layer_of(target)
            if own is None or theirs is None or theirs <= own:
                continue
            if (line, contract.layers[theirs]) in seen:
                continue
            seen.add((line, contract.layers[theirs]))
            found.append(Violation(
                path.relative_to(root), line,
                f"{module} (layer {contract.layers[own]}) imports {target} "
                f"from the higher layer {contract.layers[theirs]}",
            ))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    contract = Contract.load(args.root)
    violations = check(args.root, contract)
    for violation in violations:
        print(violation)
    layers = " -> ".join(contract.layers)
    if violations:
        print(f"import contract broken: {len(violations)} import(s) against {layers}")
        return 1
    print(f"import contract kept: {layers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
