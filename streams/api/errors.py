"""Errors as HTTP answers, mapped in this one place.

Every error body is ``{"error": "<why>"}``, plus ``parameter`` (400: which one to fix)
or ``candidates`` (409: what the name could mean).

| raised | status |
|---|---|
| ``InvalidParameterError`` | 400 |
| ``NotFoundError``, an unknown path | 404 |
| another method than GET | 405 |
| ``AmbiguousError`` | 409 |
| the database cannot be read (``SQLAlchemyError``) | 503 |
| anything else (a bug: logged with its traceback) | 500 |
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from lintas.streams.api.encoding import ApiResponse
from lintas.streams.view.queries import AmbiguousError, InvalidParameterError, NotFoundError

__all__ = ["EXCEPTION_HANDLERS", "error_response"]

log = logging.getLogger(__name__)


def error_response(status: int, message: str, *, headers: Mapping[str, str] | None = None,
                   **extra: Any) -> Response:
    """The JSON error body every failure of the API answers with."""
    return ApiResponse({"error": message, **extra}, status_code=status, headers=headers)


async def _invalid(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InvalidParameterError)
    return error_response(400, str(exc), parameter=exc.parameter)


async def _not_found(_request: Request, exc: Exception) -> Response:
    return error_response(404, str(exc))


async def _ambiguous(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AmbiguousError)
    return error_response(409, str(exc), candidates=exc.candidates)


async def _database(_request: Request, exc: Exception) -> Response:
    log.warning("view database error: %s", exc)
    return error_response(503, f"the view database cannot be read ({exc.__class__.__name__})")


async def _internal(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error; the server log has the details")


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(404, f"no such path: {request.url.path}")
    if exc.status_code == 405:
        return error_response(405, f"{request.method} is not allowed here; the API is read-only",
                              headers=exc.headers)
    return error_response(exc.status_code, str(exc.detail), headers=exc.headers)


EXCEPTION_HANDLERS: Mapping[Any, Any] = {
    InvalidParameterError: _invalid,
    NotFoundError: _not_found,
    AmbiguousError: _ambiguous,
    SQLAlchemyError: _database,
    HTTPException: _http,
    Exception: _internal,
}
