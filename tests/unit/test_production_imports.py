"""Production loads production code: the worker, the sink and the connectors load no
sandbox, no scenario and no web server; sandboxes are loaded only by the demo,
``lintas sandbox`` and the tests, through the modules the partners' declarations name."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lintas.connectors.registry import PARTNERS

_LOADED = """
import json, sys
from lintas.core.settings import Settings
{setup}
print(json.dumps(sorted(sys.modules)))
"""


def _modules(setup: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _LOADED.format(setup=setup)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def _test_only(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith("lintas.connectors.sandboxes")
            or m.rsplit(".", 1)[-1] in ("sandbox", "scenarios", "network_scenarios")
            or m.split(".")[0] in ("uvicorn", "starlette")]


@pytest.mark.parametrize("setup", [
    "from lintas.streams.app import create_app\n"
    "create_app(Settings(home='{home}', kafka_bootstrap='127.0.0.1:9'))",
    "import lintas.streams.view.sink, lintas.streams.normalize",
    "import lintas.connectors.runtime.feed, lintas.connectors.runtime.poll\n"
    "from lintas.connectors.registry import PARTNERS\n"
    "from lintas.core.settings import PartnerCredentials\n"
    "creds = PartnerCredentials(base_url='http://x', client_id='c', client_secret='s',\n"
    "                           username='u', api_key='k')\n"
    "clients = [p.client(creds) for p in PARTNERS.values() if p.api]",
], ids=["worker", "sink", "connectors"])
def test_production_processes_load_no_sandbox(setup: str, tmp_path) -> None:
    assert _test_only(_modules(setup.replace("{home}", str(tmp_path)))) == []


def test_the_demo_does_load_them() -> None:
    loaded = _test_only(_modules("import lintas.demo"))
    assert "lintas.connectors.sandboxes.kit" in loaded and "uvicorn" in loaded


def test_the_sandboxes_load_from_the_modules_the_declarations_name() -> None:
    from lintas.connectors.sandboxes.kit import sandbox_kit

    for partner in PARTNERS.values():
        kit = sandbox_kit(partner)
        assert kit is not None, partner.id
        assert kit.build_catalog(1), partner.id
        assert (kit.create_app is not None) == (partner.mode == "pull"), partner.id
        assert (kit.deliver is not None) == (partner.mode == "push"), partner.id
