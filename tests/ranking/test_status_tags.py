"""The status filters translate at the edge: Vietnamese by default, English on request."""

from __future__ import annotations

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from indicators.domain.status import Status

BADGE = Template(
    "{% load kpi %}{% for s in statuses %}[{{ s|status_symbol }} {{ s|status_label }}]{% endfor %}"
)


class StatusTagsTestCase(SimpleTestCase):
    def render(self, template: Template, language: str) -> str:
        with translation.override(language):
            return template.render(Context({"statuses": list(Status)}))

    def test_it_shows_the_symbol_and_the_vietnamese_label(self) -> None:
        self.assertEqual(
            self.render(BADGE, "vi"),
            "[✔ Đạt][✘ Chưa đạt][○ Chưa giao chỉ tiêu][– Không có số liệu]",
        )

    def test_it_translates_the_label_into_english(self) -> None:
        self.assertEqual(self.render(BADGE, "en"), "[✔ Met][✘ Missed][○ No target][– No data]")

    def test_it_accepts_the_plain_string_as_well(self) -> None:
        template = Template('{% load kpi %}{{ "no_target"|status_label }}')
        self.assertEqual(self.render(template, "vi"), "Chưa giao chỉ tiêu")

    def test_it_writes_the_legend_in_the_active_language(self) -> None:
        legend = Template("{% load kpi %}{% status_legend %}")
        self.assertEqual(
            self.render(legend, "vi"),
            "✔ Đạt · ✘ Chưa đạt · ○ Chưa giao chỉ tiêu · – Không có số liệu",
        )
        self.assertEqual(self.render(legend, "en"), "✔ Met · ✘ Missed · ○ No target · – No data")
