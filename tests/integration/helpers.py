"""Reading topics from the start, for assertions."""

from lintas.kafka.admin import read_all as read_topic

__all__ = ["read_topic"]
