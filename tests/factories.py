"""Units made in bulk for the tests that compare a cost at few and at many units (the
query budgets of the pages, the import, the target computation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from units.models import AdministrativeUnit, Structure, UnitLevel

# When the 2025 structure (provinces and communes, no districts) came into force.
REFORM_2025_START = dt.date(2025, 7, 1)


def add_communes(
    parent: AdministrativeUnit,
    numbers: Iterable[int],
    *,
    code_prefix: str,
    digits: int,
    name: str,
) -> list[AdministrativeUnit]:
    """One commune of `parent` per number, coded `code_prefix` + the number on `digits`
    digits and named `name` + the number, of the parent's structure and valid from when it
    is. One insert, then the paths in one update, as save() would set them."""
    communes = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=f"{code_prefix}{number:0{digits}d}",
            level=UnitLevel.COMMUNE,
            unit_type="Xã",
            name=f"{name} {number}",
            parent=parent,
            structure=parent.structure,
            valid_from=parent.valid_from,
        )
        for number in numbers
    )
    for commune in communes:
        commune.path = f"{parent.path}{commune.pk}/"
    AdministrativeUnit.objects.bulk_update(communes, ["path"], batch_size=1000)
    return communes


def province_with_communes(
    code: str, communes: int
) -> tuple[AdministrativeUnit, list[AdministrativeUnit]]:
    """A province of the 2025 structure named "Thử <code>" and its communes <code>000,
    <code>001, … (in that order)."""
    province = AdministrativeUnit.objects.create(
        code=code,
        level=UnitLevel.PROVINCE,
        unit_type="Tỉnh",
        name=f"Thử {code}",
        structure=Structure.REFORM_2025,
        valid_from=REFORM_2025_START,
    )
    return province, add_communes(
        province, range(communes), code_prefix=code, digits=3, name=f"Thử {code}"
    )
