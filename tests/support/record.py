"""A partner's recorded fixtures, drawn from its scenario catalog.

``tests/fixtures/<id>/`` holds one recording per scenario of the partner's catalog, each
beside its golden file ``<scenario>.expected.jsonl`` (the whole canonical output,
:func:`tests.golden.assert_golden`), and a manifest, ``recorded.json``, saying how the
recordings were drawn and written::

    {"seed": 7, "start": "2025-03-10T01:00:00+00:00", "json_indent": 2,
     "as_sent": ["wrong_envelope"]}

- ``seed`` and ``start``: the catalog recorded, ``build_catalog(seed, start=start)``;
- ``json_indent``: a body that is a JSON document is written indented by that many spaces
  and ends with a newline, the way the partner's answers read in a browser; ``null``
  writes every body exactly as the catalog holds it;
- ``as_sent``: scenarios written exactly as the catalog holds them all the same.

A recording is named after its scenario and its encoding (``extra["encoding"]``, JSON
unless the entry says otherwise). A scenario whose entry differs from another only in how
the sandbox answers (``fail_first``: HTTP 503 before the body) is not recorded. A push
partner's recording is the JSON array of the webhooks it pushed, one parse each.

Recording a partner::

    python -m tests.support.record <id> [--seed 7] [--start 2025-06-01T00:00:00+00:00]
                                        [--json-indent 2] [--as-sent a,b] [--check]

writes the manifest (the one already there, with the options given changed), every
recording (and a ``.gitattributes`` keeping CRLF, BOMs and binary files as they are), and
the golden file of every recording that is not a dead letter where there
is none yet; ``LINTAS_UPDATE_GOLDEN=1`` rewrites the golden files too (review the diff).
``--check`` writes nothing and says which files differ from what would be written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from lintas.connectors.model import ParseResult, record_to_json
from lintas.connectors.partner import Partner
from lintas.connectors.registry import PARTNERS
from lintas.connectors.sandboxes.kit import sandbox_kit
from lintas.connectors.sandboxes.scenario import Entry
from lintas.core.errors import PayloadError

__all__ = [
    "CASES",
    "FIXTURES",
    "MANIFEST",
    "Manifest",
    "file_name",
    "git_attributes",
    "golden_path",
    "golden_rows",
    "parse_each",
    "recorded_entries",
    "recording",
    "recordings_on_disk",
    "sent_payloads",
]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFEST = "recorded.json"
#: hand-written payloads beside the recordings (:mod:`tests.support.partners`)
CASES = "cases.json"
GOLDEN_SUFFIX = ".expected.jsonl"
_ENCODINGS = (".json", ".jsonl", ".csv", ".avro")


@dataclass(frozen=True)
class Manifest:
    """How a partner's fixtures were drawn from its catalog and written."""

    seed: int = 7
    start: datetime = datetime(2025, 6, 1, tzinfo=timezone.utc)
    json_indent: int | None = None
    as_sent: tuple[str, ...] = ()

    @classmethod
    def read(cls, partner_id: str) -> Manifest:
        """The manifest of ``tests/fixtures/<partner_id>``."""
        doc = json.loads((FIXTURES / partner_id / MANIFEST).read_text(encoding="utf-8"))
        return cls(seed=doc["seed"], start=datetime.fromisoformat(doc["start"]),
                   json_indent=doc.get("json_indent"), as_sent=tuple(doc.get("as_sent", ())))

    def text(self) -> str:
        """The manifest as its file holds it."""
        doc: dict[str, Any] = {"seed": self.seed, "start": self.start.isoformat(),
                               "json_indent": self.json_indent}
        if self.as_sent:
            doc["as_sent"] = list(self.as_sent)
        return json.dumps(doc, indent=2) + "\n"

    def written(self, entry: Entry) -> bytes:
        """The bytes of ``entry``'s recording."""
        if self.json_indent is None or entry.scenario in self.as_sent:
            return entry.body
        try:
            doc = json.loads(entry.body)
        except ValueError:
            return entry.body
        return (json.dumps(doc, indent=self.json_indent, ensure_ascii=False) + "\n").encode()


def recorded_entries(partner: Partner, manifest: Manifest) -> list[Entry]:
    """The entries of the catalog ``manifest`` names that have a recording."""
    kit = sandbox_kit(partner)
    if kit is None:
        raise ValueError(f"{partner.id} has no scenarios to record")
    entries = kit.build_catalog(manifest.seed, start=manifest.start)
    return [e for e in entries if not e.fail_first]


def file_name(entry: Entry) -> str:
    """The name of ``entry``'s recording."""
    return f"{entry.scenario}.{entry.extra.get('encoding', 'json')}"


def recording(partner: Partner, manifest: Manifest) -> dict[str, bytes]:
    """File name -> bytes of every recording ``manifest`` makes of the partner's catalog."""
    return {file_name(e): manifest.written(e) for e in recorded_entries(partner, manifest)}


def recordings_on_disk(partner_id: str) -> list[Path]:
    """The recordings stored for a partner, by name."""
    folder = FIXTURES / partner_id
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix in _ENCODINGS and not p.name.endswith(GOLDEN_SUFFIX)
                  and p.name not in (MANIFEST, CASES))


def golden_path(recording_path: Path) -> Path:
    """The golden file beside a recording."""
    return recording_path.with_name(recording_path.stem + GOLDEN_SUFFIX)


def sent_payloads(partner: Partner, recorded: bytes) -> list[Any]:
    """What the partner sent in one recording, one parse each: every webhook of a push
    partner's array, else the recording itself."""
    if partner.mode == "push":
        return list(json.loads(recorded))
    return [recorded]


def parse_each(partner: Partner, payloads: Sequence[Any], *,
               request_key: str | None = None) -> tuple[ParseResult, list[int]]:
    """All events and problems of ``payloads`` parsed one by one, and the positions of the
    payloads that gave a dead letter (a payload error, or one per problem)."""
    merged = ParseResult()
    dead: list[int] = []
    for position, payload in enumerate(payloads):
        try:
            result = partner.parse(payload, request_key=request_key)
        except PayloadError:
            dead.append(position)
            continue
        merged.events += result.events
        merged.problems += result.problems
        merged.not_found = merged.not_found or result.not_found
        dead += [position] * len(result.problems)
    return merged, dead


def golden_rows(partner: Partner, recorded: bytes) -> list[dict[str, Any]]:
    """The events of one recording as its golden file holds them."""
    result, _ = parse_each(partner, sent_payloads(partner, recorded))
    return [record_to_json(e.to_record()) for e in result.events]


def _golden_text(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def git_attributes(recordings: dict[str, bytes]) -> str | None:
    """What ``.gitattributes`` must say so that git keeps the recordings byte for byte:
    no line-end conversion where one holds a carriage return or a byte-order mark, none at
    all where one is not UTF-8 text; None when git may treat them as it likes."""
    kinds: dict[str, str] = {}
    for name, data in recordings.items():
        suffix = Path(name).suffix
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            kinds[suffix] = "binary"
            continue
        if ("\r" in text or text.startswith("\ufeff")) and kinds.get(suffix) != "binary":
            kinds[suffix] = "-text"
    if not kinds:
        return None
    order = sorted(kinds, key=lambda suffix: (kinds[suffix] == "binary", suffix))
    return ("# Fixtures are byte-exact recordings: BOMs and CRLF line ends are part of them.\n"
            + "".join(f"*{suffix} {kinds[suffix]}\n" for suffix in order))


def _changes(partner: Partner, manifest: Manifest) -> dict[Path, bytes]:
    """Every file recording the partner writes, with its bytes; a golden file only where
    there is none yet or ``LINTAS_UPDATE_GOLDEN=1``."""
    folder = FIXTURES / partner.id
    files = {folder / MANIFEST: manifest.text().encode()}
    rewrite = os.environ.get("LINTAS_UPDATE_GOLDEN") == "1"
    recordings = recording(partner, manifest)
    attributes = git_attributes(recordings)
    if attributes is not None:
        files[folder / ".gitattributes"] = attributes.encode()
    for entry in recorded_entries(partner, manifest):
        path = folder / file_name(entry)
        files[path] = recordings[path.name]
        golden = golden_path(path)
        if entry.outcome != "dead_letter" and (rewrite or not golden.exists()):
            files[golden] = _golden_text(golden_rows(partner, files[path])).encode()
    return files


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.support.record",
                                     description="Record a partner's fixtures from its catalog.")
    parser.add_argument("partner", choices=sorted(PARTNERS))
    parser.add_argument("--seed", type=int)
    parser.add_argument("--start", type=datetime.fromisoformat,
                        help="ISO 8601 with an offset, e.g. 2025-06-01T00:00:00+00:00")
    parser.add_argument("--json-indent", type=int)
    parser.add_argument("--as-sent", type=lambda text: tuple(filter(None, text.split(","))))
    parser.add_argument("--check", action="store_true",
                        help="write nothing; list the files that would change")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Record one partner's fixtures (see the module docstring); 1 when ``--check`` finds a
    difference."""
    args = _arguments(argv)
    partner = PARTNERS[args.partner]
    known = (FIXTURES / partner.id / MANIFEST).exists()
    manifest = Manifest.read(partner.id) if known else Manifest()
    given = {"seed": args.seed, "start": args.start, "json_indent": args.json_indent,
             "as_sent": args.as_sent}
    manifest = replace(manifest, **{k: v for k, v in given.items() if v is not None})
    if manifest.start.tzinfo is None:
        raise SystemExit("--start needs a UTC offset")
    files = _changes(partner, manifest)
    stale = [p for p in recordings_on_disk(partner.id) if p not in files]
    for path in stale:
        print(f"not in the catalog: {path.relative_to(FIXTURES)}")
    changed = len(stale)
    for path, data in files.items():
        same = path.exists() and path.read_bytes() == data
        changed += not same
        if args.check:
            print(f"{'same' if same else 'differs'}: {path.relative_to(FIXTURES)}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{'unchanged' if same else 'wrote'}: {path.relative_to(FIXTURES)}")
    return int(args.check and changed > 0)


if __name__ == "__main__":
    sys.exit(main())
