"""The schema registry beside the broker (Apicurio Registry from Maven Central): it holds
every canonical subject under FULL_TRANSITIVE and refuses a schema that breaks it;
`lintas registry start|status|stop` runs one of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lintas.connectors.sandboxes import free_port
from lintas.core.errors import RegistryError
from lintas.schemas.codec import load_schema
from lintas.schemas.registry import (
    CANONICAL_RECORDS,
    RegistryClient,
    canonical_subjects,
    register_canonical,
)

pytestmark = pytest.mark.integration

SUBJECTS = {f"{topic}-value" for topic in CANONICAL_RECORDS}


def test_every_canonical_subject_is_held_to_full_transitive(schema_registry):
    with RegistryClient(schema_registry) as client:
        assert canonical_subjects(client) == dict.fromkeys(SUBJECTS, "FULL_TRANSITIVE")
        again = register_canonical(client)  # idempotent: the same ids
        assert {s.subject for s in again} == SUBJECTS
        for subject in again:
            assert json.loads(client.schema(subject.current_id)) == load_schema(subject.record)


def test_a_schema_breaking_full_transitive_is_refused(schema_registry):
    broken = load_schema("ShipmentView")
    broken["fields"].append({"name": "courier_note", "type": "string"})  # no default
    with RegistryClient(schema_registry) as client:
        assert not client.is_compatible("lintas.shipments.v1-value", json.dumps(broken))
        with pytest.raises(RegistryError) as refused:
            client.register("lintas.shipments.v1-value", json.dumps(broken))
    assert refused.value.status == 409


def _lintas(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lintas", "registry", *args], env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_lintas_registry_starts_registers_and_stops(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINTAS_")}
    env.update(LINTAS_HOME=str(tmp_path / "home"),
               LINTAS_SCHEMA_REGISTRY_PORT=str(free_port()),
               LINTAS_CACHE_DIR=os.environ.get("LINTAS_CACHE_DIR",
                                               str(Path.home() / ".cache" / "lintas")))
    started = _lintas(env, "start", "--json")
    try:
        assert started.returncode == 0, started.stderr
        state = json.loads(started.stdout)
        assert state["running"] and state["url"].endswith("/apis/ccompat/v6")
        assert {s["subject"]: s["compatibility"] for s in state["subjects"]} == dict.fromkeys(
            SUBJECTS, "FULL_TRANSITIVE")
        status = json.loads(_lintas(env, "status", "--json").stdout)
        assert status["pid"] == state["pid"]
        assert status["subjects"] == dict.fromkeys(SUBJECTS, "FULL_TRANSITIVE")
    finally:
        stopped = _lintas(env, "stop")
    assert "stopped" in stopped.stdout
    assert json.loads(_lintas(env, "status", "--json").stdout)["running"] is False
