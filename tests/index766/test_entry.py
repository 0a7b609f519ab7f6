"""The optional counts of the 766 index in the entry form: collapsed, saved with the
figures, checked against their wholes, and never required."""

from __future__ import annotations

from html import unescape

import pytest

from indicators.figures import services
from indicators.models import Period, UnitFigures
from tests.base import BaseTestCase
from tests.figures.test_figures_edit import VALID


class ExtraCountsEntryTests(BaseTestCase):
    def url(self) -> str:
        return f"/so-lieu/{self.hoai_duc.pk}/2023-Q3-CAL/"

    def test_it_shows_the_collapsed_optional_fieldset(self) -> None:
        self.login(self.commune)
        html = unescape(self.client.get(self.url()).content.decode())
        assert "Số liệu cho Chỉ số 766 (không bắt buộc)" in html
        assert '<details class="extra-counts" id="index766-counts">' in html
        assert 'name="paid_online_dossiers"' in html

    def test_it_saves_without_them_and_with_them(self) -> None:
        self.login(self.commune)
        assert self.client.post(self.url(), VALID).status_code == 302
        figures = UnitFigures.objects.get(unit=self.hoai_duc, period__code="2023-Q3-CAL")
        assert figures.fee_dossiers is None
        extra = {"fee_dossiers": "120", "paid_online_dossiers": "1.00", "version": "1"}
        response = self.client.post(self.url(), {**VALID, **extra})
        assert response.status_code == 400  # "1.00" is not a whole count
        extra["paid_online_dossiers"] = "100"
        response = self.client.post(self.url(), {**VALID, **extra})
        assert response.status_code == 302
        figures = UnitFigures.objects.get(pk=figures.pk)
        assert (figures.fee_dossiers, figures.paid_online_dossiers) == (120, 100)
        assert figures.changes.filter(field="paid_online_dossiers").exists()
        html = unescape(self.client.get(self.url()).content.decode())
        assert '<details class="extra-counts" id="index766-counts" open>' in html

    def test_it_refuses_more_paid_online_than_fee_bearing_and_says_where(self) -> None:
        self.login(self.commune)
        extra = {"fee_dossiers": "10", "paid_online_dossiers": "11"}
        response = self.client.post(self.url(), {**VALID, **extra})
        assert response.status_code == 400
        html = unescape(response.content.decode())
        assert "Hồ sơ nộp phí, lệ phí trực tuyến (11) không được lớn hơn" in html
        assert not UnitFigures.objects.filter(period__code="2023-Q3-CAL").exists()


class ExtraCountsServiceTests(BaseTestCase):
    def test_the_write_itself_refuses_a_broken_extra_identity(self) -> None:
        period = Period.objects.get(code="2023-H1-CAL")
        with pytest.raises(services.FiguresInvalid):
            services.figures_write(
                unit=self.duc_pho,
                period=period,
                values={"fee_dossiers": 1, "paid_online_dossiers": 2},
                user=self.district,
                expected_version=None,
            )
        assert not UnitFigures.objects.filter(unit=self.duc_pho, period=period).exists()
