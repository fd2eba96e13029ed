"""Partner connectors: one package per partner, plus what they share.

Shared pieces: :mod:`connectors.model` (canonical event, problems), :mod:`connectors.statuses`
(declarative status tables), :mod:`connectors.timezones`, :mod:`connectors.masking`,
:mod:`connectors.tracking` (tracking-number checks), :mod:`connectors.registry` (the partner
list), :mod:`connectors.runtime` (poll loop, cursors, producer) and
:mod:`connectors.sandbox` (the HTTP sandboxes partners are tested against).
"""
