"""docker-compose.yml gives Docker users the same stack: it parses, runs the same Kafka
version, names the same topics and only settings lintas knows."""

from __future__ import annotations

from pathlib import Path

import yaml

from lintas.connectors.registry import PARTNERS
from lintas.core.settings import PartnerCredentials, Settings
from lintas.core.topics import catalog

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_parses_and_has_the_stack():
    services = _compose()["services"]
    assert {"kafka", "postgres", "topics", "worker", "sink", "connector-pos"} <= set(services)
    assert services["topics"]["command"] == ["topics", "create"]
    assert services["worker"]["command"] == ["worker"]
    assert services["sink"]["command"][0] == "sink"


def test_kafka_image_matches_the_version_lintas_resolves():
    image = _compose()["services"]["kafka"]["image"]
    assert image == f"apache/kafka:{Settings.model_fields['kafka_version'].default}"


def test_compose_names_the_topic_catalog():
    listed = {t["name"]: t for t in _compose()["x-lintas-topics"]}
    specs = catalog(sorted(PARTNERS), 3)
    assert set(listed) == {s.name for s in specs}
    for spec in specs:
        assert listed[spec.name]["partitions"] == spec.partitions
        assert listed[spec.name]["cleanup.policy"] == spec.cleanup_policy
        if "retention.ms" in spec.configs:
            assert listed[spec.name]["retention.ms"] == spec.configs["retention.ms"]


def test_every_lintas_variable_in_compose_is_a_setting():
    compose = _compose()
    names = set(compose["x-lintas-env"])
    for service in compose["services"].values():
        names |= {k for k in (service.get("environment") or {}) if k.startswith("LINTAS_")}
    fields = set(Settings.model_fields)
    partner_fields = set(PartnerCredentials.model_fields)
    for name in names:
        key = name.removeprefix("LINTAS_").lower()
        if "__" in key:
            partner, field = key.split("__", 1)
            assert partner in PARTNERS and field in partner_fields, name
        else:
            assert key in fields, name


def test_partner_crosswalk_document_is_current():
    from lintas.connectors.crosswalk import render_crosswalk

    assert (ROOT / "docs" / "partners.md").read_text(encoding="utf-8") == render_crosswalk(), (
        "run `lintas partners crosswalk --write docs/partners.md`"
    )
