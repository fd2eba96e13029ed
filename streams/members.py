"""Members' raw topics in the worker: each member courier writes ``lintas.raw.member.<id>``
(its own, so that the broker proves who wrote a record), and members join while the
worker runs.

Faust's consumer cannot subscribe by pattern, so the normalize agent reads a list of
topics: the partners' raw topics and the members' found at start. :func:`follow_members`
runs on a timer, lists the members' topics the worker may see, and adds the new ones to
the agent's topics; Faust then subscribes again (a rebalance), and the new member's
records flow from the first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from faust.types import AppT

from lintas.core.topics import MEMBER_TOPIC_PREFIX
from lintas.kafka.admin import admin_client
from lintas.kafka.connection import KafkaConnection

__all__ = ["follow_members", "member_topics"]

log = logging.getLogger(__name__)


def member_topics(kafka: KafkaConnection) -> set[str]:
    """The members' raw topics ``kafka``'s principal may see."""
    admin = admin_client(kafka, client_id="lintas-member-topics")
    try:
        return {t for t in admin.list_topics() if t.startswith(MEMBER_TOPIC_PREFIX)}
    finally:
        admin.close()


async def follow_members(app: AppT, known: set[str],
                         list_topics: Callable[[], set[str]]) -> list[str]:
    """Add members' topics that appeared since the last call to every channel reading raw
    topics; the topics added."""
    try:
        found = await asyncio.to_thread(list_topics)
    except Exception as exc:  # the next round tries again
        log.warning("listing members' topics failed: %s", exc)
        return []
    new = sorted(found - known)
    if not new:
        return []
    for channel in list(app.topics):
        if any(name.startswith("lintas.raw.") for name in channel.topics):
            channel.topics = [*channel.topics, *new]
            app.topics.discard(channel)
            app.topics.add(channel)  # names it does not read yet: Faust subscribes again
    known.update(new)
    log.info("reading %d new member topic(s): %s", len(new), ", ".join(new))
    return new
