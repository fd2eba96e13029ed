"""The file-drop source: partners without an API drop files in a folder.

Each new file becomes one RawRecord (its bytes as they are), keyed
``<partner>:<file name>``. After the broker acknowledged the page and the cursor moved,
the files are moved to ``<folder>/done/``. A crash between the two re-sends the files on
the next run, with the same record ids, which downstream dedupe absorbs; the cursor also
remembers the digests (name and bytes) of the files it sent lately, so a file dropped twice
is sent once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from lintas.connectors.runtime.poll import Fetched, Page

__all__ = ["FileDropSource"]

_REMEMBERED = 1000
_SUFFIXES = {".json", ".jsonl", ".ndjson", ".csv", ".avro", ".txt"}
_CONTENT_TYPES = {".json": "application/json", ".jsonl": "application/x-ndjson",
                  ".ndjson": "application/x-ndjson", ".csv": "text/csv",
                  ".avro": "application/avro", ".txt": "text/plain"}


class FileDropSource:
    """Pull source over a drop folder."""

    def __init__(self, partner: str, folder: Path, *, kind: str = "file", batch: int = 20) -> None:
        self.partner = partner
        self.folder = Path(folder)
        self.kind = kind
        self.batch = batch
        self.name = f"{partner}-files"
        self.source_partition = {"folder": str(self.folder.resolve()), "kind": kind}
        self._pending: list[Path] = []

    def _candidates(self) -> list[Path]:
        return sorted(
            p for p in self.folder.iterdir()
            if p.is_file() and p.suffix.lower() in _SUFFIXES and not p.name.startswith(".")
        )

    def fetch(self, cursor: dict[str, Any] | None) -> Page:
        seen: list[str] = list((cursor or {}).get("digests", []))
        known = set(seen)
        items: list[Fetched] = []
        self._pending = []
        candidates = self._candidates()
        for path in candidates[: self.batch]:
            data = path.read_bytes()
            digest = hashlib.sha256(path.name.encode() + b"\0" + data).hexdigest()
            self._pending.append(path)
            if digest in known:
                continue  # dropped twice: already sent
            seen.append(digest)
            known.add(digest)
            items.append(Fetched(
                key=f"{self.partner}:{path.name}",
                request_key=path.name,
                source=str(path.name),
                payload=data,
                kind=self.kind,
                attributes={
                    "content_type": _CONTENT_TYPES.get(
                        path.suffix.lower(), "application/octet-stream"
                    ),
                    "sha256": digest,
                },
            ))
        more = len(candidates) > self.batch
        return Page(items, {"digests": seen[-_REMEMBERED:]}, more)

    def committed(self, page: Page) -> None:
        """Move the page's files to ``done/`` once their records and cursor are safe."""
        done = self.folder / "done"
        done.mkdir(exist_ok=True)
        for path in self._pending:
            if path.exists():
                path.replace(done / path.name)
        self._pending = []
