"""The indicator catalogue in the database, kept equal to the domain's definitions."""

from __future__ import annotations

from indicators.domain import formulas
from indicators.models import (
    Indicator,
)


def indicators_sync_catalogue() -> int:
    """Upsert the Indicator rows from the domain catalogue (the migration seeds a frozen
    copy; this restores them after a test flush or when the catalogue grows)."""
    for definition in formulas.INDICATORS:
        Indicator.objects.update_or_create(
            code=definition.code,
            defaults={
                "name_vi": definition.name_vi,
                "name_en": definition.name_en,
                "short_vi": definition.short_vi,
                "higher_is_better": definition.higher_is_better,
                "order": definition.order,
            },
        )
    return len(formulas.INDICATORS)
