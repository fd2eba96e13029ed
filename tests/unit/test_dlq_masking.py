"""``lintas dlq show`` and ``lintas dlq list`` never print a dead letter's personal data
unless asked: the payload and the error message are masked, ``--unmasked`` shows the
payload as the partner sent it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lintas.cli import cli
from lintas.cli import dlq as dlq_cli
from lintas.connectors.runtime.producer import raw_record
from lintas.core.deadletters import Failure, decode, headers_for
from lintas.core.topics import raw_topic
from lintas.schemas.codec import codec
from lintas.streams.dlq import DeadLetterRecord, listed_letter, shown_letter

BODY = {
    "stt": {"stt_no": "88LP9990007770", "recipient_name": "Budi Santoso",
            "recipient_phone": "0812-3456-7890", "origin": "JAKARTA"},
    "history": [{"date": "2025-03-10 09:00:00", "location": "CGK",
                 "desc": "PAKET DITERIMA OLEH SITI AMINAH (0857 1111 2222), JAKARTA"},
                {"date": "not a date", "location": "CGK", "desc": "Titip ke tetangga (Ibu Rina)"}],
}
SECRETS = ("Budi", "Santoso", "SITI", "AMINAH", "Rina", "3456", "1111", "2222", "0812-3456-7890")


def _record(payload: bytes) -> DeadLetterRecord:
    failure = Failure("normalize", "InvalidEvent",
                      "lion: row 1: cannot read the time of 'Titip ke tetangga (Ibu Rina)', "
                      "telp 0812 3456 7890", "lion", row=1)
    headers = headers_for(failure, topic=raw_topic("lion"), partition=0, offset=42)
    return DeadLetterRecord(1, 7, decode(headers, b"lion:88LP9990007770", payload))


@pytest.fixture
def letter() -> DeadLetterRecord:
    record = raw_record(partner="lion", kind="tracking", connector="lion", source="/track",
                        payload=json.dumps(BODY).encode(), request_key="88LP9990007770")
    return _record(codec("RawRecord").encode(record))


def test_show_masks_the_payload_and_the_message(letter):
    shown = shown_letter(letter)
    text = json.dumps(shown, default=str)
    for secret in SECRETS:
        assert secret not in text
    assert shown["masked"] is True
    assert "88LP9990007770" in shown["payload"] and "JAKARTA" in shown["payload"]
    assert "PAKET DITERIMA OLEH S*** A***** (0857******22)" in shown["payload"]
    assert shown["raw_record"]["partner"] == "lion"


def test_show_unmasked_gives_the_payload_as_sent(letter):
    shown = shown_letter(letter, unmasked=True)
    assert json.loads(shown["payload"]) == BODY
    assert shown["masked"] is False


def test_a_payload_that_is_no_raw_record_is_masked_too():
    shown = shown_letter(_record(b'{"receiver": {"name": "Budi Santoso", "phone": "0812'))
    assert "Budi" not in shown["payload"] and "raw_record" not in shown


def test_list_has_no_payload_and_masks_the_message(letter):
    listed = listed_letter(letter)
    assert "payload" not in listed and listed["payload_bytes"] > 0
    assert "Rina" not in listed["error_message"] and "3456" not in listed["error_message"]
    assert "cannot read the time" in listed["error_message"]


@pytest.fixture
def cli_letter(letter, monkeypatch) -> DeadLetterRecord:
    monkeypatch.setattr(dlq_cli, "_read", lambda *filters: [letter])
    return letter


@pytest.mark.parametrize("args", [["show", "ID", "--json"], ["show", "ID"],
                                  ["list", "--json"], ["list"]])
def test_the_commands_print_no_personal_data(cli_letter, args):
    args = [cli_letter.id if a == "ID" else a for a in args]
    result = CliRunner().invoke(cli, ["dlq", *args])
    assert result.exit_code == 0, result.output
    for secret in SECRETS:
        assert secret not in result.output


def test_show_unmasked_prints_the_payload(cli_letter):
    result = CliRunner().invoke(cli, ["dlq", "show", cli_letter.id, "--unmasked", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(json.loads(result.output)["payload"]) == BODY
