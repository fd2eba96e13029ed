"""What every partner must do, whatever it sends and however it sends it.

Each test runs over the registry (:data:`lintas.connectors.registry.PARTNERS`), so a
partner added there is held to all of it without a test edit; what is particular to one
partner is tested in ``tests/unit/test_<id>_quirks.py``.

- ``test_recordings``: the fixtures are the catalog their manifest names, byte for byte;
  each recording gives its golden events; foreign payloads are one-line payload errors;
  "not found" is a success without events; the hand-written cases hold
  (:mod:`tests.support.partners`).
- ``test_scenarios``: every scenario of several catalogs yields what its entry promises;
  a scan sent twice keeps one event id; the order sent is kept; personal data never
  reaches an event; every event encodes as a ShipmentEvent.
- ``test_fuzz``: hostile payloads made from the recordings, and any JSON, bytes or text,
  give events that encode or a one-line payload error, never another exception.
- ``test_pull``: the partner's client follows its sandbox's change feed and gets every
  body byte for byte; wrong or missing credentials fail without showing a secret.
- ``test_push``: the sandbox's sender posts signed webhooks the ingest accepts.
"""
