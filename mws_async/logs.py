"""Logging hygiene: a filter that redacts MWS secrets from any log record that passes through it.

mws-async never logs parameters itself, but httpx logs request URLs at INFO level, and SubmitFeed puts
every parameter (Signature, MWSAuthToken) in the URL. The filter is attached to the ``httpx``,
``httpcore`` and ``mws_async`` loggers at import time.
"""

from __future__ import annotations

import logging
import re
from typing import Final

__all__ = ["RedactingFilter", "install_redaction", "redact"]

_SECRET_PARAMS: Final = re.compile(
    r"(?P<name>Signature|MWSAuthToken|AWSAccessKeyId|SecretKey|secret_key|auth_token)"
    r"(?P<sep>=|%3D|\"?\s*:\s*\"?)(?P<value>[^&\s\"',)]+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Replace the values of secret-bearing parameters in ``text`` with ``***``."""
    return _SECRET_PARAMS.sub(lambda m: f"{m['name']}{m['sep']}***", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets redacted (formats the args first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix; leave the record alone
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_installed: list[bool] = []


def install_redaction() -> None:
    """Attach :class:`RedactingFilter` to the loggers that could see request URLs (idempotent)."""
    if _installed:
        return
    _installed.append(True)
    for name in ("httpx", "httpcore", "mws_async", "mws_async.requests"):
        logging.getLogger(name).addFilter(RedactingFilter())
