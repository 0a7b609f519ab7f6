"""Files out: the official appendix regenerated from stored figures, a CSV of every count,
and the import template. Each reads back through the import unchanged."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.domain import formulas
from indicators.domain.index766 import EXTRA_COUNT_FIELDS, count_label
from indicators.domain.periods import PeriodSpec
from indicators.index766.selectors import extra_counts_by_unit
from indicators.io.appendix_write import appendix_write_xlsx
from indicators.io.records import APPENDIX_FIELDS, META_SHEET, TEMPLATE_MARKER
from indicators.models import Period, UnitFigures
from indicators.selectors import UnitCounts, children_for_ranking, counts_by_unit
from kpi_portal.spreadsheets.printing import print_setup
from kpi_portal.spreadsheets.sheets import active_sheet, value_cell
from kpi_portal.spreadsheets.text import csv_text, put_text
from units.models import AdministrativeUnit

# The 766 extras close the row: optional, blank when not counted, and a reader that stops
# at the standard counts still finds them where it did.
CSV_COLUMNS: tuple[str, ...] = (
    "period",
    "gso_code",
    "unit_name",
    "status",
    *formulas.COUNT_FIELDS,
    *EXTRA_COUNT_FIELDS,
)
TEMPLATE_HEADER_ROW = 3


def export_units(parent: AdministrativeUnit, spec: PeriodSpec) -> list[AdministrativeUnit]:
    """The parent's own desk, then its territorial children that existed in the period."""
    children = children_for_ranking(parent, Period(start=spec.start, end=spec.end))
    return [parent, *children.order_by("name")]


def _figures(
    parent: AdministrativeUnit, period: Period, *, include_drafts: bool
) -> list[tuple[AdministrativeUnit, UnitCounts]]:
    """The desk and the children with figures for the period, rolled up from what they
    entered (a quarter from its months), in export order; drafts only when asked for."""
    units = export_units(parent, period.spec)
    counts = counts_by_unit(
        period.start,
        period.end,
        unit_ids=[unit.pk for unit in units],
        include_drafts=include_drafts,
    )
    return [(unit, counts[unit.pk]) for unit in units if unit.pk in counts]


def figures_export_xlsx(
    *, parent: AdministrativeUnit, period: Period, include_drafts: bool = False
) -> bytes:
    """The official appendix layout (Hoài Nhơn's H1 2023 dispatch) from stored figures;
    units without figures are left out, totals are ratios of sums (appendix_write_xlsx)."""
    rows = _figures(parent, period, include_drafts=include_drafts)
    sample = any(f.is_sample for _u, f in rows)

    def counts(figures: UnitCounts) -> dict[str, int | None]:
        return {name: figures.counts[name] for name in APPENDIX_FIELDS}

    title = f"TỔNG HỢP CÁC CHỈ SỐ DỊCH VỤ HÀNH CHÍNH CÔNG — {parent.full_name.upper()}"
    if sample:
        title += " (CÓ SỐ LIỆU MẪU, KHÔNG PHẢI SỐ LIỆU THẬT)"
    return appendix_write_xlsx(
        title=title,
        period_label=period.spec.long_label_vi,
        district_rows=[(u.full_name, counts(f)) for u, f in rows if u.pk == parent.pk],
        commune_rows=[(u.full_name, counts(f)) for u, f in rows if u.pk != parent.pk],
    )


def figures_export_csv(
    *, parent: AdministrativeUnit, period: Period, include_drafts: bool = False
) -> bytes:
    """Every count of the desk and the children with figures; UTF-8 with BOM so Excel
    shows the Vietnamese names. Blank = not reported."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = _figures(parent, period, include_drafts=include_drafts)
    # Rolled up from the same pieces as the standard counts (a flow only where every piece
    # has it, the stock at the period's end); one grouped query.
    extras = extra_counts_by_unit(
        period.start,
        period.end,
        unit_ids=[unit.pk for unit, _f in rows],
        include_drafts=include_drafts,
    )
    for unit, figures in rows:
        extra = extras.get(unit.pk, {})
        writer.writerow(
            [
                period.code,
                unit.code,
                csv_text(unit.full_name),
                figures.status,
                *(
                    "" if figures.counts[name] is None else figures.counts[name]
                    for name in formulas.COUNT_FIELDS
                ),
                *("" if extra.get(name) is None else extra[name] for name in EXTRA_COUNT_FIELDS),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def figures_template_xlsx(
    *, parent: AdministrativeUnit, spec: PeriodSpec, period: Period | None
) -> bytes:
    """The portal's import template: one row per unit (desk + children valid in the
    period) with its Mã ĐVHC, Vietnamese headers, current values if any, whole-number
    validation on every count cell, frozen header, and the period in the title."""
    units = export_units(parent, spec)
    stored = (
        {f.unit_id: f for f in UnitFigures.objects.filter(period=period, unit__in=units)}
        if period is not None
        else {}
    )
    standard = list(formulas.COUNT_FIELDS)
    # The 766 extras after the standard counts, marked optional: a unit that does not
    # count them leaves them blank (an upload without them keeps what is stored).
    fields = [*standard, *EXTRA_COUNT_FIELDS]
    wb = Workbook()
    ws = active_sheet(wb)
    ws.title = "Số liệu"
    last_col = 2 + len(fields) + 1
    ws["A1"] = f"Số liệu chỉ số TTHC — {parent.full_name} — {spec.long_label_vi}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        "Nhập số nguyên không âm; để trống ô không có số liệu. Không sửa cột Mã ĐVHC. "
        "Cột «Trạng thái hiện tại» chỉ để xem, không được nhập. "
        f"{len(EXTRA_COUNT_FIELDS)} cột tô vàng sau các cột chuẩn là số liệu thêm cho tính "
        "trước Chỉ số 766, không bắt buộc: để trống nếu đơn vị không theo dõi."
    )
    ws["A2"].font = Font(italic=True)
    headers = ["Mã ĐVHC", "Đơn vị", *(count_label(f) for f in fields)]
    headers.append("Trạng thái hiện tại")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    optional_fill = PatternFill("solid", fgColor="FFF2CC")
    first_extra = 3 + len(standard)
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=TEMPLATE_HEADER_ROW, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        if first_extra <= col < last_col:
            cell.fill = optional_fill
            cell.comment = Comment(
                "Không bắt buộc. Số liệu thêm cho tính trước Chỉ số 766 "
                "(Quyết định 766/QĐ-TTg); để trống nếu không theo dõi.",
                "Cổng KPI",
            )
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions[get_column_letter(last_col)].width = 16
    ws.row_dimensions[TEMPLATE_HEADER_ROW].height = 75
    row = TEMPLATE_HEADER_ROW + 1
    for unit in units:
        code_cell = ws.cell(row=row, column=1, value=unit.code)
        code_cell.number_format = "@"  # text: keeps leading zeros ("01")
        put_text(ws.cell(row=row, column=2), unit.full_name)
        figures = stored.get(unit.pk)
        for i, name in enumerate(fields):
            cell = value_cell(ws.cell(row=row, column=3 + i))
            cell.value = getattr(figures, name) if figures is not None else None
            cell.number_format = "#,##0"
        if figures is not None:
            ws.cell(row=row, column=last_col, value=figures.get_status_display())
        row += 1
    last_row = max(row - 1, TEMPLATE_HEADER_ROW + 1)
    validation = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số không hợp lệ",
        error="Nhập số nguyên không âm (ví dụ 1087), hoặc để trống.",
        showInputMessage=True,
        promptTitle="Số hồ sơ",
        prompt="Số nguyên ≥ 0",
    )
    validation.add(f"C{TEMPLATE_HEADER_ROW + 1}:{get_column_letter(2 + len(fields))}{last_row}")
    ws.add_data_validation(validation)
    ws.freeze_panes = ws.cell(row=TEMPLATE_HEADER_ROW + 1, column=3).coordinate
    print_setup(ws, title_rows=f"{TEMPLATE_HEADER_ROW}:{TEMPLATE_HEADER_ROW}")
    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("format", TEMPLATE_MARKER),
        ("period", spec.code),
        ("parent", parent.code),
        ("parent_name", parent.full_name),
    ):
        meta.append([key, None])
        put_text(meta.cell(row=meta.max_row, column=2), value)
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
