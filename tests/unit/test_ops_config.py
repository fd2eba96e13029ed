"""The Prometheus, alert and Grafana files of ops/ parse, and every metric they query is one
that the ops server or the sink exports (a renamed metric must not silence an alert)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from lintas.cli.ops import serve
from lintas.streams.ops import metrics as sink_metrics
from lintas.streams.ops.exposition import render_metrics
from lintas.streams.ops.snapshot import CollectionStatus
from tests.unit.test_ops_metrics import NOW, READ_AT, synthetic_snapshot

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "ops"

# Words of PromQL that are not metric names.
_PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "by", "without", "on", "ignoring", "group_left",
    "group_right", "and", "or", "unless", "rate", "irate", "increase", "deriv",
    "histogram_quantile", "time", "offset", "bool", "abs", "clamp_min", "topk", "e",
}


def exported_names() -> set[str]:
    """Every sample name the ops server and the sink expose, plus Prometheus's ``up``."""
    text = render_metrics(synthetic_snapshot(), CollectionStatus().succeeded(READ_AT), NOW)
    names = {s.name for f in text_string_to_metric_families(text.decode()) for s in f.samples}
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}
    for metric in (sink_metrics.SINK_RECORDS, sink_metrics.SINK_COMMIT_SECONDS):
        for family in metric.describe():
            names |= {family.name + suffix for suffix in suffixes[family.type]}
    return names | {"up"}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects."""
    expr = re.sub(r'"[^"]*"', '""', expr)  # label values
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # grouping labels
    words = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr))
    return {w for w in words if w not in _PROMQL_WORDS}


def test_metric_names_of_an_expression():
    assert metric_names('sum by (group, topic) (rate(kafka_consumergroup_lag{group="x"}[5m]))'
                        ' > 2') == {"kafka_consumergroup_lag"}


def test_prometheus_scrapes_the_ops_server_and_the_sink():
    config = yaml.safe_load((OPS / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    ops_port = next(p.default for p in serve.params if p.name == "port")
    assert jobs["lintas-ops"]["static_configs"][0]["targets"] == [f"ops:{ops_port}"]
    assert jobs["lintas-sink"]["static_configs"][0]["targets"] == ["sink:9309"]


def test_prometheus_scrapes_the_ops_server_with_a_token_compose_issues():
    config = yaml.safe_load((OPS / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    authorization = jobs["lintas-ops"]["authorization"]
    assert authorization["type"] == "Bearer"
    token_file = Path(authorization["credentials_file"])

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    issuer = services["ops-token"]["command"]
    assert issuer[:4] == ["tokens", "create", "--scope", "ops:read"]
    assert issuer[issuer.index("--output") + 1] == str(token_file)

    def mount(service: str, target: Path) -> str:
        """The volume ``service`` mounts at ``target``."""
        found = [v.split(":") for v in services[service]["volumes"]]
        return next(source for source, at, *_ in found if Path(at) == target)

    shared = mount("ops-token", token_file.parent)
    assert mount("prometheus", token_file.parent) == shared and shared in compose["volumes"]
    home = Path(re.search(r"^ENV LINTAS_HOME=(\S+)$", (ROOT / "Dockerfile").read_text(),
                          re.MULTILINE).group(1))
    assert mount("ops", home) == mount("ops-token", home) == "lintas-home"
    for service in ("ops", "prometheus"):
        assert services[service]["depends_on"]["ops-token"]["condition"] == \
            "service_completed_successfully"


def test_alert_rules_parse_and_query_exported_metrics():
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())
    exported = exported_names()
    alerts = {}
    for group in rules["groups"]:
        assert group["name"] and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
            assert rule["labels"]["severity"] in {"warning", "critical"}
            assert rule["annotations"]["summary"]
            unknown = metric_names(rule["expr"]) - exported
            assert not unknown, f"{rule['alert']} queries {unknown}"
            alerts[rule["alert"]] = rule
    assert {"LintasConsumerStopped", "LintasConsumerStalled", "LintasConsumerLagGrowing",
            "LintasDeadLettersRising", "LintasPartnerSilent"} <= set(alerts)


def test_grafana_provisioning_and_dashboard():
    source = yaml.safe_load(
        (OPS / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    datasource = source["datasources"][0]
    assert datasource["type"] == "prometheus" and datasource["url"] == "http://prometheus:9090"
    provider = yaml.safe_load(
        (OPS / "grafana" / "provisioning" / "dashboards" / "lintas.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"

    dashboard = json.loads((OPS / "grafana" / "dashboards" / "lintas.json").read_text())
    exported = exported_names()
    queried = set()
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == datasource["uid"]
        for target in panel["targets"]:
            unknown = metric_names(target["expr"]) - exported
            assert not unknown, f"panel {panel['title']!r} queries {unknown}"
            queried |= metric_names(target["expr"])
    assert {"kafka_consumergroup_lag", "lintas_dead_letters_total",
            "lintas_partner_last_record_age_seconds", "lintas_agent_records_in_total",
            "lintas_sink_commit_seconds_bucket"} <= queried


def test_compose_runs_ops_prometheus_and_grafana():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["ops"]["command"] == ["ops", "serve", "--host", "0.0.0.0"]
    assert "./ops/prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]
    mounts = services["grafana"]["volumes"]
    assert "./ops/grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
    assert "./ops/grafana/dashboards:/var/lib/grafana/dashboards:ro" in mounts
    for service in ("ops", "prometheus", "grafana"):
        assert all(p.startswith("127.0.0.1:") for p in services[service]["ports"])
