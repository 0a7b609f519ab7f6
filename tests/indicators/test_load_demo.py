from __future__ import annotations

import io

from django.core.management import call_command

from indicators.demo import DEMO_ACCOUNTS, demo_load
from indicators.domain.formulas import check_identities
from indicators.models import PublishedResult, Target, UnitFigures
from tests.base import BaseTestCase
from units.models import User


class LoadDemoTestCase(BaseTestCase):
    def test_it_loads_labelled_sample_data_once(self) -> None:
        first = demo_load(sample=True, users=True)
        self.assertGreater(first.figures_sample, 1000)
        counts = (
            UnitFigures.objects.count(),
            Target.objects.count(),
            PublishedResult.objects.count(),
            User.objects.count(),
        )

        second = demo_load(sample=True, users=True)
        self.assertEqual(second.figures_sample, 0)
        self.assertEqual(
            counts,
            (
                UnitFigures.objects.count(),
                Target.objects.count(),
                PublishedResult.objects.count(),
                User.objects.count(),
            ),
        )

    def test_it_never_marks_real_figures_as_sample_nor_overwrites_them(self) -> None:
        demo_load(sample=True, users=False)
        real = UnitFigures.objects.filter(period__code="2023-H1-CAL", unit__parent__code="543")
        self.assertEqual(real.count(), 17)
        self.assertFalse(real.filter(is_sample=True).exists())
        bong_son = real.get(unit__code="21640")
        self.assertEqual(
            (bong_son.total, bong_son.received, bong_son.received_online), (1087, 1071, 661)
        )

    def test_it_generates_sample_figures_that_obey_every_identity(self) -> None:
        demo_load(sample=True, users=False)
        sample = UnitFigures.objects.filter(is_sample=True)
        self.assertGreater(sample.count(), 1000)
        for figures in sample.iterator():
            self.assertEqual(check_identities(figures.counts()), [], figures)

    def test_it_creates_one_account_per_role_and_prints_them(self) -> None:
        out = io.StringIO()
        call_command("load_demo", "--no-sample", stdout=out)
        for account in DEMO_ACCOUNTS:
            user = User.objects.get(username=account.username)
            self.assertEqual(user.role, account.role)
            self.assertIn(account.username, out.getvalue())
        unit = User.objects.get(username="xa.hoaiduc").unit
        assert unit is not None
        self.assertEqual(unit.code, "21685")
