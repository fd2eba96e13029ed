"""The partners lintas knows, listed once: adding a partner is one line here.

Topics, settings, the CLI, the normalize agent and the ingest read the declarations
(:class:`~lintas.connectors.partner.Partner`, one in each partner folder's
``__init__.py``).
"""

from __future__ import annotations

from importlib import import_module

from lintas.connectors.partner import Partner
from lintas.core.errors import ConfigurationError

__all__ = ["PACKAGES", "PARTNERS", "Partner", "get_partner"]

#: One line a partner: its folder under connectors/, whose ``__init__`` declares it.
PACKAGES = (
    "pos",
    "jne",
    "jnt",
    "sicepat",
    "anteraja",
    "lion",
    "tiki",
    "sap",
    "ninja",
    "idexpress",
    "standard",
)


def _declared(package: str) -> Partner:
    partner = import_module(f"lintas.connectors.{package}").PARTNER
    if not isinstance(partner, Partner) or partner.id != package:
        raise ConfigurationError(f"connectors/{package}/__init__.py must declare "
                                 f"PARTNER = Partner({package!r}, ...)")
    return partner


PARTNERS: dict[str, Partner] = {p.id: p for p in map(_declared, PACKAGES)}


def get_partner(partner_id: str) -> Partner:
    """The partner with this id; :class:`ConfigurationError` naming the known ids if none."""
    try:
        return PARTNERS[partner_id]
    except KeyError:
        known = ", ".join(sorted(PARTNERS))
        raise ConfigurationError(
            f"unknown partner {partner_id!r}; known partners: {known}"
        ) from None
