"""Seed the Decision 766 scoring table, version "2025-reconstructed", from the table of
../shared/domain/INDEX766.md (publicly reconstructed, not the law). Frozen here on purpose:
a migration must give the same result whatever the code looks like later. A corrected
table is a new version added in the admin, not an edit of this one."""

from decimal import Decimal

from django.db import migrations

VERSION = "2025-reconstructed"
SOURCE = (
    "Tái dựng công khai (INDEX766.md): bản trích “Công thức 766.xlsx” và công cụ mã nguồn mở "
    "khớp điểm công bố trong ±0,015 điểm. 6 nhóm như Cổng Dịch vụ công quốc gia chấm "
    "2024–2025 (18/20/12/10/22/18). Chưa phải văn bản pháp lý: điểm Cổng công bố là căn cứ."
)
COMMUNE = "commune"

# (code, name, points, order)
GROUPS = [
    ("public", "Công khai, minh bạch", 18, 1),
    ("progress", "Tiến độ giải quyết", 20, 2),
    ("online", "Dịch vụ công trực tuyến", 12, 3),
    ("payment", "Thanh toán trực tuyến", 10, 4),
    ("digitization", "Số hóa hồ sơ", 22, 5),
    ("satisfaction", "Mức độ hài lòng", 18, 6),
]

# group, code, name, points, kind, threshold, numerator, denominator, approximate numerator,
# approximate denominator, not applicable at, shortfall, gain, note
INDICATORS = [
    ("public", "published_on_time", "TTHC được công bố đúng hạn", 6, "linear", None,
     "", "", "", "", COMMUNE, "", "", "Số liệu danh mục TTHC, chưa thu thập"),
    ("public", "updated_on_time", "TTHC được cập nhật, công khai đúng hạn", 4, "linear", None,
     "", "", "", "", COMMUNE, "", "", "≤ 5 ngày làm việc sau quyết định công bố"),
    ("public", "full_content", "TTHC công khai đầy đủ nội dung", 2, "linear", None,
     "", "", "", "", COMMUNE, "", "", ""),
    ("public", "synced", "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia", 6, "linear", None,
     "synced_dossiers", "received", "", "", "", "hồ sơ chưa đồng bộ", "",
     "Mẫu số: lớn hơn của hệ thống địa phương và Cổng quốc gia; ở đây: hồ sơ tiếp nhận"),
    ("progress", "on_time", "Hồ sơ giải quyết trước hạn, đúng hạn", 20, "linear", None,
     "resolved_on_time,in_progress_on_time", "resolved,in_progress",
     "resolved_on_time", "resolved", "", "hồ sơ trễ hạn", "",
     "Gần đúng khi thiếu “đang giải quyết trong hạn”: đúng hạn / đã giải quyết"),
    ("online", "procedures_online", "TTHC cung cấp dịch vụ công trực tuyến", 2, "threshold", 80,
     "procedures_online", "procedures_total", "", "", COMMUNE, "",
     "thủ tục có dịch vụ công trực tuyến", ""),
    ("online", "online_used", "Dịch vụ công trực tuyến có phát sinh hồ sơ", 4, "linear", None,
     "procedures_online_used", "procedures_online", "", "", "",
     "dịch vụ trực tuyến chưa phát sinh hồ sơ", "", ""),
    ("online", "online_dossiers", "Hồ sơ nộp trực tuyến", 6, "threshold", 50,
     "received_online", "received", "", "", "", "", "hồ sơ trực tuyến",
     "Chưa nhân hệ số đồng bộ"),
    ("payment", "paid_online", "Hồ sơ thanh toán trực tuyến", 6, "linear", None,
     "paid_online_dossiers", "fee_dossiers", "payments_online", "payments_total", "",
     "hồ sơ có phí chưa thanh toán trực tuyến", "",
     "Gần đúng: giao dịch trực tuyến / tổng giao dịch thanh toán"),
    ("payment", "procedures_paid_online", "TTHC có giao dịch thanh toán trực tuyến", 2,
     "threshold", 80, "procedures_paid_online", "procedures_with_fee", "", "", "", "",
     "thủ tục có thanh toán trực tuyến", ""),
    ("payment", "fee_integrated", "TTHC tích hợp phí, lệ phí để thanh toán trực tuyến", 2,
     "linear", None, "procedures_fee_integrated", "procedures_with_fee", "", "", COMMUNE,
     "thủ tục có phí chưa tích hợp", "", "Hệ số chưa chắc chắn"),
    ("digitization", "e_results", "Hồ sơ cấp kết quả điện tử", 6, "linear", None,
     "results_digitized", "resolved", "", "", "", "hồ sơ chưa có kết quả điện tử", "", ""),
    ("digitization", "digitized", "Hồ sơ số hóa", 4, "linear", None,
     "digitized_partial,digitized_full", "received", "", "", "", "hồ sơ chưa số hóa", "",
     "Thành phần hồ sơ số hóa / hồ sơ tiếp nhận"),
    ("digitization", "e_certified", "Cấp bản sao điện tử có chứng thực", 2, "linear", None,
     "", "", "", "", COMMUNE, "", "", "Xã có cung cấp / số xã (cấp tỉnh)"),
    ("digitization", "reuse", "Hồ sơ sử dụng lại dữ liệu số hóa", 2, "threshold", 80,
     "reused", "received", "", "", "", "", "hồ sơ sử dụng lại dữ liệu số hóa", ""),
    ("digitization", "personal_data_store", "Kết nối kho dữ liệu cá nhân", 4, "linear", None,
     "", "", "", "", "", "", "", "Hệ số chưa chắc chắn; chưa thu thập"),
    ("digitization", "population_db", "Hồ sơ khai thác CSDL quốc gia về dân cư", 2, "linear",
     None, "population_db_authenticated", "received", "population_db_checked", "received", "",
     "hồ sơ chưa xác thực qua CSDL dân cư", "", ""),
    ("digitization", "population_db_procedures", "TTHC kết nối CSDL quốc gia về dân cư", 2,
     "linear", None, "", "", "", "", COMMUNE, "", "", ""),
    ("satisfaction", "feedback_on_time", "Phản ánh, kiến nghị xử lý đúng hạn", 6,
     "full_if_empty", None, "feedback_on_time", "feedback_received", "", "", "",
     "phản ánh, kiến nghị chưa xử lý đúng hạn", "", "Đủ điểm khi không có phản ánh"),
    ("satisfaction", "feedback_satisfaction", "Hài lòng về xử lý phản ánh, kiến nghị", 6,
     "full_if_empty", None,
     "feedback_received,-feedback_dissatisfied,-feedback_repeated,-feedback_overdue",
     "feedback_received", "", "", "", "phản ánh chưa hài lòng, lặp lại hoặc quá hạn", "",
     "Đủ điểm khi không có phản ánh"),
    ("satisfaction", "procedure_satisfaction", "Hài lòng về giải quyết TTHC", 6, "threshold",
     90, "resolved,-resolved_late,-feedback_dissatisfied", "resolved",
     "ratings_satisfied", "ratings_total", "", "", "hồ sơ đúng hạn, không bị phản ánh",
     "100 % − (% trễ hạn + % phản ánh không hài lòng); gần đúng: lượt đánh giá hài lòng"),
]


def seed(apps, schema_editor):
    RuleSet = apps.get_model("indicators", "Index766RuleSet")
    Group = apps.get_model("indicators", "Index766Group")
    Indicator = apps.get_model("indicators", "Index766Indicator")
    import datetime as dt

    rule_set, created = RuleSet.objects.get_or_create(
        version=VERSION,
        defaults={
            "valid_from": dt.date(2022, 8, 1),
            "source_note": SOURCE,
            "not_applicable_full": True,
        },
    )
    if not created:
        return
    groups = {}
    for code, name, points, order in GROUPS:
        groups[code] = Group.objects.create(
            rule_set=rule_set, code=code, name_vi=name, max_points=Decimal(points), order=order
        )
    for order, row in enumerate(INDICATORS, start=1):
        (group, code, name, points, kind, threshold, num, den, anum, aden, na, short, gain,
         note) = row
        Indicator.objects.create(
            group=groups[group],
            code=code,
            name_vi=name,
            max_points=Decimal(points),
            kind=kind,
            threshold=Decimal(threshold) if threshold is not None else None,
            numerator=num,
            denominator=den,
            approx_numerator=anum,
            approx_denominator=aden,
            not_applicable_levels=na,
            shortfall_label=short,
            gain_label=gain,
            note=note,
            order=order,
        )


def unseed(apps, schema_editor):
    apps.get_model("indicators", "Index766RuleSet").objects.filter(version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0007_index766")]
    operations = [migrations.RunPython(seed, unseed)]
