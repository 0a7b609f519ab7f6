"""Loading the administrative units into the database: upserts, paths, succession links."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from django.db import transaction

from units.loader.dataset import (
    UnitKey,
    UnitSpec,
    _converter_successions,
    _Succession,
    _unit_specs,
    read_dataset,
)
from units.models import (
    LEGACY_END,
    REFORM_START,
    AdministrativeUnit,
    Structure,
    UnitLevel,
    UnitSuccession,
)

if TYPE_CHECKING:
    pass


BATCH_SIZE = 500


UPDATE_FIELDS = [
    "unit_type",
    "name",
    "parent",
    "valid_from",
    "valid_to",
    "source_key",
    "latitude",
    "longitude",
    "path",
]


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


@dataclass
class StructureReport:
    """What one structure (legacy or 2025) looked like after the load."""

    structure: str
    provinces: int = 0
    districts: int = 0
    communes: int = 0
    counts: LoadCounts = field(default_factory=LoadCounts)
    seconds: float = 0.0

    def summary(self) -> str:
        units = f"{self.provinces} provinces, {self.districts} districts, {self.communes} communes"
        return f"{self.structure}: {units}; {self.counts} ({self.seconds:.2f} s)"


@dataclass
class LoadReport:
    legacy: StructureReport
    reform: StructureReport
    links: LoadCounts = field(default_factory=LoadCounts)
    link_seconds: float = 0.0
    # Converter keys naming no commune of the dataset: the 5 island districts that had no
    # communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) and became đặc khu.
    unresolved_keys: list[str] = field(default_factory=list)
    # Rows whose type column contradicts the type written in the full name (we trust the name).
    type_conflicts: int = 0

    @property
    def structures(self) -> list[StructureReport]:
        return [self.legacy, self.reform]

    def summary_lines(self) -> list[str]:
        lines = [report.summary() for report in self.structures]
        lines.append(f"successions: {self.links} ({self.link_seconds:.2f} s)")
        if self.unresolved_keys:
            lines.append(
                f"unresolved converter keys ({len(self.unresolved_keys)}): "
                + ", ".join(self.unresolved_keys)
            )
        return lines


def _validity(structure: str) -> dict[str, Any]:
    if structure == Structure.LEGACY:
        return {"valid_from": None, "valid_to": LEGACY_END}
    return {"valid_from": REFORM_START, "valid_to": None}


def _upsert_units(
    specs: list[UnitSpec],
    existing: dict[UnitKey, AdministrativeUnit],
    units: dict[UnitKey, AdministrativeUnit],
) -> LoadCounts:
    """Create missing units and update changed ones, level by level so parents have pks."""
    counts = LoadCounts()
    changed: dict[int, AdministrativeUnit] = {}
    created_ids: set[int] = set()
    for level in (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        for spec in specs:
            if spec.level != level:
                continue
            values = {
                "unit_type": spec.unit_type,
                "name": spec.name,
                "parent_id": units[spec.parent].pk if spec.parent else None,
                "source_key": spec.source_key,
                # A database loaded before units had a point gets it on the next load.
                "latitude": spec.latitude,
                "longitude": spec.longitude,
                **_validity(spec.structure),
            }
            unit = existing.get(spec.key)
            if unit is None:
                unit = AdministrativeUnit(
                    code=spec.code, level=spec.level, structure=spec.structure, **values
                )
                to_create.append(unit)
            elif any(getattr(unit, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                changed[unit.pk] = unit
            units[spec.key] = unit
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        created_ids.update(unit.pk for unit in to_create)
        counts.created += len(to_create)
    # Paths need the pks of the whole chain, known only now.
    for spec in specs:
        unit = units[spec.key]
        prefix = units[spec.parent].path if spec.parent else "/"
        path = f"{prefix}{unit.pk}/"
        if unit.path != path:
            unit.path = path
            changed[unit.pk] = unit
    # New rows only lack their path: updating that one column is several times faster.
    updated = [unit for pk, unit in changed.items() if pk not in created_ids]
    created = [unit for pk, unit in changed.items() if pk in created_ids]
    AdministrativeUnit.objects.bulk_update(updated, UPDATE_FIELDS, batch_size=BATCH_SIZE)
    AdministrativeUnit.objects.bulk_update(created, ["path"], batch_size=BATCH_SIZE)
    counts.updated = len(updated)
    counts.unchanged = len(specs) - counts.created - counts.updated
    return counts


def _structure_report(structure: str, specs: list[UnitSpec]) -> StructureReport:
    report = StructureReport(structure=structure)
    for spec in specs:
        if spec.level == UnitLevel.PROVINCE:
            report.provinces += 1
        elif spec.level == UnitLevel.DISTRICT:
            report.districts += 1
        else:
            report.communes += 1
    return report


def _upsert_successions(
    successions: Iterable[_Succession], units: dict[UnitKey, AdministrativeUnit]
) -> LoadCounts:
    counts = LoadCounts()
    wanted: dict[tuple[int, int], bool] = {}
    for succession in successions:
        predecessor, successor = units.get(succession.predecessor), units.get(succession.successor)
        if predecessor is None or successor is None:
            continue  # one end outside the provinces being loaded
        wanted[(predecessor.pk, successor.pk)] = succession.is_default
    existing = {
        (link.predecessor_id, link.successor_id): link
        for link in UnitSuccession.objects.filter(
            predecessor__structure=Structure.LEGACY, successor__structure=Structure.REFORM_2025
        )
    }
    to_create: list[UnitSuccession] = []
    to_update: list[UnitSuccession] = []
    for (predecessor_id, successor_id), is_default in wanted.items():
        link = existing.get((predecessor_id, successor_id))
        if link is None:
            to_create.append(
                UnitSuccession(
                    predecessor_id=predecessor_id,
                    successor_id=successor_id,
                    effective_date=REFORM_START,
                    is_default=is_default,
                )
            )
        elif link.is_default != is_default or link.effective_date != REFORM_START:
            link.is_default, link.effective_date = is_default, REFORM_START
            to_update.append(link)
        else:
            counts.unchanged += 1
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    UnitSuccession.objects.bulk_update(
        to_update, ["is_default", "effective_date"], batch_size=BATCH_SIZE
    )
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def units_load_from_dataset(
    *, provinces: set[str] | None = None, stdout: TextIO | None = None
) -> LoadReport:
    """Create or update both structures and the succession links between them.

    ``provinces`` limits the load to those province codes in both structures ({"52"} is
    Bình Định before the reform and Gia Lai after); links are made only when both ends
    are loaded. Idempotent: units are matched by (code, level, structure).
    """

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    wanted = {code.strip().zfill(2) for code in provinces} if provinces is not None else None
    dataset = read_dataset()
    legacy_specs, reform_specs, type_conflicts = _unit_specs(dataset, wanted)
    report = LoadReport(
        legacy=_structure_report(Structure.LEGACY, legacy_specs),
        reform=_structure_report(Structure.REFORM_2025, reform_specs),
        type_conflicts=type_conflicts,
    )
    with transaction.atomic():
        existing = {
            (unit.code, unit.level, unit.structure): unit
            for unit in AdministrativeUnit.objects.filter(
                structure__in=[Structure.LEGACY, Structure.REFORM_2025],
                level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE],
            ).exclude(code="")
        }
        units: dict[UnitKey, AdministrativeUnit] = {}
        for structure_report, specs in (
            (report.legacy, legacy_specs),
            (report.reform, reform_specs),
        ):
            started = time.perf_counter()
            structure_report.counts = _upsert_units(specs, existing, units)
            structure_report.seconds = time.perf_counter() - started
            say(structure_report.summary())
        started = time.perf_counter()
        successions, report.unresolved_keys = _converter_successions(dataset)
        report.links = _upsert_successions(successions, units)
        report.link_seconds = time.perf_counter() - started
        say(f"successions: {report.links} ({report.link_seconds:.2f} s)")
    return report
