"""The shipped alert rules through Debian's promtool: ``check rules``, the rule unit tests of
``ops/prometheus/alerts.test.yml`` (every alert firing and not firing), and ``check config``
on the shipped Prometheus configuration.

promtool comes with Debian's ``prometheus`` package; without it these tests are skipped on a
developer's machine and fail in CI.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.prometheus import format_duration, parse_duration, quicken, require_tool

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "ops" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "ops" / "prometheus" / "alerts.test.yml"
CONFIG = ROOT / "ops" / "prometheus" / "prometheus.yml"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([require_tool("promtool"), *args], capture_output=True, text=True,
                          timeout=120, check=False)


def shipped_alerts() -> dict[str, dict]:
    document = yaml.safe_load(RULES.read_text())
    return {rule["alert"]: rule for group in document["groups"] for rule in group["rules"]}


def test_promtool_checks_the_shipped_rules() -> None:
    result = promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(shipped_alerts())} rules found" in result.stdout


def test_the_rule_unit_tests_pass() -> None:
    result = promtool("test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_the_rule_unit_tests_catch_a_changed_threshold(tmp_path: Path) -> None:
    """A copy of the rules with the lag threshold doubled fails the same unit tests."""
    changed = RULES.read_text().replace("kafka_consumergroup_lag_seconds) > 900",
                                        "kafka_consumergroup_lag_seconds) > 1800")
    assert changed != RULES.read_text()
    (tmp_path / "alerts.yml").write_text(changed)
    shutil.copy(RULE_TESTS, tmp_path / "alerts.test.yml")
    result = promtool("test", "rules", str(tmp_path / "alerts.test.yml"))
    assert result.returncode != 0
    assert "LintasConsumerLagHigh" in result.stdout + result.stderr


def test_every_alert_is_unit_tested_firing_and_not_firing() -> None:
    document = yaml.safe_load(RULE_TESTS.read_text())
    assert document["rule_files"] == ["alerts.yml"]
    firing: set[str] = set()
    silent: set[str] = set()
    for case in document["tests"]:
        for check in case["alert_rule_test"]:
            (firing if check["exp_alerts"] else silent).add(check["alertname"])
    alerts = set(shipped_alerts())
    assert alerts - firing == set(), "alerts never tested firing"
    assert alerts - silent == set(), "alerts never tested not firing"
    assert (firing | silent) - alerts == set(), "tests of alerts that do not exist"


def test_promtool_checks_the_shipped_config(tmp_path: Path) -> None:
    """prometheus.yml as docker-compose mounts it: its rules and token file where they
    would be, moved under ``tmp_path``."""
    config = yaml.safe_load(CONFIG.read_text())
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    config["rule_files"] = [str(RULES)]
    for job in config["scrape_configs"]:
        if "authorization" in job:
            token = tmp_path / Path(job["authorization"]["credentials_file"]).name
            token.write_text("lintas_x_y")
            job["authorization"]["credentials_file"] = str(token)
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    result = promtool("check", "config", str(tmp_path / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


@pytest.mark.parametrize(("text", "seconds"), [
    ("10m", 600), ("1h30m", 5400), ("500ms", 0.5), ("2d", 172800), ("15s", 15),
])
def test_prometheus_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_a_duration_that_is_not_one() -> None:
    for text in ("", "10", "m10", "10 m", "1.5m"):
        with pytest.raises(ValueError):
            parse_duration(text)


def test_quicker_rules_keep_every_expression_and_shorten_every_for() -> None:
    document = yaml.safe_load(RULES.read_text())
    quick = quicken(document, 1 / 60)
    rules = [r for g in document["groups"] for r in g["rules"]]
    fast = [r for g in quick["groups"] for r in g["rules"]]
    assert [{k: v for k, v in r.items() if k != "for"} for r in fast] == \
        [{k: v for k, v in r.items() if k != "for"} for r in rules]
    assert [r.get("for") for r in fast] == \
        [format_duration(parse_duration(r["for"]) / 60) if "for" in r else None for r in rules]
    assert shipped_alerts()["LintasConsumerLagGrowing"]["for"] == "10m"
    assert {r["alert"]: r.get("for") for r in fast}["LintasConsumerLagGrowing"] == "10s"
