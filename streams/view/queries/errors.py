"""Errors of the read side, typed by what the caller must do.

    QueryError (a LintasError)
    ├── InvalidParameterError   fix the named parameter and ask again (HTTP 400)
    ├── NotFoundError           nothing in the view or the region data matches (HTTP 404)
    └── AmbiguousError          several things match; pick one of ``candidates`` (HTTP 409)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lintas.core.errors import LintasError

__all__ = ["AmbiguousError", "InvalidParameterError", "NotFoundError", "QueryError"]


class QueryError(LintasError):
    """A read the view cannot answer as asked."""


class InvalidParameterError(QueryError, ValueError):
    """A parameter is malformed or out of range; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class NotFoundError(QueryError):
    """Nothing matches: no shipment with that tracking number, no region with that name."""


class AmbiguousError(QueryError):
    """Several things match; ``candidates`` lists them so the caller can choose."""

    def __init__(self, message: str, candidates: Sequence[dict[str, Any]]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)
