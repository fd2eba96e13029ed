"""Test tooling: the real Kafka broker and PostgreSQL server the integration tests use."""
