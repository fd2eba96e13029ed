"""``lintas demo``: one bounded end-to-end run on the embedded defaults.

Broker (the local one unless ``LINTAS_KAFKA_BOOTSTRAP`` is set) -> topics -> every
partner's sandbox -> its connector, the ingest or a drop folder -> the Faust worker and
the view sink (child processes) -> the SQL view. It ends by itself once the view holds
everything the sandboxes emitted, and stops everything it started.
"""

from lintas.demo.accounting import DemoSummary, missing_from_view
from lintas.demo.processes import ChildProcess
from lintas.demo.run import run_demo

__all__ = ["ChildProcess", "DemoSummary", "missing_from_view", "run_demo"]
