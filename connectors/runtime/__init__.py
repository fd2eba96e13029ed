"""What every connector shares: HTTP with typed errors and retries, the raw producer,
cursors in ``lintas.connect-offsets`` and the poll loop."""
