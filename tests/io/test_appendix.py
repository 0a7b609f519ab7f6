"""The appendix (Phụ lục) xlsx reader and writer, against the table of Hoài Nhơn's H1
2023 dispatch.

No Django: the modules under test are pure. The dispatch's workbook is built here from
fixtures/hoai_nhon_2023_h1.csv in the dispatch's own layout (Vietnamese-text numbers,
"UBND phường …" names, the printed "Tổng số cấp xã" row).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from indicators.domain.formatting import format_decimal_vi, format_int_vi
from indicators.domain.formulas import get_indicator, indicator_parts, ratio_of_sums, round_rate
from indicators.io.appendix_layout import VALUE_COLUMNS, AppendixError, ParsedAppendix
from indicators.io.appendix_read import appendix_read_xlsx
from indicators.io.appendix_write import appendix_write_xlsx
from tests.io.file_formats import ooxml_encrypted

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "hoai_nhon_2023_h1.csv"
RENAMED = {"received_direct": "received_in_person", "reused_digitized_data": "reused"}
RATE_COLUMNS = {
    "digitization": "published_digitization_rate",
    "e_results": "published_results_digitization_rate",
    "reuse": "published_reuse_rate",
    "online": "published_online_rate",
    "payment": "published_online_payment_rate",
    "population_db": "published_population_db_rate",
}
COUNT_NAMES = [name for kind, name in VALUE_COLUMNS if kind == "count"]

# The printed "Tổng số cấp xã" row of Hoài Nhơn's H1 2023 dispatch, cell by cell.
PRINTED_COMMUNE_TOTAL = (
    "14.972 279 14.693 9.227 4.888 9.805 1.546 8.353 67,37 14.749 8.987 60,93 2.592 17,64 "
    "66,73 68,35 75,84 14.746 3 6393"
).split()

# The dispatch's header as extracted (typos kept: "chu yếu sang", "dự liệu", "CSD về DC").
SEED_HEADER = (
    (1, 1, 5, 7, "ST T"),
    (2, 2, 5, 7, "Đơn vị"),
    (3, 3, 5, 7, "Tổng hồ sơ"),
    (4, 4, 5, 7, "Hồ sơ kỳ trước chu yếu sang"),
    (5, 5, 5, 7, "Tổng hồ sơ tiếp nhận kỳ này"),
    (6, 6, 5, 7, "Hồ sơ có tài khoản DVC QG"),
    (7, 10, 5, 5, "Trong đó"),
    (7, 7, 6, 7, "Hồ sơ tiếp nhận (trực tiếp)"),
    (8, 8, 6, 7, "Hồ sơ tiếp nhận (trực tuyến)"),
    (9, 10, 6, 6, "Số hóa thành phần hồ sơ"),
    (9, 9, 7, 7, "Một phần"),
    (10, 10, 7, 7, "Toàn bộ"),
    (11, 11, 5, 7, "Tỷ lệ số hóa TPHS (%)"),
    (12, 12, 5, 7, "Tổng số hồ sơ đã giải quyết"),
    (13, 14, 5, 5, "Trong đó"),
    (13, 13, 6, 7, "Hồ sơ số hóa kết quả"),
    (14, 14, 6, 7, "Tỷ lệ số hóa kết quả (%)"),
    (15, 15, 5, 7, "Hồ sơ sử dụng lại dự liệu số hóa"),
    (16, 16, 5, 7, "Tỷ lệ tái sử dụng KQ số hóa"),
    (17, 17, 5, 7, "Tỷ lệ hồ sơ trực tuyến (%)"),
    (18, 18, 5, 7, "Tỷ lệ thanh toán trực tuyến (%)"),
    (19, 19, 5, 7, "Tỷ lệ khai thác CSD về DC"),
    (20, 20, 5, 7, "Hồ sơ giải quyết trước và đúng hạn"),
    (21, 21, 5, 7, "Hồ sơ giải quyết trễ hạn"),
    (22, 22, 5, 7, "Số lượng hồ sơ chứng thực điện tử"),
)
# The dispatch's number row, positioned as extracted: 19 labels over columns 1..19.
SEED_NUMBERS = [f"({n})" for n in range(1, 20)]
SEED_NUMBERS[8] = "(9)= (7+8)/(3)"
SEED_NUMBERS[11] = "(12)= (11)/(10)"
SEED_NUMBERS[13] = "(14)= (13)/(5+6)"

DISTRICT_ROW = 10
FIRST_COMMUNE_ROW = 12  # Bồng Sơn
COMMUNE_TOTAL_ROW = 29


def load_fixture() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def counts_of(record: dict[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for column, value in record.items():
        name = RENAMED.get(column, column)
        if name in COUNT_NAMES:
            out[name] = int(value)
    return out


def vi_rate(text: str) -> str:
    return text.replace(".", ",")


def seed_cells(record: dict[str, str]) -> list[str | int | None]:
    """The 20 value cells of one unit row, written the way the dispatch prints them."""
    counts = counts_of(record)
    cells: list[str | int | None] = []
    for kind, name in VALUE_COLUMNS:
        if kind == "rate":
            cells.append(vi_rate(record[RATE_COLUMNS[name]]))
        elif name == "carried_over":
            cells.append(counts[name])  # a real number cell, as a mixed sheet would have
        elif name == "digitized_full" and record["level"] == "district":
            cells.append(str(counts[name]))  # the dispatch prints "3382" without a separator
        else:
            cells.append(format_int_vi(counts[name]))
    return cells


def all_total_cells(records: list[dict[str, str]]) -> list[str | int | None]:
    units = [counts_of(r) for r in records]
    cells: list[str | int | None] = []
    for kind, name in VALUE_COLUMNS:
        if kind == "count":
            cells.append(format_int_vi(sum(u[name] for u in units)))
            continue
        indicator = get_indicator(name)
        if all(f in units[0] for f in (*indicator.numerator, indicator.denominator)):
            value = ratio_of_sums(indicator_parts(indicator, u) for u in units)
            assert value is not None
            cells.append(format_decimal_vi(round_rate(value), 2))
        else:
            cells.append(None)  # payment / population DB: no counts in the appendix
    return cells


def build_seed_xlsx(edit: Callable[[Worksheet], None] | None = None) -> bytes:
    records = load_fixture()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Phụ lục"
    ws["A1"] = "Phụ lục"
    ws["A2"] = "TỔNG HỢP CÁC CHỈ SỐ DỊCH VỤ HÀNH CHÍNH CÔNG 6 THÁNG ĐẦU NĂM 2023"
    ws["A3"] = "(Kèm theo Văn bản số: /UBND-VP ngày /06/2023 của UBND thị xã Hoài Nhơn)"
    for c1, c2, r1, r2, text in SEED_HEADER:
        ws.cell(row=r1, column=c1, value=text)
        if (c1, r1) != (c2, r2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for col, label in enumerate(SEED_NUMBERS, start=1):
        ws.cell(row=8, column=col, value=label)
    ws.cell(row=9, column=1, value="Cấp huyện")
    row = DISTRICT_ROW
    for record in records:
        if record["level"] != "district":
            continue
        ws.cell(row=row, column=2, value=record["unit_name"])
        for i, value in enumerate(seed_cells(record)):
            ws.cell(row=row, column=3 + i, value=value)
        row += 1
    ws.cell(row=row, column=1, value="Cấp xã")
    row += 1
    communes = [r for r in records if r["level"] == "commune"]
    for n, record in enumerate(communes, start=1):
        ws.cell(row=row, column=1, value=n)
        ws.cell(row=row, column=2, value=record["unit_name"])
        for i, value in enumerate(seed_cells(record)):
            ws.cell(row=row, column=3 + i, value=value)
        row += 1
    assert row == COMMUNE_TOTAL_ROW
    ws.cell(row=row, column=2, value="Tổng số cấp xã")
    for i, value in enumerate(PRINTED_COMMUNE_TOTAL):
        ws.cell(row=row, column=3 + i, value=value)
    row += 1
    ws.cell(row=row, column=2, value="Tổng cấp huyện và xã")
    for i, value in enumerate(all_total_cells(records)):
        ws.cell(row=row, column=3 + i, value=value)
    ws.cell(row=row + 2, column=2, value="Người lập biểu")  # footer text is not data
    if edit is not None:
        edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_edited(edit: Callable[[Worksheet], None]) -> ParsedAppendix:
    return appendix_read_xlsx(build_seed_xlsx(edit))


def errors(parsed: ParsedAppendix) -> list[str]:
    return [p.message_vi for p in parsed.problems if p.severity == "error"]


def warnings(parsed: ParsedAppendix) -> list[str]:
    return [p.message_vi for p in parsed.problems if p.severity == "warning"]


def test_it_reads_the_seed_table_exactly() -> None:
    parsed = appendix_read_xlsx(build_seed_xlsx())
    assert parsed.problems == []
    assert parsed.ok
    records = load_fixture()
    assert len(parsed.rows) == 18
    for row, record in zip(parsed.rows, records, strict=True):
        assert row.counts == counts_of(record)
        assert row.unit_name == record["unit_name"].removeprefix("UBND ")
        assert row.section == record["level"]
        assert row.gso_code is None
        assert row.sheet == "Phụ lục"
    assert parsed.rows[0].unit_name == "thị xã Hoài Nhơn"
    assert parsed.rows[0].row == DISTRICT_ROW
    assert parsed.rows[1].unit_name == "phường Bồng Sơn"
    assert parsed.rows[1].row == FIRST_COMMUNE_ROW
    assert parsed.rows[1].published_rates["digitization"] == Decimal("83.7")
    assert parsed.rows[1].published_rates["payment"] == Decimal("68.89")
    assert [t.section for t in parsed.totals] == ["commune_total", "all_total"]
    commune_total = parsed.totals[0]
    assert commune_total.counts["received_online"] == 9805
    assert commune_total.counts["e_certified_copies"] == 6393
    assert commune_total.published_rates["online"] == Decimal("66.73")


def test_it_round_trips_the_seed_through_the_writer() -> None:
    records = load_fixture()
    district = [(r["unit_name"], counts_of(r)) for r in records if r["level"] == "district"]
    communes = [(r["unit_name"], counts_of(r)) for r in records if r["level"] == "commune"]
    data = appendix_write_xlsx(
        title="TỔNG HỢP CÁC CHỈ SỐ DỊCH VỤ HÀNH CHÍNH CÔNG",
        period_label="Từ 01/01/2023 đến 30/06/2023",
        district_rows=district,
        commune_rows=communes,
    )
    parsed = appendix_read_xlsx(data)
    assert parsed.problems == []
    assert [r.counts for r in parsed.rows] == [c for _n, c in (*district, *communes)]
    assert [r.section for r in parsed.rows] == ["district"] + ["commune"] * 17
    commune_total, all_total = parsed.totals
    assert commune_total.published_rates["online"] == Decimal("66.73")
    assert commune_total.published_rates["digitization"] == Decimal("67.37")
    assert all_total.counts["total"] == 11232 + 14972
    assert "payment" not in all_total.published_rates  # no counts -> empty, not 0

    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws.freeze_panes == "C9"
    assert ws["C10"].value == 11232 and ws["C10"].number_format == "#,##0"
    assert ws["K10"].number_format == "0.00"
    total_row = 9 + 1 + 1 + 1 + 17
    assert ws.cell(row=total_row, column=2).value == "Tổng số cấp xã"
    assert ws.cell(row=total_row, column=3).font.b


def test_it_reports_a_formula_cell() -> None:
    parsed = read_edited(lambda ws: ws.__setitem__("H12", "=SUM(1,2)"))
    assert errors(parsed) == ["Ô H12 chứa công thức, cần nhập giá trị."]
    assert parsed.problems[0].row == 12
    assert parsed.problems[0].column == "H"
    assert not parsed.ok


def test_it_reports_a_negative_count() -> None:
    parsed = read_edited(lambda ws: ws.__setitem__("D12", -16))
    (message,) = errors(parsed)
    assert "D12" in message and "âm" in message


def test_it_reports_text_that_is_not_a_number() -> None:
    parsed = read_edited(lambda ws: ws.__setitem__("D12", "12a"))
    (message,) = errors(parsed)
    assert "D12" in message and "«12a» không phải là số" in message


def test_it_reports_a_non_integer_count() -> None:
    parsed = read_edited(lambda ws: ws.__setitem__("D12", "16,5"))
    (message,) = errors(parsed)
    assert "số nguyên" in message


def test_it_reports_a_broken_identity_with_the_row() -> None:
    # Bồng Sơn: total 1.087 = 16 + 1.071; 1.088 breaks it. The commune total then also
    # disagrees with the sum of the units, which is a warning.
    parsed = read_edited(lambda ws: ws.__setitem__("C12", "1.088"))
    (message,) = errors(parsed)
    assert message.startswith("Dòng 12 (phường Bồng Sơn): Tổng số hồ sơ (1.088) phải bằng")
    assert parsed.problems[0].column == "C"
    assert len(warnings(parsed)) == 2  # "Tổng số cấp xã" and "Tổng cấp huyện và xã"


def test_it_reports_a_duplicate_unit() -> None:
    parsed = read_edited(lambda ws: ws.__setitem__("B13", "phường Bồng Sơn"))
    # Hoài Đức's counts are now under Bồng Sơn's name: only the duplicate is an error.
    (message,) = errors(parsed)
    assert "trùng với dòng 12" in message
    assert parsed.problems[0].row == 13


def test_it_warns_on_a_total_row_off_by_one() -> None:
    parsed = read_edited(lambda ws: ws.__setitem__(f"E{COMMUNE_TOTAL_ROW}", "14.694"))
    assert errors(parsed) == []
    (message,) = warnings(parsed)
    assert "14.694" in message and "14.693" in message
    assert parsed.ok


def test_it_warns_on_a_published_rate_that_does_not_match() -> None:
    parsed = read_edited(lambda ws: ws.__setitem__("K12", "83,8"))
    assert errors(parsed) == []
    (problem,) = parsed.problems
    assert problem.severity == "warning"
    assert problem.column == "K" and problem.row == 12
    assert "83,8" in problem.message_vi and "83,7" in problem.message_vi


def test_it_reads_an_optional_gso_code_column() -> None:
    def add_gso(ws: Worksheet) -> None:
        ws["W5"] = "Mã ĐVHC"
        ws.merge_cells("W5:W7")
        ws["W10"] = 543
        ws["W12"] = "21640"
        ws["W13"] = 1234  # a numeric cell loses leading zeros; the tier width restores them

    parsed = read_edited(add_gso)
    assert parsed.problems == []
    assert parsed.rows[0].gso_code == "543"
    assert parsed.rows[1].gso_code == "21640"
    assert parsed.rows[2].gso_code == "01234"
    assert parsed.rows[3].gso_code is None
    assert parsed.rows[1].counts["total"] == 1087


def test_it_rejects_a_sheet_with_shifted_columns() -> None:
    parsed = read_edited(lambda ws: ws.delete_cols(4))
    assert not parsed.ok
    assert parsed.rows == []
    assert "không khớp mẫu" in errors(parsed)[0]


def test_it_rejects_random_bytes() -> None:
    with pytest.raises(AppendixError, match="không phải là bảng tính"):
        appendix_read_xlsx(os.urandom(2048) + b"\x00")


def test_it_rejects_an_encrypted_or_damaged_ole_file() -> None:
    with pytest.raises(AppendixError, match="mật khẩu"):
        appendix_read_xlsx(ooxml_encrypted())
    with pytest.raises(AppendixError, match=r"\(\.xls\) bị hỏng"):
        appendix_read_xlsx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)


def test_it_rejects_a_zip_bomb() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)
    assert len(buffer.getvalue()) < 1_000_000
    with pytest.raises(AppendixError, match="quá lớn"):
        appendix_read_xlsx(io.BytesIO(buffer.getvalue()))


def test_it_applies_a_lower_unpacked_limit() -> None:
    with pytest.raises(AppendixError, match="quá lớn"):
        appendix_read_xlsx(build_seed_xlsx(), max_unpacked_bytes=1000)


def test_it_rejects_a_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(AppendixError, match="không phải bảng tính"):
        appendix_read_xlsx(buffer.getvalue())


def test_it_rejects_a_workbook_without_the_number_row() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "Bảng tổng hợp"
    ws["B3"] = "phường Bồng Sơn"
    ws["C3"] = 1087
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(AppendixError, match=r"\(1\) \(2\)"):
        appendix_read_xlsx(out.getvalue())


def test_it_rejects_an_empty_workbook() -> None:
    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(AppendixError, match="không có dữ liệu"):
        appendix_read_xlsx(out.getvalue())
    with pytest.raises(AppendixError):
        appendix_read_xlsx(b"")


def test_it_never_writes_a_formula_from_text() -> None:
    counts = counts_of(load_fixture()[1])
    evil = '=HYPERLINK("x")'
    data = appendix_write_xlsx(
        title="+cmd",
        period_label="@SUM(A1)",
        district_rows=[("-2+3", counts)],
        commune_rows=[(evil, counts)],
    )
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert ws["A2"].value == "+cmd"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    parsed = appendix_read_xlsx(data)
    assert parsed.problems == []
    assert [r.unit_name for r in parsed.rows] == ["-2+3", evil]


def test_it_writes_empty_rates_when_there_is_no_data() -> None:
    zero = dict.fromkeys(COUNT_NAMES, 0)
    data = appendix_write_xlsx(
        title="T", period_label="P", district_rows=[("thị xã A", zero)], commune_rows=[]
    )
    parsed = appendix_read_xlsx(data)
    assert parsed.problems == []
    assert parsed.rows[0].published_rates == {}
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws["K10"].value is None


@st.composite
def valid_counts(draw: st.DrawFn) -> dict[str, int]:
    """Counts that satisfy every identity of formulas.check_identities."""
    small = st.integers(min_value=0, max_value=50_000)
    in_person, online = draw(small), draw(small)
    received = in_person + online
    carried = draw(small)
    partial = draw(st.integers(min_value=0, max_value=received))
    full = draw(st.integers(min_value=0, max_value=received - partial))
    on_time, late = draw(small), draw(small)
    resolved = on_time + late
    return {
        "total": carried + received,
        "carried_over": carried,
        "received": received,
        "with_portal_account": draw(st.integers(min_value=0, max_value=received)),
        "received_in_person": in_person,
        "received_online": online,
        "digitized_partial": partial,
        "digitized_full": full,
        "resolved": resolved,
        "results_digitized": draw(st.integers(min_value=0, max_value=resolved)),
        "reused": draw(st.integers(min_value=0, max_value=received)),
        "resolved_on_time": on_time,
        "resolved_late": late,
        "e_certified_copies": draw(small),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    district=valid_counts(),
    communes=st.lists(valid_counts(), min_size=1, max_size=20),
)
def test_it_round_trips_random_valid_counts(
    district: dict[str, int], communes: list[dict[str, int]]
) -> None:
    commune_rows = [(f"xã Số {i}", c) for i, c in enumerate(communes, start=1)]
    data = appendix_write_xlsx(
        title="Tổng hợp",
        period_label="Quý I",
        district_rows=[("UBND huyện Thử", district)],
        commune_rows=commune_rows,
    )
    parsed = appendix_read_xlsx(data)
    assert parsed.problems == []
    assert [r.counts for r in parsed.rows] == [district, *communes]
    assert [r.unit_name for r in parsed.rows] == ["huyện Thử"] + [n for n, _c in commune_rows]
