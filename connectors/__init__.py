"""Partner connectors: one folder per partner, plus what they share.

Shared pieces: :mod:`~lintas.connectors.model` (canonical event, problems),
:mod:`~lintas.connectors.statuses` (declarative status tables),
:mod:`~lintas.connectors.timezones`, :mod:`~lintas.connectors.masking`,
:mod:`~lintas.connectors.tracking` (tracking-number checks),
:mod:`~lintas.connectors.registry` (the partner list), :mod:`~lintas.connectors.runtime`
(poll loop, raw producer) and :mod:`~lintas.connectors.sandboxes` (the partner sandboxes
the demo and the tests run against; production never loads them).
"""
