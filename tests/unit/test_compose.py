"""docker-compose.yml gives Docker users the same stack: it parses, runs the same Kafka
version, names the same topics and only settings lintas knows."""

from __future__ import annotations

from pathlib import Path

import yaml

from lintas.connectors.registry import PARTNERS
from lintas.core.settings import PartnerCredentials, Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_parses_and_has_the_stack():
    services = _compose()["services"]
    assert {"kafka", "postgres", "setup", "worker", "sink", "connector-pos"} <= set(services)
    assert services["setup"]["command"][:2] == ["access", "apply"]
    assert services["worker"]["command"] == ["worker"]
    assert services["sink"]["command"][0] == "sink"


def test_the_composed_broker_authenticates_and_authorizes():
    kafka = _compose()["services"]["kafka"]["environment"]
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert "PLAINTEXT:PLAINTEXT" not in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    assert kafka["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    # every lintas process signs in as its own principal, from the setup's file
    env = _compose()["x-lintas-env"]
    assert env["LINTAS_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    assert env["LINTAS_KAFKA_PRINCIPALS_FILE"] == "/secrets/principals.json"


def test_kafka_image_matches_the_version_lintas_resolves():
    image = _compose()["services"]["kafka"]["image"]
    assert image == f"apache/kafka:{Settings.model_fields['kafka_version'].default}"


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
