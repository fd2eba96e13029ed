"""Kafka plumbing: admin, the local broker, the byte producer, connector cursors."""
