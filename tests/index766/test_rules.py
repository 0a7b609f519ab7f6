"""The scoring table as data: the seeded version, the version in force for a period, a
corrected version added without a deploy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from indicators.domain.index766 import RuleKind
from indicators.index766.services import copy_rule_set
from indicators.models import Index766Indicator, Index766RuleSet
from tests.base import BaseTestCase

# INDEX766.md: the portal's six groups of 2024–2025.
GROUP_POINTS = {
    "public": 18,
    "progress": 20,
    "online": 12,
    "payment": 10,
    "digitization": 22,
    "satisfaction": 18,
}


class SeededTableTests(BaseTestCase):
    def test_it_seeds_the_reconstructed_version_with_its_groups_and_points(self) -> None:
        rule_set = Index766RuleSet.objects.in_force(dt.date(2025, 12, 31))
        assert rule_set is not None
        assert rule_set.version == "2025-reconstructed"
        table = rule_set.table()
        assert {g.code: g.max_points for g in table.groups} == {
            k: Decimal(v) for k, v in GROUP_POINTS.items()
        }
        for group in table.groups:
            rules = [r for r in table.rules if r.group_code == group.code]
            assert sum(r.max_points for r in rules) == group.max_points, group.code
        assert sum(r.max_points for r in table.rules) == Decimal(100)

    def test_its_rows_follow_the_table(self) -> None:
        table = Index766RuleSet.objects.get(version="2025-reconstructed").table()
        rules = {r.code: r for r in table.rules}
        assert rules["online_dossiers"].kind is RuleKind.THRESHOLD
        assert rules["online_dossiers"].threshold == Decimal(50)
        assert rules["procedure_satisfaction"].threshold == Decimal(90)
        assert rules["feedback_on_time"].kind is RuleKind.FULL_IF_EMPTY
        assert rules["on_time"].max_points == Decimal(20)
        assert "commune" in rules["procedures_online"].not_applicable_levels
        assert "commune" not in rules["online_dossiers"].not_applicable_levels

    def test_the_version_in_force_is_the_latest_valid_at_the_period_end(self) -> None:
        old = Index766RuleSet.objects.get(version="2025-reconstructed")
        new = copy_rule_set(rule_set=old, version="2026-corrected", valid_from=dt.date(2026, 7, 1))
        assert Index766RuleSet.objects.in_force(dt.date(2026, 6, 30)) == old
        assert Index766RuleSet.objects.in_force(dt.date(2026, 7, 31)) == new
        assert Index766RuleSet.objects.in_force(dt.date(2022, 7, 31)) is None
        assert len(new.table().rules) == len(old.table().rules)

    def test_a_row_with_an_unknown_count_is_refused_in_the_admin(self) -> None:
        indicator = Index766Indicator.objects.filter(code="online_dossiers").first()
        assert indicator is not None
        indicator.numerator = "received_onlin"
        with self.assertRaises(ValidationError):
            indicator.full_clean()


class AdminTests(BaseTestCase):
    def test_an_admin_copies_a_version_to_correct_it(self) -> None:
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()
        self.login(self.admin)
        old = Index766RuleSet.objects.get(version="2025-reconstructed")
        response = self.client.post(
            "/quan-tri/indicators/index766ruleset/",
            {"action": "copy_as_new_version", "_selected_action": [old.pk]},
        )
        assert response.status_code == 302
        assert Index766RuleSet.objects.count() == 2
        assert self.client.get("/quan-tri/indicators/index766group/").status_code == 200
