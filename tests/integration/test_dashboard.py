"""The ops dashboard in headless Chromium against a running ops server and a real broker.

A private group lags by known amounts and a dead letter carries a partner name of this
test only; the page, opened with an ops:read token in its URL's fragment, must show exactly
those figures (the lag cells equal what the lag collector computes), draw its charts, and is
kept as ``test-artifacts/dashboard.png``. The token leaves the address bar at once; without
one, or with one of another scope, the page says so and shows nothing.

Chromium and its driver are Debian's ``chromium`` and ``chromium-driver``; selenium drives
them. Without them the test is skipped on a developer's machine and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata

from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes import free_port
from lintas.core.deadletters import Failure, headers_for
from lintas.core.tokens import TokenStore
from lintas.core.topics import DLQ, catalog, raw_topic
from lintas.kafka.admin import admin_client, ensure_topics
from lintas.kafka.connection import KafkaConnection
from lintas.streams.ops.collector import OpsCollector, OpsConfig, OpsPoller
from lintas.streams.ops.lag import LagCollector
from lintas.streams.ops.server import BackgroundServer, create_app
from tests.integration.test_ops_metrics import send_pos_not_found

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PRODUCED = {0: 12, 1: 4}
CONSUMED = {0: 5, 1: 4}
CHROMIUM_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--window-size=1400,2000",
)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (in CI the dashboard test must run)")
    pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium driven by selenium, with a fresh profile."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        _unavailable("Chromium is not installed: apt-get install -y chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed: pip install 'selenium>=4.20,<5'")
    profile = tempfile.mkdtemp(prefix="lintas-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def lagging(kafka: KafkaConnection) -> Iterator[tuple[str, str, str]]:
    """A private topic and group with known lag, and a dead letter of a private partner."""
    ensure_topics(kafka, catalog(sorted(PARTNERS), 3))
    suffix = uuid.uuid4().hex[:8]
    topic = group = f"lintas-test-dashboard-{suffix}"
    partner = f"dashtest{suffix}"
    admin = admin_client(kafka)
    admin.create_topics([NewTopic(topic, len(PRODUCED), 1)])
    consumer = KafkaConsumer(**kafka.kafka_python(), group_id=group,
                             enable_auto_commit=False)
    try:
        producer = KafkaProducer(**kafka.kafka_python())
        for number, count in PRODUCED.items():
            for i in range(count):
                producer.send(topic, f"{number}:{i}".encode(), partition=number)
        failure = Failure("dashboard-test", "DashboardTestError", "for the dashboard", partner)
        offset = uuid.uuid4().int % 10**12  # a dead-letter id no other test uses
        producer.send(DLQ, key=f"{partner}:{offset}".encode(), value=b"{}",
                      headers=headers_for(failure, topic=raw_topic("pos"), partition=0,
                                          offset=offset))
        producer.flush()
        producer.close()
        send_pos_not_found(kafka, suffix, "dashboard-test")  # for the freshness chart
        consumer.assign([TopicPartition(topic, p) for p in PRODUCED])
        consumer.commit({TopicPartition(topic, p): OffsetAndMetadata(CONSUMED[p], "", -1)
                         for p in PRODUCED})
        yield topic, group, partner
    finally:
        consumer.close()
        admin.delete_groups([group])
        admin.delete_topics([topic])
        admin.close()


def test_dashboard_renders_live_figures(browser: Any, lagging: tuple[str, str, str],
                                        kafka: KafkaConnection, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    topic, group, partner = lagging
    config = OpsConfig(kafka=kafka, partners=tuple(sorted(PARTNERS)),
                       groups=(group,), interval=1.0, window=60.0)
    with LagCollector(kafka) as collector:
        computed = {p.partition: p.lag for p in collector.collect([group]).groups[0].partitions}
    assert computed == {p: PRODUCED[p] - CONSUMED[p] for p in PRODUCED}

    tokens = TokenStore(tmp_path / "tokens.json")
    _, token = tokens.create("ops:read", "dashboard test")
    app = create_app(OpsPoller(OpsCollector(config)), tokens=tokens)
    with BackgroundServer(app, port=free_port()) as s:
        browser.get(f"{s.url}/#token={token}")
        wait = WebDriverWait(browser, 120, poll_frequency=0.5)
        assert token not in browser.current_url

        def text(selector: str) -> str | None:
            found = browser.find_elements(By.CSS_SELECTOR, selector)
            return found[0].text if found else None

        lag_cell = f'#lag-table tr[data-group="{group}"][data-topic="{topic}"]' \
                   '[data-partition="{}"] td[data-field="lag"]'
        wait.until(lambda _: text(lag_cell.format(0)) == str(computed[0]))
        for number, lag in computed.items():
            assert text(lag_cell.format(number)) == str(lag)
        group_row = f'#lag-table tr.group-row[data-group="{group}"]'
        assert text(f'{group_row} td[data-field="lag"]') == str(sum(computed.values()))
        assert text(f'{group_row} td[data-field="verdict"]') == "OK"
        assert text(f'#groups .pill[data-group="{group}"]') == f"{group}: OK"

        letters = f'#dlq-table tr[data-partner="{partner}"] td[data-field="count"]'
        wait.until(lambda _: text(letters) == "1")
        assert text(f'#dlq-table tr[data-partner="{partner}"] td[data-field="reason"]') == \
            "DashboardTestError"
        assert text('#partners-table tr[data-partner="pos"] td[data-field="partner"]') == "pos"
        assert text('#agents-table tr[data-agent="normalize_records"] td[data-field="agent"]') \
            == "normalize_records"

        # The charts have drawn lines over at least two collections: lag per group, the
        # dead-letter rate, and the freshness of Pos.
        lines = (f'#chart-lag path[data-name="{group}"]',
                 '#chart-dlq path[data-name="dead letters"]',
                 '#chart-freshness path[data-name="pos"]')
        wait.until(lambda _: all(browser.find_elements(By.CSS_SELECTOR, s) for s in lines))
        for chart in ("chart-lag", "chart-throughput", "chart-dlq", "chart-freshness"):
            assert int(browser.find_element(By.ID, chart).get_attribute("data-points")) >= 2
        assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true"
        assert "failing" not in (browser.find_element(By.ID, "status").get_attribute("class")
                                 or "")

        time.sleep(0.5)  # let the last repaint settle before the screenshot
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "dashboard.png"
        assert browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 10_000

        _without_a_valid_token(browser, wait, s.url, tokens)


def _without_a_valid_token(browser: Any, wait: Any, url: str, tokens: TokenStore) -> None:
    """A fresh tab without a token asks for one; one of another scope is refused."""
    from selenium.webdriver.common.by import By

    def auth() -> str | None:
        value = browser.find_element(By.TAG_NAME, "body").get_attribute("data-auth")
        return str(value) if value else None

    browser.execute_script("window.sessionStorage.clear()")
    browser.get(f"{url}/")
    wait.until(lambda _: auth() == "missing")
    assert "#token=" in browser.find_element(By.ID, "status").text
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "false"
    _, viewer = tokens.create("view:read")
    browser.get(f"{url}/#token={viewer}")
    wait.until(lambda _: auth() == "refused")
    assert "403" in browser.find_element(By.ID, "status").text
