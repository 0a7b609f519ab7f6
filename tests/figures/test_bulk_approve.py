"""Approving a whole list of submitted units at once: all or nothing, each recorded."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from indicators.figures.services import BulkApproveRefused, figures_approve_bulk
from indicators.models import FiguresChange, FiguresStatus, Period, UnitFigures
from tests.base import BaseTestCase
from units.models import AuditEvent

H1 = "2023-H1-CAL"


class BulkApproveCase(BaseTestCase):
    h1: Period

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.h1 = Period.objects.get(code=H1)
        children = (
            UnitFigures.objects.filter(period=cls.h1, unit__parent=cls.hoai_nhon)
            .order_by("unit__name")
            .values_list("pk", flat=True)
        )
        UnitFigures.objects.filter(pk__in=list(children[:3])).update(status=FiguresStatus.SUBMITTED)

    def submitted(self) -> list[UnitFigures]:
        return list(
            UnitFigures.objects.filter(period=self.h1, status=FiguresStatus.SUBMITTED)
            .select_related("unit")
            .order_by("unit__name")
        )

    def versions(self, figures: list[UnitFigures]) -> dict[int, int]:
        return {f.pk: f.version for f in figures}


class BulkApproveServiceTestCase(BulkApproveCase):
    def test_it_approves_each_unit_with_its_history_and_audit(self) -> None:
        chosen = self.submitted()
        self.assertEqual(len(chosen), 3)
        approved = figures_approve_bulk(
            figures_ids=[f.pk for f in chosen],
            user=self.district,
            expected_versions=self.versions(chosen),
        )
        self.assertEqual(len(approved), 3)
        for before in chosen:
            after = UnitFigures.objects.get(pk=before.pk)
            self.assertEqual(after.status, FiguresStatus.APPROVED)
            self.assertEqual(after.approved_by, self.district)
            self.assertEqual(after.version, before.version + 1)
            change = after.changes.get(action=FiguresChange.Action.APPROVE)
            self.assertEqual(change.changed_by, self.district)
        events = AuditEvent.objects.filter(action="approve", user=self.district)
        self.assertEqual(events.count(), 3)

    def test_it_refuses_units_the_user_may_not_review_and_approves_none(self) -> None:
        chosen = self.submitted()
        desk = UnitFigures.objects.get(period=self.h1, unit=self.hoai_nhon)
        UnitFigures.objects.filter(pk=desk.pk).update(status=FiguresStatus.SUBMITTED)
        desk.refresh_from_db()
        with self.assertRaises(BulkApproveRefused) as refused:
            figures_approve_bulk(
                figures_ids=[*(f.pk for f in chosen), desk.pk],
                user=self.district,  # the desk is the district's own unit
                expected_versions=self.versions([*chosen, desk]),
            )
        self.assertIn("Thị xã Hoài Nhơn", str(refused.exception))
        self.assertEqual([u.pk for u in refused.exception.units], [self.hoai_nhon.pk])
        self.assertEqual(len(self.submitted()), 4)  # nothing approved
        with self.assertRaises(BulkApproveRefused):
            figures_approve_bulk(
                figures_ids=[f.pk for f in chosen],
                user=self.outsider,  # another district
                expected_versions=self.versions(chosen),
            )
        self.assertFalse(FiguresChange.objects.filter(action="approve").exists())

    def test_it_reports_a_version_conflict_and_approves_none(self) -> None:
        chosen = self.submitted()
        versions = self.versions(chosen)
        stale = chosen[1]
        # Someone changed this unit's figures after the page was shown.
        UnitFigures.objects.filter(pk=stale.pk).update(version=stale.version + 1)
        with self.assertRaises(BulkApproveRefused) as refused:
            figures_approve_bulk(
                figures_ids=list(versions), user=self.district, expected_versions=versions
            )
        message = str(refused.exception)
        self.assertIn(stale.unit.full_name, message)
        self.assertIn("chưa duyệt đơn vị nào", message)
        self.assertNotIn(chosen[0].unit.full_name, message)
        self.assertEqual(len(self.submitted()), 3)
        self.assertFalse(FiguresChange.objects.filter(action="approve").exists())

    def test_it_refuses_figures_that_are_not_submitted(self) -> None:
        draft = UnitFigures.objects.filter(period=self.h1, status=FiguresStatus.APPROVED).exclude(
            unit=self.hoai_nhon
        )[0]
        chosen = [*self.submitted(), draft]
        with self.assertRaises(BulkApproveRefused) as refused:
            figures_approve_bulk(
                figures_ids=[f.pk for f in chosen],
                user=self.district,
                expected_versions=self.versions(chosen),
            )
        self.assertIn(draft.unit.full_name, str(refused.exception))
        self.assertEqual(len(self.submitted()), 3)


class BulkApprovePageTestCase(BulkApproveCase):
    def test_it_offers_the_submitted_units_on_the_list(self) -> None:
        self.login(self.district)
        html = self.client.get(
            reverse("indicators:figures_list"), {"parent": "543", "period": H1}
        ).content.decode()
        self.assertIn('id="bulk-approve"', html)
        self.assertIn("Chọn tất cả", html)
        for figures in self.submitted():
            self.assertIn(f'value="{figures.pk}:{figures.version}" form="bulk-approve"', html)
        self.assertEqual(html.count('form="bulk-approve"'), 3)

    def test_it_writes_ids_and_versions_without_thousands_separators(self) -> None:
        # Numbers on the pages are written 1.087; an id in a form's value must not be (on
        # PostgreSQL ids pass 999 early, and "1.234:1" was refused as malformed).
        figures = self.submitted()[0]
        UnitFigures.objects.filter(pk=figures.pk).update(version=1234)
        self.login(self.district)
        html = self.client.get(
            reverse("indicators:figures_list"), {"parent": "543", "period": H1}
        ).content.decode()
        self.assertIn(f'value="{figures.pk}:1234" form="bulk-approve"', html)
        response = self.client.post(
            reverse("indicators:figures_approve_bulk"),
            {"figures": [f"{figures.pk}:1234"], "period": H1, "parent": "543"},
        )
        self.assertEqual(response.status_code, 302)
        figures.refresh_from_db()
        self.assertEqual(figures.status, FiguresStatus.APPROVED)

    def test_it_counts_the_units_still_in_draft_on_the_list(self) -> None:
        UnitFigures.objects.filter(period=self.h1, unit=self.hoai_duc).update(
            status=FiguresStatus.DRAFT
        )
        self.login(self.district)
        html = self.client.get(
            reverse("indicators:figures_list"), {"parent": "543", "period": H1}
        ).content.decode()
        self.assertIn('data-reporting="behind">1 đơn vị còn nháp.</p>', html)

    def test_it_offers_nothing_to_a_commune(self) -> None:
        self.login(self.commune)
        html = self.client.get(
            reverse("indicators:figures_list"), {"parent": self.hoai_duc.code, "period": H1}
        ).content.decode()
        self.assertNotIn('id="bulk-approve"', html)

    def test_it_approves_the_ticked_units_and_returns_to_the_list(self) -> None:
        self.login(self.district)
        chosen = self.submitted()
        response = self.client.post(
            reverse("indicators:figures_approve_bulk"),
            {
                "figures": [f"{f.pk}:{f.version}" for f in chosen[:2]],
                "period": H1,
                "parent": "543",
            },
        )
        self.assertRedirects(
            response,
            f"{reverse('indicators:figures_list')}?period={H1}&parent=543",
            fetch_redirect_response=False,
        )
        self.assertEqual([f.pk for f in self.submitted()], [chosen[2].pk])
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertTrue(any("Đã duyệt số liệu của 2 đơn vị" in t for t in texts), texts)

    def test_it_says_what_conflicted_and_approves_nothing(self) -> None:
        self.login(self.district)
        chosen = self.submitted()
        response = self.client.post(
            reverse("indicators:figures_approve_bulk"),
            {"figures": [f"{f.pk}:{f.version + 5}" for f in chosen], "period": H1},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(self.submitted()), 3)
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertTrue(any("vừa được thay đổi" in t for t in texts), texts)

    def test_it_rejects_a_malformed_choice(self) -> None:
        self.login(self.district)
        response = self.client.post(
            reverse("indicators:figures_approve_bulk"), {"figures": ["abc"], "period": H1}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(self.submitted()), 3)

    def test_it_requires_a_post(self) -> None:
        self.login(self.district)
        self.assertEqual(
            self.client.get(reverse("indicators:figures_approve_bulk")).status_code, 405
        )
