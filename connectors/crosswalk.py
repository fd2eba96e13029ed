"""The raw -> canonical crosswalk of every partner, as Markdown, from the status tables.

``docs/partners.md`` is this document; ``lintas partners crosswalk --write`` regenerates
it and a test keeps it in step with the tables.
"""

from __future__ import annotations

from lintas.connectors.registry import PARTNERS
from lintas.schemas.statuses import AFTERSHIP_TAG, Status

__all__ = ["render_crosswalk"]

_HOW = {
    "code": "raw status",
    "prefix": "raw status starting with",
    "text": "status text containing",
}


def render_crosswalk() -> str:
    """docs/partners.md."""
    lines = [
        "# Partners and their status crosswalk",
        "",
        "Generated from the status tables in `connectors/<partner>/statuses.py` by",
        "`lintas partners crosswalk --write`; do not edit by hand. Anything a partner sends",
        "that no table lists maps to `unknown` and is counted. How to add a partner:",
        "[adding-a-partner.md](adding-a-partner.md).",
        "",
        "| partner | id | how data arrives |",
        "|---|---|---|",
    ]
    arrival = {"pull": "pulled from its API", "push": "pushed as webhooks",
               "file": "files (push, drop or `lintas publish`)"}
    for partner in PARTNERS.values():
        lines.append(f"| {partner.name} | `{partner.id}` | {arrival[partner.mode]} |")
    for partner in PARTNERS.values():
        lines += ["", f"## {partner.name} (`{partner.id}`)", "",
                  "| canonical status | AfterShip tag | when the partner sends |", "|---|---|---|"]
        by_status: dict[Status, list[str]] = {}
        for kind, raw, status in partner.statuses.rows():
            by_status.setdefault(status, []).append(f"{_HOW[kind]} `{raw}`")
        for status in Status:
            if status in by_status:
                lines.append(f"| `{status.value}` | {AFTERSHIP_TAG[status]} | "
                             f"{'<br>'.join(sorted(by_status[status]))} |")
        if any(kind == "text" for kind, _raw, _status in partner.statuses.rows()):
            lines += ["", "A status text match decides over the raw status."]
    return "\n".join(lines) + "\n"
