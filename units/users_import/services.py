"""Creating users from a list (.xlsx, .xls, .ods or CSV, read by the shared reading layer
kpi_portal.spreadsheets.tabular): every row is checked (username, email, role, unit of the
role's level on the date the code is read), one bad row creates nobody, and the random
initial passwords are returned once."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kpi_portal.spreadsheets.cells import norm_text
from kpi_portal.spreadsheets.formats import UnreadableTable
from kpi_portal.spreadsheets.tabular import read_tabular
from units.audit.services import audit_log
from units.models import (
    AdministrativeUnit,
    AuditAction,
    Role,
    UnitLevel,
    User,
)

USERS_IMPORT_MAX_ROWS = 2000
# Header names accepted for each column (compared with norm_text: case and spacing aside).
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
    Role.NATIONAL: (),
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


def _role_from(text: str) -> str | None:
    wanted = norm_text(text)
    for role in Role:
        if wanted in (norm_text(role.value), norm_text(str(role.label))):
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


def _read_users_sheet(
    data: bytes, filename: str = "nguoi-dung.xlsx"
) -> list[tuple[int, dict[str, object]]]:
    """The rows of the first sheet as {column: raw value}, keyed by the header row."""
    try:
        tabular = read_tabular(data, filename)
    except UnreadableTable as unreadable:
        raise UsersImportRefused([str(unreadable)]) from None
    if not tabular.sheets:
        raise UsersImportRefused(["Tệp không có dòng nào."])
    sheet = tabular.sheets[0]
    # A formula is refused whatever its result: an .xls/.ods gives its cached value, so it
    # is marked the way an .xlsx cell shows it ("=…").
    rows = (
        [
            f"={cell.value}"
            if cell.is_formula and not str(cell.value).startswith("=")
            else cell.value
            for cell in row
        ]
        for row in sheet.iter_rows()
    )
    header = next(rows, None)
    if header is None:
        raise UsersImportRefused(["Tệp không có dòng nào."])
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = norm_text(_cell_text(cell))
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
        if all(_cell_text(v) == "" for v in values):
            continue
        if len(result) >= USERS_IMPORT_MAX_ROWS:
            raise UsersImportRefused(
                [f"Tệp có quá {USERS_IMPORT_MAX_ROWS} người dùng; hãy chia thành nhiều tệp."]
            )
        row: dict[str, object] = {
            column: values[index] if index < len(values) else None
            for column, index in positions.items()
        }
        result.append((line, row))
    return result


def users_parse_xlsx(
    data: bytes, *, today: dt.date | None = None, filename: str = "nguoi-dung.xlsx"
) -> list[UserRow]:
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
    sheet_rows = _read_users_sheet(data, filename)
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
    *,
    data: bytes,
    by: User | None,
    request: HttpRequest | None = None,
    filename: str = "nguoi-dung.xlsx",
) -> list[CreatedUser]:
    """Create every user of the list with a random password, or none of them.

    Returns the usernames with their initial passwords: they are shown once and are not
    stored anywhere in clear.
    """
    rows = users_parse_xlsx(data, filename=filename)
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
