"""JSON for the read API: datetimes as ISO 8601 in UTC (``2025-03-10T01:00:00Z``)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from starlette.responses import JSONResponse

__all__ = ["ApiResponse", "jsonable"]


def jsonable(value: Any) -> Any:
    """``value`` with every datetime turned into ISO 8601 UTC text, recursively."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in an API response")
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


class ApiResponse(JSONResponse):
    """A JSON response whose body may hold aware datetimes."""

    def render(self, content: Any) -> bytes:
        return json.dumps(jsonable(content), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")
