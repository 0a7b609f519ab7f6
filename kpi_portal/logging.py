"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (403, 404…) is the user's mistake or someone probing, not a fault:
    Django logs it with the exception's traceback, which buries the real errors. Keep the
    one line ("Forbidden (Permission denied): /path"), drop the traceback; 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
