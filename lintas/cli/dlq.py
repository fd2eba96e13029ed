"""``lintas dlq list|show|replay``: the dead-letter topic for people and scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from lintas.cli.output import console, print_json
from lintas.core.errors import LintasError
from lintas.core.settings import get_settings

if TYPE_CHECKING:
    from lintas.streams.dlq import DeadLetterRecord

__all__ = ["dlq"]


def _filters(f: click.decorators.FC) -> click.decorators.FC:
    for option in (
        click.option("--partner", default=None, help="Only this partner's dead letters."),
        click.option("--reason", default=None, help="Only this error class (e.g. PayloadError)."),
        click.option(
            "--stage", default=None, help="Only this stage (connect, ingest, normalize, sink)."
        ),
    ):
        f = option(f)
    return f


def _read(partner: str | None, reason: str | None, stage: str | None) -> list[DeadLetterRecord]:
    from lintas.kafka.principals import kafka_connection
    from lintas.streams.dlq import read_dead_letters

    return read_dead_letters(kafka_connection(get_settings(), "ops"), partner=partner,
                             reason=reason, stage=stage)


@click.group()
def dlq() -> None:
    """Dead letters: what could not be processed, why, and replaying it after a fix."""


@dlq.command("list")
@_filters
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to list (people).")
@click.option("--json", "as_json", is_flag=True, help="Every matching dead letter as JSON lines.")
def list_(
    partner: str | None, reason: str | None, stage: str | None, limit: int, as_json: bool
) -> None:
    """Dead letters by partner and reason (error messages with names and phone numbers
    masked; no payload)."""
    from lintas.streams.dlq import listed_letter, summarize

    records = _read(partner, reason, stage)
    if as_json:
        print_json([listed_letter(r) for r in records], lines=True)
        return
    summary = Table("partner", "stage", "reason", "count", title=f"{len(records)} dead letters")
    for p, s, c, n in summarize(records):
        summary.add_row(p, s, c, str(n))
    console.print(summary)
    table = Table("id", "partner", "reason", "message", "failed at (UTC)")
    for record in records[-limit:]:
        letter = listed_letter(record)
        table.add_row(record.id, letter["partner"] or "-", letter["error_class"],
                      letter["error_message"][:80],
                      letter["failed_at"].strftime("%Y-%m-%d %H:%M:%S"))
    console.print(table)


@dlq.command()
@click.argument("dead_letter_id")
@click.option("--unmasked", is_flag=True,
              help="Show the payload as the partner sent it, personal data included.")
@click.option("--json", "as_json", is_flag=True)
def show(dead_letter_id: str, unmasked: bool, as_json: bool) -> None:
    """One dead letter (its id is source-topic:partition:offset[:row]) with its payload,
    names and phone numbers masked unless --unmasked."""
    from lintas.streams.dlq import shown_letter

    matches = [r for r in _read(None, None, None) if r.id == dead_letter_id]
    if not matches:
        raise LintasError(f"no dead letter {dead_letter_id} in the DLQ")
    letter = shown_letter(matches[0], unmasked=unmasked)
    body = letter["payload"]
    if as_json:
        print_json(letter)
        return
    for name in ("dead_letter_id", "partner", "stage", "error_class", "error_message",
                 "source_topic", "source_partition", "source_offset", "row", "failed_at"):
        console.print(f"[bold]{name}[/]: {letter.get(name)}")
    console.print("[bold]payload[/]" + ("" if unmasked else " (names and phone numbers masked)")
                  + ":")
    console.print(body[:4000], markup=False, highlight=False)


@dlq.command()
@_filters
@click.option("--id", "ids", multiple=True, help="Only these dead letters (repeat).")
@click.option("--again", is_flag=True, help="Also re-send dead letters replayed before.")
@click.option("--json", "as_json", is_flag=True)
def replay(partner: str | None, reason: str | None, stage: str | None, ids: tuple[str, ...],
           again: bool, as_json: bool) -> None:
    """Send matching dead letters back to their source topic, once each."""
    from lintas.kafka.principals import kafka_connection
    from lintas.streams.dlq import replay_dead_letters

    records = _read(partner, reason, stage)
    if ids:
        records = [r for r in records if r.id in set(ids)]
    outcome = replay_dead_letters(kafka_connection(get_settings(), "ops"), records, again=again)
    if as_json:
        print_json(outcome.__dict__)
        return
    console.print(f"replayed {len(outcome.replayed)}, already replayed {len(outcome.already)}, "
                  f"not replayable {len(outcome.not_replayable)}")
