"""Reading the official administrative units dataset (both structures) into unit specs.

The package ships both structures (63 provinces / 696 districts / ~10,040 communes until
30/06/2025, 34 provinces / 3,321 communes from 01/07/2025) in ``data/dataset.db`` and the
old -> new mapping in ``data/converter_2025.json``. We read those files directly: importing
the package itself pulls in shapely, geopy and numpy for nothing.

converter_2025.json has three top-level keys, all grouped by NEW province key:
- ``DICT_PROVINCE``: new province key -> [old province keys];
- ``DICT_PROVINCE_WARD_NO_DIVIDED``: new province key -> {new ward key -> [old full keys
  "provinceKey_districtKey_wardKey"]}, old communes that went whole into one new commune;
- ``DICT_PROVINCE_WARD_DIVIDED``: new province key -> {old full key -> [{"newWardKey",
  "isDefaultNewWard", ...}]}, old communes split between several new ones.
New ward keys repeat across provinces (292 of them), so a new commune is always resolved as
(new province key, new ward key).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from units.models import (
    Structure,
    UnitLevel,
)

if TYPE_CHECKING:
    pass

UnitKey = tuple[str, str, str]  # (code, level, structure): unique for units with a code


# Canonical spelling of the type prefixes found in the dataset's full names; the dataset
# sometimes capitalises them ("Thành Phố Bắc Kạn", "Thị Trấn Ái Tử").
UNIT_TYPES = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)


@dataclass
class UnitSpec:
    """One unit as the dataset describes it, before it is matched against the database."""

    code: str
    level: str
    structure: str
    unit_type: str
    name: str
    source_key: str
    parent: UnitKey | None
    # The dataset's point of the unit (WGS 84), None where it gives none.
    latitude: float | None = None
    longitude: float | None = None

    @property
    def key(self) -> UnitKey:
        return (self.code, self.level, self.structure)


def dataset_dir() -> Path:
    """The package's data folder, found without running the package's __init__."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def split_type(full_name: str, fallback_type: str | None) -> tuple[str, str, bool]:
    """Split "Phường Bồng Sơn" into ("Phường", "Bồng Sơn", conflicts with the type column?)."""
    lowered = full_name.lower()
    for unit_type in UNIT_TYPES:
        if lowered.startswith(unit_type.lower() + " "):
            name = full_name[len(unit_type) + 1 :].strip()
            conflict = bool(fallback_type) and fallback_type != unit_type
            return unit_type, name, conflict
    return (fallback_type or ""), full_name.strip(), False


def _rows(connection: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    cursor = connection.execute(sql)
    columns = [description[0] for description in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class Dataset:
    legacy_rows: list[dict[str, Any]]
    reform_rows: list[dict[str, Any]]
    converter: dict[str, Any]


def read_dataset(data_dir: Path | None = None) -> Dataset:
    data_dir = data_dir or dataset_dir()
    connection = sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy_rows = _rows(
            connection,
            "SELECT province, provinceCode, provinceKey, provinceLat, provinceLon, district,"
            " districtType, districtCode, districtKey, districtLat, districtLon, ward, wardType,"
            " wardCode, wardKey, wardLat, wardLon FROM admin_units_legacy",
        )
        reform_rows = _rows(
            connection,
            "SELECT province, provinceCode, provinceKey, provinceLat, provinceLon, ward, wardType,"
            " wardCode, wardKey, wardLat, wardLon FROM admin_units",
        )
    finally:
        connection.close()
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    return Dataset(legacy_rows, reform_rows, converter)


class _SpecBuilder:
    """Turns dataset rows into UnitSpecs, one per unit, parents before children."""

    def __init__(self) -> None:
        self.specs: dict[UnitKey, UnitSpec] = {}
        self.type_conflicts = 0

    def add(
        self,
        *,
        code: str,
        level: str,
        structure: str,
        full_name: str,
        type_column: str | None,
        source_key: str,
        parent: UnitKey | None,
        latitude: float | None,
        longitude: float | None,
    ) -> UnitKey:
        key = (code, level, structure)
        if key not in self.specs:
            unit_type, name, conflict = split_type(full_name, type_column)
            self.type_conflicts += conflict
            self.specs[key] = UnitSpec(
                code, level, structure, unit_type, name, source_key, parent, latitude, longitude
            )
        return key


def legacy_commune_key(row: dict[str, Any]) -> str:
    return f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}"


def reform_commune_key(province_key: str, ward_key: str) -> str:
    return f"{province_key}_{ward_key}"


def _unit_specs(
    dataset: Dataset, provinces: set[str] | None
) -> tuple[list[UnitSpec], list[UnitSpec], int]:
    legacy, reform = _SpecBuilder(), _SpecBuilder()
    for row in dataset.legacy_rows:
        if provinces is not None and row["provinceCode"] not in provinces:
            continue
        province = legacy.add(
            code=row["provinceCode"],
            level=UnitLevel.PROVINCE,
            structure=Structure.LEGACY,
            full_name=row["province"],
            type_column=None,
            source_key=row["provinceKey"],
            parent=None,
            latitude=row["provinceLat"],
            longitude=row["provinceLon"],
        )
        district = legacy.add(
            code=row["districtCode"],
            level=UnitLevel.DISTRICT,
            structure=Structure.LEGACY,
            full_name=row["district"],
            type_column=row["districtType"],
            source_key=f"{row['provinceKey']}_{row['districtKey']}",
            parent=province,
            latitude=row["districtLat"],
            longitude=row["districtLon"],
        )
        if not row["wardCode"]:
            continue  # island districts without communes (Lý Sơn, Côn Đảo...): keep the district
        legacy.add(
            code=row["wardCode"],
            level=UnitLevel.COMMUNE,
            structure=Structure.LEGACY,
            full_name=row["ward"],
            type_column=row["wardType"],
            source_key=legacy_commune_key(row),
            parent=district,
            latitude=row["wardLat"],
            longitude=row["wardLon"],
        )
    for row in dataset.reform_rows:
        if provinces is not None and row["provinceCode"] not in provinces:
            continue
        province = reform.add(
            code=row["provinceCode"],
            level=UnitLevel.PROVINCE,
            structure=Structure.REFORM_2025,
            full_name=row["province"],
            type_column=None,
            source_key=row["provinceKey"],
            parent=None,
            latitude=row["provinceLat"],
            longitude=row["provinceLon"],
        )
        reform.add(
            code=row["wardCode"],
            level=UnitLevel.COMMUNE,
            structure=Structure.REFORM_2025,
            full_name=row["ward"],
            type_column=row["wardType"],
            source_key=reform_commune_key(row["provinceKey"], row["wardKey"]),
            parent=province,
            latitude=row["wardLat"],
            longitude=row["wardLon"],
        )
    level_order: dict[str, int] = {
        UnitLevel.PROVINCE: 0,
        UnitLevel.DISTRICT: 1,
        UnitLevel.COMMUNE: 2,
    }

    def ordered(builder: _SpecBuilder) -> list[UnitSpec]:
        return sorted(builder.specs.values(), key=lambda spec: level_order[spec.level])

    conflicts = legacy.type_conflicts + reform.type_conflicts
    return ordered(legacy), ordered(reform), conflicts


@dataclass
class _Succession:
    predecessor: UnitKey
    successor: UnitKey
    is_default: bool


def _converter_successions(dataset: Dataset) -> tuple[list[_Succession], list[str]]:
    """Every province->province and commune->commune link of the converter, as unit keys.

    Returns the links and the converter keys that name no unit of the dataset.
    """
    legacy_province_code = {row["provinceKey"]: row["provinceCode"] for row in dataset.legacy_rows}
    reform_province_code = {row["provinceKey"]: row["provinceCode"] for row in dataset.reform_rows}
    legacy_commune_code = {
        legacy_commune_key(row): row["wardCode"] for row in dataset.legacy_rows if row["wardCode"]
    }
    reform_commune_code = {
        reform_commune_key(row["provinceKey"], row["wardKey"]): row["wardCode"]
        for row in dataset.reform_rows
    }
    links: dict[tuple[UnitKey, UnitKey], _Succession] = {}
    unresolved: list[str] = []

    def link(old_key: str, new_key: str, *, province: bool, is_default: bool) -> None:
        old_codes, new_codes = (
            (legacy_province_code, reform_province_code)
            if province
            else (legacy_commune_code, reform_commune_code)
        )
        level = UnitLevel.PROVINCE if province else UnitLevel.COMMUNE
        old_code, new_code = old_codes.get(old_key), new_codes.get(new_key)
        if old_code is None or new_code is None:
            unresolved.append(old_key if old_code is None else new_key)
            return
        predecessor = (old_code, level, Structure.LEGACY)
        successor = (new_code, level, Structure.REFORM_2025)
        previous = links.get((predecessor, successor))
        # A pair listed twice keeps "default" if either listing says so.
        default = is_default or (previous is not None and previous.is_default)
        links[(predecessor, successor)] = _Succession(predecessor, successor, default)

    converter = dataset.converter
    for new_province, old_provinces in converter["DICT_PROVINCE"].items():
        for old_province in old_provinces:
            link(old_province, new_province, province=True, is_default=True)
    for new_province, new_wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, old_communes in new_wards.items():
            for old_commune in old_communes:
                new_key = reform_commune_key(new_province, new_ward)
                link(old_commune, new_key, province=False, is_default=True)
    for new_province, splits in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_commune, parts in splits.items():
            for part in parts:
                new_key = reform_commune_key(new_province, part["newWardKey"])
                link(
                    old_commune, new_key, province=False, is_default=bool(part["isDefaultNewWard"])
                )
    return list(links.values()), unresolved
