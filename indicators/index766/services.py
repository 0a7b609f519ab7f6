"""Writes of the 766 pre-run: the score the portal published, entered by an office; a
corrected version of the rules, which starts as a copy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from indicators.models import Index766RuleSet, Period, PublishedIndex766Score
from units.models import AdministrativeUnit, User


@transaction.atomic
def copy_rule_set(
    *, rule_set: Index766RuleSet, version: str, valid_from: dt.date
) -> Index766RuleSet:
    """A new version with every group and indicator of `rule_set`, valid from `valid_from`,
    for an admin to correct (the old version stays for the periods before it)."""
    copy = Index766RuleSet.objects.create(
        version=version,
        valid_from=valid_from,
        source_note=rule_set.source_note,
        not_applicable_full=rule_set.not_applicable_full,
    )
    for group in rule_set.groups.prefetch_related("indicators"):
        indicators = list(group.indicators.all())
        group.pk = None
        group.rule_set = copy
        group.save()
        for indicator in indicators:
            indicator.pk = None
            indicator.group = group
            indicator.save()
    return copy


@transaction.atomic
def published_score_save(
    *, unit: AdministrativeUnit, period: Period, total: Decimal, source: str, user: User
) -> PublishedIndex766Score:
    """Record (or correct) the total the national portal published for the unit and period."""
    score, _created = PublishedIndex766Score.objects.update_or_create(
        unit=unit,
        period=period,
        defaults={"total": total, "source": source, "entered_by": user},
    )
    return score
