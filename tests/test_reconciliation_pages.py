"""A unit that entered the whole period and its sub-periods, which disagree: the whole
figure stands and the pages say by how much the two differ."""

from __future__ import annotations

from indicators.domain import periods
from indicators.models import FiguresStatus, Period, UnitFigures
from indicators.selectors import period_reconciliation
from tests.base import BaseTestCase

QUARTER = periods.quarter(2024, 1, periods.Convention.DECREE09)
MONTHS = [periods.month(2024, m, periods.Convention.DECREE09) for m in (1, 2, 3)]


class ReconciliationPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        entered = [(QUARTER, 330, 300), *((m, 100, 90) for m in MONTHS)]
        for spec, received, online in entered:
            UnitFigures.objects.create(
                unit=cls.hoai_duc,
                period=Period.objects.for_spec(spec),
                status=FiguresStatus.APPROVED,
                received=received,
                received_online=online,
            )

    def test_it_reads_the_note_of_each_unit_whose_figures_disagree(self) -> None:
        quarter = Period.objects.get(code=QUARTER.code)
        with self.assertNumQueries(1):
            notes = period_reconciliation(period=quarter, units=[self.hoai_duc, self.hoai_nhon])
        self.assertEqual(
            notes,
            {
                self.hoai_duc.pk: "Số liệu cả quý khác tổng 3 tháng: tiếp nhận 330 so với 300; "
                "tiếp nhận trực tuyến 300 so với 270"
            },
        )

    def test_it_shows_the_note_on_the_ranking_the_summary_and_the_unit_page(self) -> None:
        self.login(self.district)
        query = {"parent": "543", "period": QUARTER.code}
        note = "Số liệu cả quý khác tổng 3 tháng: tiếp nhận 330 so với 300"
        ranking = self.client.get("/xep-hang/", {**query, "indicator": "online"})
        self.assertIn(note, ranking.content.decode())
        self.assertIn('data-coverage="reconciliation"', ranking.content.decode())
        summary = self.client.get("/tong-hop/", query).content.decode()
        self.assertIn(note, summary)
        # The quarter's own figure stands: 300 / 330, not 270 / 300.
        self.assertIn("90,91 %", summary)
        unit_page = self.client.get(f"/don-vi/{self.hoai_duc.pk}/", {"period": QUARTER.code})
        self.assertIn(note, unit_page.content.decode())
