"""Matching the rows of an uploaded file to administrative units by code or by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.domain.periods import PeriodSpec
from indicators.io.records import ImportAnalysis, ImportRow
from indicators.io.unit_names import unit_name_key
from indicators.models import Period
from indicators.selectors import children_for_ranking
from units.models import AdministrativeUnit
from units.selectors import units_by_code_during


def unit_candidates(parent: AdministrativeUnit, spec: PeriodSpec) -> list[AdministrativeUnit]:
    """The units a file for `parent` may name: its own desk, then its territorial children
    (not agencies) that existed during the period, by name."""
    period_like = Period(start=spec.start, end=spec.end)
    children = list(children_for_ranking(parent, period_like).order_by("name"))
    return [parent, *children]


@dataclass
class UnitIndex:
    """What rows are matched against, built once per file: the candidates by name key, and
    the units the file's GSO codes name during the period (one query for all rows)."""

    candidate_ids: set[int]
    by_full: dict[str, list[AdministrativeUnit]] = field(default_factory=dict)
    by_bare: dict[str, list[AdministrativeUnit]] = field(default_factory=dict)
    by_code: dict[str, AdministrativeUnit | LookupError] = field(default_factory=dict)


def unit_index(
    candidates: list[AdministrativeUnit], records: list[ImportRow], spec: PeriodSpec
) -> UnitIndex:
    index = UnitIndex(candidate_ids={candidate.pk for candidate in candidates})
    for candidate in candidates:
        full, bare = unit_name_key(candidate.full_name)
        index.by_full.setdefault(full, []).append(candidate)
        index.by_bare.setdefault(bare, []).append(candidate)
    codes = {record.gso_code for record in records if record.gso_code}
    if codes:
        index.by_code = units_by_code_during(codes, start=spec.start, end=spec.end)
    return index


def match_units(
    record: ImportRow, analysis: ImportAnalysis, index: UnitIndex
) -> AdministrativeUnit | None:
    """The unit a row names (by GSO code, else by name among the candidates), or None with
    the row's error recorded. No query: `index` holds what is needed."""
    parent, spec = analysis.parent, analysis.spec
    by_full, by_bare = index.by_full, index.by_bare
    where = f"{parent.full_name} ({spec.label_vi})"
    column = record.name_column
    if record.gso_code:
        unit_or_error = index.by_code[record.gso_code]
        if isinstance(unit_or_error, LookupError):
            analysis.error(record.sheet, record.row, column, f"Dòng {record.row}: {unit_or_error}.")
            return None
        unit = unit_or_error
        if unit.pk not in index.candidate_ids:
            analysis.error(
                record.sheet,
                record.row,
                column,
                f"Dòng {record.row}: mã {record.gso_code} là {unit.full_name}, "
                f"không thuộc {where}.",
            )
            return None
        if record.label:
            full, bare = unit_name_key(record.label)
            if full not in (unit_name_key(unit.full_name)[0], unit_name_key(unit.name)[0]) and (
                bare != unit_name_key(unit.name)[1]
            ):
                analysis.warn(
                    record.sheet,
                    record.row,
                    column,
                    f"Dòng {record.row}: tên «{record.label}» khác tên đơn vị mã "
                    f"{record.gso_code} ({unit.full_name}); nhận theo mã.",
                )
        return unit
    if not record.label:
        analysis.error(record.sheet, record.row, column, f"Dòng {record.row}: thiếu tên đơn vị.")
        return None
    full, bare = unit_name_key(record.label)
    found = by_full.get(full) or by_bare.get(bare) or by_bare.get(full) or []
    if len(found) > 1 and record.section:
        # The appendix says which tier a row belongs to: that is data, not a guess.
        tier = [u for u in found if (u.pk == parent.pk) == (record.section == "district")]
        found = tier or found
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        names = " và ".join(f"{u.full_name} (mã {u.code})" for u in found)
        analysis.error(
            record.sheet,
            record.row,
            column,
            f"Dòng {record.row}: tên «{record.label}» khớp với nhiều đơn vị: {names}. "
            "Hãy ghi đủ loại đơn vị (phường/xã/…) hoặc thêm cột Mã ĐVHC.",
        )
        return None
    if record.section == "district":
        analysis.warn(
            record.sheet,
            record.row,
            column,
            f"Dòng {record.row}: «{record.label}» ở mục «Cấp huyện» được hiểu là bộ phận một "
            f"cửa của {parent.full_name}.",
        )
        return parent
    analysis.error(
        record.sheet,
        record.row,
        column,
        f"Dòng {record.row}: không tìm thấy đơn vị «{record.label}» trong {where}.",
    )
    return None
