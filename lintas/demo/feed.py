"""How the demo sends each partner's catalog in: by the partner's own way.

Pull partners through their connector over the sandbox API (and the network, by API or as
a CSV drop), push partners as signed webhooks to the ingest endpoint, file partners
through a drop folder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lintas.connectors.ingest import create_ingest_app
from lintas.connectors.runtime.feed import ChangeFeedSource, NetworkFeedSource
from lintas.connectors.runtime.files import FileDropSource
from lintas.connectors.runtime.poll import Page, PollingConnector, Source
from lintas.connectors.runtime.producer import RawProducer
from lintas.connectors.sandboxes import RunningServer, serve_in_thread
from lintas.connectors.sandboxes.kit import SANDBOX_CREDENTIALS, SandboxKit
from lintas.connectors.sandboxes.scenario import Entry
from lintas.kafka.cursors import CursorStore

__all__ = ["Feeder"]

_SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "avro": ".avro"}


@dataclass
class Feeder:
    """Sends catalogs in, one partner at a time; counts the webhooks the ingest refused."""

    producer: RawProducer
    ingest_producer: RawProducer
    cursors: CursorStore
    folder: Path
    host: str
    seed: int
    refused: int = 0
    _ingest: RunningServer | None = None

    def feed(self, kit: SandboxKit, entries: list[Entry], sandbox: RunningServer | None) -> None:
        mode = kit.partner.mode
        if mode == "pull" and sandbox is not None:
            self._pull(kit, sandbox)
        elif mode == "push":
            self._push(kit, entries)
        elif mode == "file":
            self._drop(kit, entries)

    def close(self) -> None:
        if self._ingest is not None:
            self._ingest.stop()

    def _run_once(self, source: Source) -> None:
        PollingConnector(source, self.producer, self.cursors).run(once=True)

    def _pull(self, kit: SandboxKit, sandbox: RunningServer) -> None:
        partner = kit.partner
        client = partner.client(SANDBOX_CREDENTIALS.model_copy(update={"base_url": sandbox.url}))
        try:
            self._run_once(ChangeFeedSource(client, page_size=10, source_partition={
                "feed": "tracking-changes", "sandbox_seed": self.seed}))
            if client.has_network:
                self._run_once(NetworkFeedSource(client, source_partition={
                    "feed": "network", "sandbox_seed": self.seed}))
        finally:
            client.close()
        dropped = kit.network_file()
        if dropped is not None:
            folder = self.folder / f"network-{partner.id}-{self.seed}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{partner.id}-outlets.csv").write_bytes(dropped[0])
            self._run_once(FileDropSource(partner.id, folder, kind="network"))

    def _push(self, kit: SandboxKit, entries: list[Entry]) -> None:
        if kit.deliver is None:
            return
        if self._ingest is None:
            app = create_ingest_app(lambda _pid: SANDBOX_CREDENTIALS, self.ingest_producer)
            self._ingest = serve_in_thread(app, host=self.host)
        secret = SANDBOX_CREDENTIALS.webhook_secret
        assert secret is not None
        codes = kit.deliver(entries, self._ingest.url, secret)
        self.refused += sum(1 for code in codes if code == 400)

    def _drop(self, kit: SandboxKit, entries: list[Entry]) -> None:
        partner_id = kit.partner.id
        folder = self.folder / f"drop-{partner_id}-{self.seed}"
        folder.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            suffix = _SUFFIX.get(str(entry.extra.get("encoding")), ".jsonl")
            (folder / f"{entry.tracking_number}{suffix}").write_bytes(entry.body)
        self._run_once(_NamedByTrackingNumber(partner_id, folder))


class _NamedByTrackingNumber(FileDropSource):
    """The demo names each dropped file after its tracking number, so a file's record key
    (``partner:file``) is keyed like its shipment."""

    def fetch(self, cursor: dict[str, Any] | None) -> Page:
        page = super().fetch(cursor)
        items = [replace(item, key=f"{self.partner}:{Path(item.source).stem}")
                 for item in page.items]
        return Page(items, page.cursor, page.has_more)
