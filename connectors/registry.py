"""The partners lintas knows, listed once: adding a partner is one line here.

Topics, settings, the CLI, the normalize agent and the ingest read the declarations
(:class:`~lintas.connectors.partner.Partner`, one in each partner folder's
``__init__.py``).
"""

from __future__ import annotations

from lintas.connectors import (
    anteraja,
    idexpress,
    jne,
    jnt,
    lion,
    ninja,
    pos,
    sap,
    sicepat,
    standard,
    tiki,
)
from lintas.connectors.partner import Partner
from lintas.core.errors import ConfigurationError

__all__ = ["PARTNERS", "Partner", "get_partner"]

PARTNERS: dict[str, Partner] = {p.id: p for p in (
    pos.PARTNER,
    jne.PARTNER,
    jnt.PARTNER,
    sicepat.PARTNER,
    anteraja.PARTNER,
    lion.PARTNER,
    tiki.PARTNER,
    sap.PARTNER,
    ninja.PARTNER,
    idexpress.PARTNER,
    standard.PARTNER,
)}


def get_partner(partner_id: str) -> Partner:
    """The partner with this id; :class:`ConfigurationError` naming the known ids if none."""
    try:
        return PARTNERS[partner_id]
    except KeyError:
        known = ", ".join(sorted(PARTNERS))
        raise ConfigurationError(
            f"unknown partner {partner_id!r}; known partners: {known}"
        ) from None
