"""URLs that may carry credentials, made fit to print, log or raise.

A database URL (``postgresql+psycopg://lintas:pw@db/lintas``) or a partner's base URL
(``https://user:pw@api.partner.example``) is a secret as long as it holds a password:
:func:`redact_url` renders it with the password (and any ``password=`` or ``token=``
query parameter) as ``***``; :func:`scrub` takes a URL's secrets out of any text, such as
a driver's error message; :class:`RedactingFilter` redacts every URL in log records (an
HTTP client logs the URLs it calls).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

__all__ = ["HIDDEN", "RedactingFilter", "redact_text", "redact_url", "scrub", "url_secrets"]

HIDDEN = "***"

# scheme://user:password@ — the password runs to the last "@" before the path.
_USERINFO = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*:)(?P<secret>[^/?#]*)@")
_QUERY_SECRET = re.compile(
    r"(?P<head>[?&](?:password|passwd|pwd|pass|secret|token|api_key|apikey|access_token)=)"
    r"(?P<secret>[^&#]*)",
    re.IGNORECASE,
)


# The same two, anywhere in a text.
_ANY_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*:)[^/?#@\s]+@")
_ANY_QUERY_SECRET = re.compile(_QUERY_SECRET.pattern.replace("[^&#]*", "[^&#\\s\"']*"),
                               re.IGNORECASE)


def url_secrets(url: str) -> list[str]:
    """The secrets ``url`` holds: its password and secret query parameters, as written
    and decoded (empty ones left out)."""
    found = []
    userinfo = _USERINFO.match(url)
    if userinfo:
        found.append(userinfo.group("secret"))
    found += [m.group("secret") for m in _QUERY_SECRET.finditer(url)]
    return [s for secret in found if secret for s in dict.fromkeys((secret, unquote(secret)))]


def redact_url(url: str | None) -> str:
    """``url`` with its password and secret query parameters replaced by ``***``
    (``postgresql+psycopg://lintas:***@db/lintas``); a URL without any, unchanged."""
    if not url:
        return url or ""
    url = _USERINFO.sub(lambda m: f"{m.group('head')}{HIDDEN}@"
                        if m.group("secret") else m.group(0), url)
    return _QUERY_SECRET.sub(lambda m: m.group("head") + HIDDEN if m.group("secret")
                             else m.group(0), url)


def scrub(text: str, *urls: str | None) -> str:
    """``text`` with every URL of ``urls`` redacted and every secret they hold replaced by
    ``***`` wherever else it appears."""
    for url in urls:
        if not url:
            continue
        text = text.replace(url, redact_url(url))
        for secret in sorted(url_secrets(url), key=len, reverse=True):
            text = text.replace(secret, HIDDEN)
    return text


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted as :func:`redact_url` does."""
    text = _ANY_USERINFO.sub(lambda m: f"{m.group('head')}{HIDDEN}@", text)
    return _ANY_QUERY_SECRET.sub(lambda m: m.group("head") + HIDDEN if m.group("secret")
                                 else m.group(0), text)


class RedactingFilter(logging.Filter):
    """A logging filter (for handlers) that redacts the URLs in every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
