"""Writes of the 766 pre-run: a corrected version of the rules starts as a copy."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from indicators.models import Index766RuleSet


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
