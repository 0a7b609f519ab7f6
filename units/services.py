"""Loading the administrative units of Vietnam from the vietnamadminunits dataset.

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

import datetime as dt
import importlib.util
import io
import json
import secrets
import sqlite3
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kpi_portal.xlsx_archive import xlsx_archive_problem
from units.audit import client_ip, current_request
from units.models import (
    LEGACY_END,
    REFORM_START,
    AdministrativeUnit,
    AuditAction,
    AuditEvent,
    Role,
    Structure,
    UnitLevel,
    UnitSuccession,
    User,
)

if TYPE_CHECKING:
    from axes.models import AccessAttempt

BATCH_SIZE = 500

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

UNIT_FIELDS = ("unit_type", "name", "parent_id", "valid_from", "valid_to", "source_key")
UPDATE_FIELDS = ["unit_type", "name", "parent", "valid_from", "valid_to", "source_key", "path"]

UnitKey = tuple[str, str, str]  # (code, level, structure): unique for units with a code


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
            "SELECT province, provinceCode, provinceKey, district, districtType, districtCode,"
            " districtKey, ward, wardType, wardCode, wardKey FROM admin_units_legacy",
        )
        reform_rows = _rows(
            connection,
            "SELECT province, provinceCode, provinceKey, ward, wardType, wardCode, wardKey"
            " FROM admin_units",
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
    ) -> UnitKey:
        key = (code, level, structure)
        if key not in self.specs:
            unit_type, name, conflict = split_type(full_name, type_column)
            self.type_conflicts += conflict
            self.specs[key] = UnitSpec(code, level, structure, unit_type, name, source_key, parent)
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
        )
        district = legacy.add(
            code=row["districtCode"],
            level=UnitLevel.DISTRICT,
            structure=Structure.LEGACY,
            full_name=row["district"],
            type_column=row["districtType"],
            source_key=f"{row['provinceKey']}_{row['districtKey']}",
            parent=province,
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
        )
        reform.add(
            code=row["wardCode"],
            level=UnitLevel.COMMUNE,
            structure=Structure.REFORM_2025,
            full_name=row["ward"],
            type_column=row["wardType"],
            source_key=reform_commune_key(row["provinceKey"], row["wardKey"]),
            parent=province,
        )
    level_order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}

    def ordered(builder: _SpecBuilder) -> list[UnitSpec]:
        return sorted(builder.specs.values(), key=lambda spec: level_order[spec.level])

    conflicts = legacy.type_conflicts + reform.type_conflicts
    return ordered(legacy), ordered(reform), conflicts


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


# --------------------------------------------------------------------------- audit log


# Outside a request (a management command, the shell) there is no user and no address:
# the event says where it came from instead.
COMMAND_LINE = "(dòng lệnh)"


def audit_log(
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Record who did what, when and from where.

    ``request`` defaults to the request being served (AuditRequestMiddleware), so a service
    called from a view logs the address without being handed the request; ``user`` defaults
    to that request's authenticated user; with neither, the event is marked as coming from
    the command line. Inside a transaction the event commits or rolls
    back with the change it describes.
    """
    request = request if request is not None else current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if not username:
        if user is not None:
            username = user.get_username()
        elif request is None:
            username = COMMAND_LINE
    return AuditEvent.objects.create(
        user=user,
        username=username[:150],
        ip_address=client_ip(request),
        action=action,
        target=str(target)[:300],
        details=details or {},
    )


def audit_lockout_lifted(
    *, attempt: AccessAttempt, request: HttpRequest | None = None, via: str = ""
) -> AuditEvent:
    """A lockout lifted by an administrator (in the admin, or by axes' reset commands):
    whose, from which address it was locked, after how many failures."""
    details: dict[str, Any] = {
        "ip_address": attempt.ip_address,
        "failures": attempt.failures_since_start,
    }
    if via:
        details["via"] = via
    return audit_log(
        request=request,
        action=AuditAction.LOGIN_UNLOCK,
        target=attempt.username or "",
        details=details,
    )


# --------------------------------------------------------------------------- users from xlsx

USERS_IMPORT_MAX_ROWS = 2000
# Header names accepted for each column (compared without case and surrounding spaces).
USERS_COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("tên đăng nhập", "username", "tài khoản"),
    "full_name": ("họ và tên", "họ tên", "full name", "name"),
    "email": ("email", "thư điện tử"),
    "role": ("vai trò", "role"),
    "unit_code": ("mã đơn vị", "mã đvhc", "unit code", "gso code", "mã"),
    "on": ("ngày đọc mã", "ngày", "date", "on"),
}
# Which unit levels each role may belong to (None: no unit needed).
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.COMMUNE_OFFICIAL: (UnitLevel.COMMUNE,),
    Role.DISTRICT_STAFF: (UnitLevel.DISTRICT,),
    Role.CHAIRMAN: (UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE),
    Role.PROVINCE_STAFF: (UnitLevel.PROVINCE,),
    Role.ADMIN: (),
}
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class UsersImportRefused(Exception):
    """The list was refused as a whole; ``errors`` are Vietnamese messages, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class UserRow:
    line: int
    username: str
    full_name: str
    email: str
    role: str
    unit: AdministrativeUnit | None
    on: dt.date


@dataclass
class CreatedUser:
    username: str
    full_name: str
    role_label: str
    unit_label: str
    password: str


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _role_from(text: str) -> str | None:
    wanted = _key(text)
    for role in Role:
        if wanted in (_key(role.value), _key(str(role.label))):
            return role.value
    return None


def _date_from(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _read_users_sheet(data: bytes) -> list[tuple[int, dict[str, object]]]:
    """The rows of the first sheet as {column: raw value}, keyed by the header row."""
    from openpyxl import load_workbook

    problem = xlsx_archive_problem(data, max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES)
    if problem:
        raise UsersImportRefused([problem])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a broken file
        raise UsersImportRefused(["Tệp không phải là tệp Excel .xlsx hợp lệ."]) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UsersImportRefused(["Tệp không có dòng nào."])
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            name = _key(_cell_text(cell))
            for column, names in USERS_COLUMNS.items():
                if name in names and column not in positions:
                    positions[column] = index
        missing = [USERS_COLUMNS[c][0] for c in USERS_COLUMNS if c not in positions]
        if missing:
            raise UsersImportRefused(
                [
                    "Dòng 1 (tiêu đề) thiếu cột: "
                    + ", ".join(f"“{name}”" for name in missing)
                    + ". Các cột cần có: tên đăng nhập, họ và tên, email, vai trò, mã đơn vị, "
                    "ngày đọc mã."
                ]
            )
        result: list[tuple[int, dict[str, object]]] = []
        for line, values in enumerate(rows, start=2):
            if values is None or all(_cell_text(v) == "" for v in values):
                continue
            if len(result) >= USERS_IMPORT_MAX_ROWS:
                raise UsersImportRefused(
                    [f"Tệp có quá {USERS_IMPORT_MAX_ROWS} người dùng; hãy chia thành nhiều tệp."]
                )
            row = {
                column: values[index] if index < len(values) else None
                for column, index in positions.items()
            }
            result.append((line, row))
        return result
    finally:
        workbook.close()


def users_parse_xlsx(data: bytes, *, today: dt.date | None = None) -> list[UserRow]:
    """Check every row of a users list; raise UsersImportRefused with all the problems."""
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from units.selectors import AmbiguousUnit, UnitNotFound, unit_by_code

    today = today or timezone.localdate()
    errors: list[str] = []
    parsed: list[UserRow] = []
    seen: dict[str, int] = {}
    username_validator = UnicodeUsernameValidator()
    sheet_rows = _read_users_sheet(data)
    if not sheet_rows:
        raise UsersImportRefused(["Tệp không có người dùng nào (chỉ có dòng tiêu đề)."])
    existing = set(
        User.objects.filter(
            username__in=[_cell_text(row["username"]) for _, row in sheet_rows]
        ).values_list("username", flat=True)
    )
    for line, raw in sheet_rows:
        problems: list[str] = []
        for column, value in raw.items():
            if isinstance(value, str) and value.startswith("="):
                problems.append(f"cột “{USERS_COLUMNS[column][0]}” chứa công thức")
        username = _cell_text(raw["username"])
        full_name = _cell_text(raw["full_name"])
        email = _cell_text(raw["email"])
        role_text = _cell_text(raw["role"])
        code = _cell_text(raw["unit_code"])
        if not username:
            problems.append("thiếu tên đăng nhập")
        else:
            try:
                username_validator(username)
                if len(username) > 150:
                    raise ValidationError("too long")
            except ValidationError:
                problems.append(
                    f"tên đăng nhập “{username}” chỉ được gồm chữ, số và @ . + - _ "
                    "(tối đa 150 ký tự, không có dấu cách)"
                )
            if username in existing:
                problems.append(f"tên đăng nhập “{username}” đã có người dùng")
            if username in seen:
                problems.append(f"tên đăng nhập “{username}” trùng với dòng {seen[username]}")
            else:
                seen[username] = line
        if not full_name:
            problems.append("thiếu họ và tên")
        elif len(full_name) > 300:
            problems.append("họ và tên quá dài (tối đa 300 ký tự)")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"email “{email}” không hợp lệ")
        role = _role_from(role_text) if role_text else None
        if role is None:
            labels = ", ".join(f"“{r.label}”" for r in Role)
            problems.append(
                f"vai trò “{role_text}” không có; dùng một trong: {labels}"
                if role_text
                else f"thiếu vai trò (một trong: {labels})"
            )
        raw_day = raw["on"]
        on = today if _cell_text(raw_day) == "" else _date_from(raw_day)
        if on is None:
            problems.append(
                f"ngày đọc mã “{_cell_text(raw_day)}” không hợp lệ (viết dd/mm/yyyy, ví dụ "
                "01/07/2025)"
            )
        unit: AdministrativeUnit | None = None
        if code and on is not None:
            try:
                unit = unit_by_code(code, on=on)
            except UnitNotFound:
                problems.append(f"không có đơn vị mã {code} vào ngày {on:%d/%m/%Y}")
            except AmbiguousUnit as error:
                problems.append(str(error))
        if role is not None and on is not None and not problems:
            levels = ROLE_LEVELS[role]
            label = Role(role).label
            if levels and unit is None:
                problems.append(f"vai trò “{label}” cần mã đơn vị")
            elif levels and unit is not None and unit.level not in levels:
                wanted = ", ".join(str(UnitLevel(level).label).lower() for level in levels)
                problems.append(
                    f"vai trò “{label}” phải thuộc đơn vị {wanted}, "
                    f"nhưng {unit.full_name} là {unit.get_level_display().lower()}"
                )
        if problems:
            errors.append(f"Dòng {line}: " + "; ".join(problems) + ".")
            continue
        assert role is not None and on is not None
        parsed.append(
            UserRow(
                line=line,
                username=username,
                full_name=full_name,
                email=email,
                role=role,
                unit=unit,
                on=on,
            )
        )
    if errors:
        raise UsersImportRefused(errors)
    return parsed


def _random_password(user: User) -> str:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    while True:
        groups = ["".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(5)) for _ in range(3)]
        password = "-".join(groups)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def users_import_xlsx(
    *, data: bytes, by: User | None, request: HttpRequest | None = None
) -> list[CreatedUser]:
    """Create every user of the list with a random password, or none of them.

    Returns the usernames with their initial passwords: they are shown once and are not
    stored anywhere in clear.
    """
    rows = users_parse_xlsx(data)
    created: list[CreatedUser] = []
    with transaction.atomic():
        for row in rows:
            family, _, given = row.full_name.rpartition(" ")
            user = User(
                username=row.username,
                first_name=(given or family)[:150],
                last_name=family[:150] if given else "",
                email=row.email,
                role=row.role,
                unit=row.unit,
            )
            password = _random_password(user)
            user.set_password(password)
            user.save()
            created.append(
                CreatedUser(
                    username=row.username,
                    full_name=row.full_name,
                    role_label=str(Role(row.role).label),
                    unit_label=row.unit.full_name if row.unit else "",
                    password=password,
                )
            )
        audit_log(
            request=request,
            user=by,
            action=AuditAction.USERS_IMPORT,
            target=f"{len(created)} người dùng",
            details={"usernames": [c.username for c in created]},
        )
    return created
