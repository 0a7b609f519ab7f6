"""Finding administrative units. A GSO code names a unit only together with a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import cast

from django.utils.translation import gettext as _

from units.models import LEGACY_END, AdministrativeUnit, Structure, UnitLevel, UnitQuerySet

# Official code widths: province 2 digits, district 3, commune 5.
CODE_WIDTHS: dict[str, int] = {
    UnitLevel.PROVINCE: 2,
    UnitLevel.DISTRICT: 3,
    UnitLevel.COMMUNE: 5,
}


class UnitNotFound(LookupError):
    pass


class AmbiguousUnit(LookupError):
    pass


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _code_forms(code: str, level: str | None) -> list[str]:
    """The code as typed first, then zero-padded to the official widths ("1" -> "01"...)."""
    code = code.strip()
    forms = [code]
    if code.isdigit():
        widths = [CODE_WIDTHS[level]] if level in CODE_WIDTHS else sorted(CODE_WIDTHS.values())
        forms += [code.zfill(width) for width in widths if len(code) < width]
    return forms


def _candidates(code: str, level: str | None) -> list[UnitQuerySet]:
    """The code as typed, then all its zero-padded forms together.

    "01" is the province even though "001" and "00001" exist; "1" matches all three, so
    without a level it is ambiguous.
    """
    units = AdministrativeUnit.objects.select_related("parent")
    if level is not None:
        units = units.filter(level=level)
    exact, *padded = _code_forms(code, level)
    candidates = [units.filter(code=exact)]
    if padded:
        candidates.append(units.filter(code__in=padded))
    return candidates


def _single(units: list[AdministrativeUnit], code: str, when: str) -> AdministrativeUnit:
    if len(units) > 1:
        names = ", ".join(f"{unit.full_name} ({unit.get_level_display()})" for unit in units)
        raise AmbiguousUnit(f"Mã {code} {when} chỉ nhiều đơn vị: {names}; hãy nêu cấp")
    return units[0]


def unit_by_code(code: str, *, on: dt.date, level: str | None = None) -> AdministrativeUnit:
    """The unit that carried ``code`` on day ``on``.

    The code as typed wins over its zero-padded forms; several units of different levels
    sharing the day raise AmbiguousUnit unless ``level`` says which one is meant.
    """
    for candidates in _candidates(code, level):
        units = list(candidates.valid_on(on))
        if units:
            return _single(units, code, f"vào ngày {_day(on)}")
    raise UnitNotFound(f"Không có đơn vị mã {code} vào ngày {_day(on)}")


def unit_by_code_during(
    code: str, *, start: dt.date, end: dt.date, level: str | None = None
) -> AdministrativeUnit:
    """The unit that carried ``code`` during [start, end].

    Prefers a unit valid for the whole range; across a reform, the one valid at ``end``
    (reports are filed on the structure in force when the period closes); failing that,
    the last one that existed during the range.
    """
    for candidates in _candidates(code, level):
        during = list(candidates.valid_during(start, end))
        if during:
            return _pick_during(during, code, start, end)
    raise UnitNotFound(f"Không có đơn vị mã {code} {_when(start, end)}")


def _when(start: dt.date, end: dt.date) -> str:
    return f"trong khoảng {_day(start)}–{_day(end)}"


def _pick_during(
    during: list[AdministrativeUnit], code: str, start: dt.date, end: dt.date
) -> AdministrativeUnit:
    """unit_by_code_during's choice among the units carrying a code during the range."""
    whole = [unit for unit in during if unit.is_valid_on(start) and unit.is_valid_on(end)]
    if whole:
        return _single(whole, code, _when(start, end))
    at_end = [unit for unit in during if unit.is_valid_on(end)]
    if at_end:
        return _single(at_end, code, f"vào ngày {_day(end)}")
    latest = max(unit.valid_to or dt.date.max for unit in during)
    return _single([unit for unit in during if unit.valid_to == latest], code, _when(start, end))


def units_by_code_during(
    codes: Iterable[str], *, start: dt.date, end: dt.date
) -> dict[str, AdministrativeUnit | LookupError]:
    """unit_by_code_during for many codes in one query (an import of a national month
    names 10.000 units): by code as given, the unit, or the UnitNotFound / AmbiguousUnit
    that unit_by_code_during would raise."""
    wanted = {code: _code_forms(code, None) for code in set(codes)}
    forms = {form for found in wanted.values() for form in found}
    by_form: dict[str, list[AdministrativeUnit]] = {}
    units = (
        AdministrativeUnit.objects.select_related("parent")
        .filter(code__in=sorted(forms))
        .valid_during(start, end)
    )
    for unit in units:  # ordered by path, as unit_by_code_during lists them
        by_form.setdefault(unit.code, []).append(unit)
    found: dict[str, AdministrativeUnit | LookupError] = {}
    for code, (exact, *padded) in wanted.items():
        result: AdministrativeUnit | LookupError = UnitNotFound(
            f"Không có đơn vị mã {code} {_when(start, end)}"
        )
        for group in ([exact], padded):
            during = sorted(
                (unit for form in group for unit in by_form.get(form, [])),
                key=lambda unit: unit.path,
            )
            if during:
                try:
                    result = _pick_during(during, code, start, end)
                except AmbiguousUnit as error:
                    result = error
                break
        found[code] = result
    return found


def children_of(
    unit: AdministrativeUnit,
    *,
    on_date: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> UnitQuerySet:
    """Direct children valid on ``on_date``, or at some point of [start, end].

    With neither, every child ever; a range with one end open is a single day.
    """
    children: UnitQuerySet = AdministrativeUnit.objects.filter(parent=unit)
    if on_date is not None:
        children = children.valid_on(on_date)
    if start is not None or end is not None:
        # One end is set: it stands in for the other (a single day).
        first, last = cast(dt.date, start or end), cast(dt.date, end or start)
        children = children.valid_during(first, last)
    return children.order_by("code", "name")


def predecessors_of(unit: AdministrativeUnit) -> UnitQuerySet:
    """The units merged (wholly or partly) into ``unit`` by a reform."""
    return AdministrativeUnit.objects.filter(successor_links__successor=unit).order_by("code")


# --------------------------------------------------------------------------- the country

# The whole country in URLs and commands (?parent=VN): no GSO code is two letters.
COUNTRY_CODE = "VN"


def the_country() -> AdministrativeUnit:
    """The whole country as a scope. No row stands above the provinces (their paths start
    at the root), so it is an unsaved stand-in: path "/" holds every unit (`is_within`,
    `in_subtree`), pk None; pages and selectors ask `is_country` before querying by it."""
    return AdministrativeUnit(
        code=COUNTRY_CODE, unit_type="", name=_("Cả nước"), path="/", level="", structure=""
    )


def is_country(unit: AdministrativeUnit | None) -> bool:
    return unit is not None and unit.pk is None and unit.code == COUNTRY_CODE


def structure_at(day: dt.date) -> str:
    """The structure in force on `day`: three tiers until 30/06/2025, two after."""
    return Structure.LEGACY if day <= LEGACY_END else Structure.REFORM_2025


def country_units(level: str, *, start: dt.date, end: dt.date) -> UnitQuerySet:
    """Every unit of `level` that existed during [start, end], of the structure in force
    when the period closes (reports are filed on it; a year across the 2025 reform is read
    on the two-tier country, as `unit_by_code_during` reads a code)."""
    return (
        AdministrativeUnit.objects.filter(level=level, structure=structure_at(end))
        .valid_during(start, end)
        .order_by("code", "name")
    )
