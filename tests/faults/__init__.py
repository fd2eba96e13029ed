"""Faults, scripted and repeatable: the whole pipeline under a steady load while a process,
the broker or the view's database fails.

:mod:`tests.faults.rig` runs every lintas process as a child (pull connectors polling
partner sandboxes, the ingest receiving webhooks, the worker, the sink) on a broker and a
PostgreSQL server of its own; :mod:`tests.faults.scenarios` holds one function per fault,
sized by its parameters, each returning what it counted. ``make faults`` runs the full
versions (``python -m tests.faults``) and writes the figures into docs/reliability.md;
``tests/integration/test_faults.py`` runs short versions.
"""
