"""The partners lintas knows, listed once. Topics, settings and the CLI use their ids."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from connectors import pos
from connectors.model import ParseResult
from connectors.statuses import StatusTable
from lintas.errors import ConfigurationError

__all__ = ["PARTNERS", "Partner", "get_partner"]

Parser = Callable[..., ParseResult]


@dataclass(frozen=True)
class Partner:
    """One partner: how its data arrives and how it is parsed."""

    id: str
    name: str
    mode: Literal["pull", "push", "file"]
    parse_tracking: Parser
    statuses: StatusTable

    def parse(self, payload: bytes | str | dict[str, Any], **kwargs: Any) -> ParseResult:
        return self.parse_tracking(payload, **kwargs)


PARTNERS: dict[str, Partner] = {
    p.id: p
    for p in (
        Partner("pos", "Pos Indonesia", "pull", pos.parse_tracking, pos.STATUSES),
    )
}


def get_partner(partner_id: str) -> Partner:
    """The partner with this id; :class:`ConfigurationError` naming the known ids if none."""
    try:
        return PARTNERS[partner_id]
    except KeyError:
        known = ", ".join(sorted(PARTNERS))
        raise ConfigurationError(f"unknown partner {partner_id!r}; known partners: {known}") from None
