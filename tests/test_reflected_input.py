"""Whatever is typed into a query comes back escaped or as plain text, never as markup
(the second trust round found a 400 of the reminders CSV answering text/html with the
parent's value unescaped)."""

from __future__ import annotations

from django.urls import reverse

from tests.base import BaseTestCase

HOSTILE = '<a href="https://evil.example/">bấm</a><img src=x onerror=alert(1)>'
ROUTES = (
    "indicators:reminders_csv",
    "indicators:export_xlsx",
    "indicators:export_csv",
    "indicators:dispatch_docx",
    "indicators:dispatch_xlsx",
    "indicators:import_template",
    "indicators:summary",
    "indicators:ranking",
    "indicators:figures_list",
    "indicators:dispatch",
    "indicators:index766",
    "indicators:index766_csv",
)


class ReflectedInputTestCase(BaseTestCase):
    def test_it_never_answers_markup_built_from_the_query(self) -> None:
        self.login(self.district)
        for name in ROUTES:
            for query in (
                {"parent": HOSTILE, "period": "2023-H1-CAL"},
                {"parent": "543", "period": HOSTILE},
                {"parent": "543", "period": "2023-H1-CAL", "indicator": HOSTILE},
            ):
                with self.subTest(route=name, query=query):
                    response = self.client.get(reverse(name), query, follow=True)
                    self.assertLess(response.status_code, 500)
                    kind = response["Content-Type"]
                    if kind.startswith("text/plain"):
                        # Shown as text as typed; the browser may not sniff it into HTML.
                        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                        continue
                    body = response.content.decode("utf-8", errors="replace")
                    self.assertNotIn("<img src=x", body)
                    self.assertNotIn('<a href="https://evil.example/"', body)
