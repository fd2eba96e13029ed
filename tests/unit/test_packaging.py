"""One import root: the package installs as ``lintas`` only, and its layers run one way."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tools.importcontract import Contract, check

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contract_holds() -> None:
    assert [str(v) for v in check(ROOT)] == []


def _copy_sources(dest: Path) -> Path:
    contract = Contract.load(ROOT)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    for folder in set(contract.package_dirs.values()):
        shutil.copytree(ROOT / folder, dest / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.json", "*.avsc"))
    return dest


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    topics = root / "lintas" / "core" / "topics.py"
    topics.write_text(topics.read_text() + "\n\ndef _late() -> None:\n"
                      "    from lintas.streams.app import create_app  # noqa: F401\n")
    found = check(root)
    assert len(found) == 1
    assert found[0].path == Path("lintas/core/topics.py")
    assert "from the higher layer lintas.streams" in found[0].message


def test_a_bare_folder_import_breaks_the_contract(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    codec = root / "schemas" / "codec.py"
    codec.write_text(codec.read_text() + "\nfrom connectors import registry  # noqa: E402\n")
    found = check(root)
    assert [(str(v.path), v.message) for v in found] == [
        ("schemas/codec.py", "imports bare 'connectors'; import lintas.connectors")
    ]


@pytest.mark.slow
def test_the_wheel_installs_one_import_root(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path / "dist"), str(ROOT)], check=True)
    (wheel,) = (tmp_path / "dist").glob("lintas-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top_level = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
        assert archive.read(top_level).decode().split() == ["lintas"]
    roots = {name.split("/")[0] for name in names}
    assert {r for r in roots if not r.endswith(".dist-info")} == {"lintas"}
    for packaged in ("lintas/streams/app.py", "lintas/connectors/pos/parse.py",
                     "lintas/schemas/shipment_view.avsc", "lintas/kafka/broker/pom.xml",
                     "lintas/streams/view/migrations/versions/0001_initial_view.py",
                     "lintas/streams/ops/static/index.html"):
        assert packaged in names

    # an empty environment gets the lintas import root and nothing else
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True)
    purelib = Path(site.stdout.strip())
    before = {p.name for p in purelib.iterdir()}
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True)
    added = {p.name for p in purelib.iterdir()} - before
    assert {name for name in added if not name.endswith(".dist-info")} == {"lintas"}


def test_a_folder_name_cannot_load_a_second_copy() -> None:
    import importlib

    with pytest.raises(ImportError, match=r"import lintas\.connectors, not connectors"):
        importlib.import_module("connectors.registry")
