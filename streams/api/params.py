"""Reading query parameters: each malformed one is an ``InvalidParameterError`` naming it."""

from __future__ import annotations

import math
from collections.abc import Collection

from starlette.requests import Request

from lintas.streams.view.queries import InvalidParameterError

__all__ = ["boolean", "check_known", "coordinate", "integer", "number", "text", "words"]

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def check_known(request: Request, known: Collection[str]) -> None:
    """Refuse parameters the endpoint does not take (a typo would otherwise be ignored)."""
    for name in request.query_params:
        if name not in known:
            takes = ", ".join(sorted(known)) or "none"
            raise InvalidParameterError(name, f"unknown parameter {name!r}; this endpoint "
                                              f"takes: {takes}")


def text(request: Request, name: str) -> str | None:
    """The parameter's text, or None when absent or empty."""
    value = request.query_params.get(name)
    return (value.strip() or None) if value is not None else None


def words(request: Request, name: str) -> list[str]:
    """A list given as ``a,b`` or as the parameter repeated."""
    return [w.strip() for value in request.query_params.getlist(name)
            for w in value.split(",") if w.strip()]


def integer(request: Request, name: str, default: int) -> int:
    value = text(request, name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise InvalidParameterError(name, f"{name} must be a whole number, not {value!r}") from None


def number(request: Request, name: str, default: float | None) -> float | None:
    value = text(request, name)
    if value is None:
        return default
    try:
        parsed = float(value)
    except ValueError:
        raise InvalidParameterError(name, f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(parsed):
        raise InvalidParameterError(name, f"{name} must be a finite number")
    return parsed


def boolean(request: Request, name: str, default: bool) -> bool:
    value = text(request, name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise InvalidParameterError(name, f"{name} must be true or false, not {value!r}")


def coordinate(value: str, name: str = "near") -> tuple[float, float]:
    """``lat,lon`` in decimal degrees."""
    parts = value.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        latitude, longitude = float(parts[0]), float(parts[1])
    except ValueError:
        raise InvalidParameterError(
            name, f"{name} must be latitude,longitude in decimal degrees (like -6.9175,107.6191), "
                  f"not {value!r}") from None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise InvalidParameterError(name, f"{name} must hold finite numbers")
    return latitude, longitude
