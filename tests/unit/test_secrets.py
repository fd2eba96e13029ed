"""A password given in a URL (the view's database, a partner's API) appears in no repr,
output, error or log line."""

from __future__ import annotations

import json
import logging
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from lintas.cli import cli
from lintas.connectors.registry import get_partner
from lintas.core.errors import ConfigurationError
from lintas.core.redact import RedactingFilter, redact_text, redact_url, scrub
from lintas.core.settings import get_settings
from lintas.demo.accounting import summarize
from lintas.streams.view.store import open_store

PASSWORD = "s3cret-Pa55"
DATABASE = f"postgresql+psycopg://lintas:{PASSWORD}@127.0.0.1:1/lintas"
PARTNER_URL = f"https://partner:{PASSWORD}@api.pos.example/v2"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (DATABASE, "postgresql+psycopg://lintas:***@127.0.0.1:1/lintas"),
        ("postgresql://u:p@ss@db/x?sslmode=require", "postgresql://u:***@db/x?sslmode=require"),
        ("postgresql://db/x?user=u&password=pw&sslmode=require",
         "postgresql://db/x?user=u&password=***&sslmode=require"),
        (PARTNER_URL, "https://partner:***@api.pos.example/v2"),
        ("https://api.pos.example/v2", "https://api.pos.example/v2"),
        ("http://user@host/", "http://user@host/"),
        ("sqlite:////var/lib/lintas/view.db", "sqlite:////var/lib/lintas/view.db"),
    ],
)
def test_redact_url(url, shown):
    assert redact_url(url) == shown


def test_scrub_takes_a_urls_password_out_of_any_text():
    url = "postgresql://lintas:p%40ss@db/lintas"
    text = f"cannot reach {url}: authentication of p@ss and p%40ss failed"
    assert scrub(text, url) == "cannot reach postgresql://lintas:***@db/lintas: " \
                               "authentication of *** and *** failed"


@pytest.fixture
def secret_env(monkeypatch) -> None:
    monkeypatch.setenv("LINTAS_DATABASE_URL", DATABASE)
    monkeypatch.setenv("LINTAS_POS__BASE_URL", PARTNER_URL)
    monkeypatch.setenv("LINTAS_POS__CLIENT_ID", "lintas")
    monkeypatch.setenv("LINTAS_POS__CLIENT_SECRET", "client-secret")
    get_settings.cache_clear()


def test_settings_never_show_the_password(secret_env):
    settings = get_settings()
    assert settings.view_url == DATABASE
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert PASSWORD not in shown
    credentials = settings.partner("pos")
    assert credentials.base_url == PARTNER_URL
    assert PASSWORD not in repr(credentials) and "partner:***@" in repr(credentials)
    client = get_partner("pos").client(credentials)
    try:
        assert PASSWORD not in repr(client)
    finally:
        client.close()


def test_an_unreachable_database_error_holds_no_password():
    with pytest.raises(ConfigurationError) as info:
        open_store(DATABASE)
    shown = "".join(traceback.format_exception(info.value))
    assert PASSWORD not in shown and "lintas:***@127.0.0.1:1" in str(info.value)


@pytest.mark.parametrize("url", [f"postgresql+nodriver://lintas:{PASSWORD}@db/lintas",
                                 f"postgresql+psycopg://lintas:{PASSWORD}@db:port/lintas"])
def test_an_unreadable_database_url_error_holds_no_password(url):
    with pytest.raises(ConfigurationError) as info:
        open_store(url)
    assert PASSWORD not in "".join(traceback.format_exception(info.value))


def test_the_demo_summary_holds_no_password(secret_env, tmp_path: Path, monkeypatch):
    store = open_store(f"sqlite:///{tmp_path / 'view.db'}")
    try:
        summary = summarize(store, [], time.monotonic(), "127.0.0.1:9092",
                            get_settings().view_url, [])
    finally:
        store.close()
    assert PASSWORD not in json.dumps(summary.as_dict())
    assert summary.view_url == "postgresql+psycopg://lintas:***@127.0.0.1:1/lintas"

    import lintas.demo

    monkeypatch.setattr(lintas.demo, "run_demo", lambda *args, **kwargs: summary)
    for args in (["demo", "--json"], ["demo"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert PASSWORD not in result.output and "lintas:***@" in result.output


def test_log_records_are_redacted(caplog):
    logger = logging.getLogger("lintas.test.redaction")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("HTTP Request: GET %s/track?token=%s", PARTNER_URL, "tok-123")
    assert PASSWORD not in caplog.text and "tok-123" not in caplog.text
    assert "https://partner:***@api.pos.example/v2/track?token=***" in caplog.text
    assert redact_text(f"see {DATABASE} now") == \
        "see postgresql+psycopg://lintas:***@127.0.0.1:1/lintas now"
