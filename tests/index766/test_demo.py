"""The demo gives today's Gia Lai communes the extra counts and catalogue figures of the
766 pre-run, so its page shows computed scores."""

from __future__ import annotations

import datetime as dt

from indicators.demo import demo_load
from indicators.domain import formulas
from indicators.domain.checks import extra_identity_violations
from indicators.domain.index766 import ScoreState
from indicators.index766.selectors import index766_scores
from indicators.models import Period, UnitCatalogue, UnitFigures
from tests.base import BaseTestCase
from units.models import AdministrativeUnit, UnitLevel
from units.selectors import unit_by_code

TODAY = dt.date(2026, 12, 1)


class DemoIndex766Tests(BaseTestCase):
    gia_lai: AdministrativeUnit

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        demo_load(sample=True, users=False)
        cls.gia_lai = unit_by_code("52", on=TODAY, level=UnitLevel.PROVINCE)

    def test_the_extra_counts_keep_their_identities(self) -> None:
        sample = UnitFigures.objects.filter(
            is_sample=True, unit__path__startswith=self.gia_lai.path
        ).exclude(fee_dossiers=None)
        assert sample.count() > 1000
        for figures in sample.iterator():
            counts = {**figures.counts(), **figures.extra_counts()}
            assert formulas.check_identities(counts) == [], figures
            assert extra_identity_violations(counts) == [], figures
        assert (
            not UnitFigures.objects.filter(unit__code="21685").exclude(fee_dossiers=None).exists()
        )

    def test_the_gia_lai_page_shows_computed_scores(self) -> None:
        period = Period.objects.get(code="2026-M10-ND09")
        scores = index766_scores(parent=self.gia_lai, period=period)
        scored = [r for r in scores.rows if r.card is not None]
        assert len(scored) > 100
        assert UnitCatalogue.objects.filter(unit__parent=self.gia_lai).count() == len(scores.rows)
        for row in scored:
            assert row.card is not None and row.score_100 is not None
            states = {s.rule.code: s.state for s in row.card.scores}
            assert states["synced"] is ScoreState.COMPUTED
            assert states["online_used"] is ScoreState.COMPUTED
            assert states["procedures_online"] is ScoreState.NOT_APPLICABLE
        assert scored[0].rank == 1

    def test_the_page_of_the_province_and_its_year_to_date(self) -> None:
        self.login(self.admin)
        response = self.client.get("/chi-so-766/?parent=52&period=2026-M10-ND09")
        assert response.status_code == 200
        html = response.content.decode()
        assert "2025-reconstructed" in html
        assert "?parent=52&amp;period=2025-12-15..2026-10-14" in html
        response = self.client.get("/chi-so-766/?parent=52&period=2025-12-15..2026-10-14")
        assert response.status_code == 200
        assert 'id="index766-table"' in response.content.decode()
