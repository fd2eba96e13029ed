"""The ``lintas`` command: one group, a module per area of subcommands."""

from __future__ import annotations

import logging
import sys

import click

from lintas import __version__
from lintas.cli.commands import register
from lintas.core.errors import LintasError
from lintas.core.redact import RedactingFilter

__all__ = ["cli", "main"]


class _Group(click.Group):
    """Turns lintas errors into one clear line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except LintasError as exc:
            click.echo(f"lintas: error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lintas")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """lintas: one shared view of parcels and service points across Indonesia's postal and
    courier network, on Apache Kafka."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())  # URLs with passwords, tokens in queries
    noisy_level = max(level, logging.WARNING if verbose < 2 else logging.DEBUG)
    for noisy in ("kafka", "aiokafka", "faust", "mode", "httpx"):
        logging.getLogger(noisy).setLevel(noisy_level)
    # kafka-python warns at every SCRAM sign-in over SASL_PLAINTEXT; SCRAM never sends the
    # password, the local broker listens on loopback only, and a broker reached over a
    # network is configured for SASL_SSL (docs/security.md).
    logging.getLogger("kafka.net.sasl.scram").setLevel(max(noisy_level, logging.ERROR))


register(cli)


def main() -> None:
    cli(prog_name="lintas")
