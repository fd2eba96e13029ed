"""A stand-in for ID Express's webhook sender: it POSTs the catalog's webhooks to lintas.

ID Express is a push partner, so its sandbox sends rather than serves. :func:`deliver` posts
every webhook of every entry, in the entry's order, to
``<ingest_url>/v1/webhooks/idexpress``, signed as :mod:`lintas.connectors.signing`
describes, and returns the HTTP status of each POST
(:class:`~lintas.connectors.sandboxes.webhooks.WebhookSender`). On the wire, ID Express
sends one scan per POST: an object with ``waybillNo``, ``operationType`` and
``lastOperationTime`` in epoch milliseconds. What the pipeline should make of them stays
in the entries (:meth:`lintas.connectors.sandboxes.scenario.Entry.expectation`).
"""

from __future__ import annotations

from lintas.connectors.sandboxes.scenario import Entry
from lintas.connectors.sandboxes.webhooks import WebhookSender, one_post_per_element

__all__ = ["deliver", "webhooks"]

PARTNER = "idexpress"


def webhooks(entry: Entry) -> list[bytes]:
    """The exact bodies of an entry's POSTs, in sending order: one scan object each, as
    :mod:`lintas.connectors.idexpress.scenarios` records them."""
    return one_post_per_element(entry)


#: ``deliver(entries, ingest_url, secret, *, client=None, now=None) -> list[int]``
deliver = WebhookSender(PARTNER, webhooks)
