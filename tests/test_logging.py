"""Refused requests are logged on one line; server errors keep their traceback."""

from __future__ import annotations

import io
import logging
import sys

from django.urls import reverse

from kpi_portal.logging import ClientErrorsOnOneLine
from tests.base import BaseTestCase


class ClientErrorLoggingTests(BaseTestCase):
    def capture(self) -> io.StringIO:
        """What the portal's console handler would write for django.request."""
        (console,) = [
            handler
            for handler in logging.getLogger().handlers
            if any(isinstance(f, ClientErrorsOnOneLine) for f in handler.filters)
        ]
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        for log_filter in console.filters:
            handler.addFilter(log_filter)
        logger = logging.getLogger("django.request")
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        return stream

    def test_it_logs_a_403_as_one_line(self) -> None:
        stream = self.capture()
        self.login(self.commune)
        response = self.client.get(reverse("indicators:unit_page", args=[self.duc_pho.pk]))
        self.assertEqual(response.status_code, 403)
        logged = stream.getvalue()
        self.assertIn("Forbidden", logged)
        self.assertNotIn("Traceback", logged)
        self.assertEqual(len(logged.strip().splitlines()), 1)

    def test_it_keeps_the_traceback_of_a_server_error(self) -> None:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            exc_info = sys.exc_info()
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", None, exc_info
        )
        record.status_code = 500
        self.assertTrue(ClientErrorsOnOneLine().filter(record))
        self.assertIsNotNone(record.exc_info)
