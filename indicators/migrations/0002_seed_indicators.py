"""Seed the indicator catalogue of DOMAIN.md. The rows are frozen here on purpose: a
migration must give the same result whatever the code looks like later."""

from django.db import migrations

INDICATORS = [{'code': 'online',
  'name_vi': 'Tỷ lệ hồ sơ trực tuyến',
  'name_en': 'Online dossier rate',
  'short_vi': 'Trực tuyến',
  'numerator_fields': 'received_online',
  'denominator_field': 'received',
  'higher_is_better': True,
  'order': 1},
 {'code': 'payment',
  'name_vi': 'Tỷ lệ thanh toán trực tuyến',
  'name_en': 'Online payment rate',
  'short_vi': 'Thanh toán trực tuyến',
  'numerator_fields': 'payments_online',
  'denominator_field': 'payments_total',
  'higher_is_better': True,
  'order': 2},
 {'code': 'digitization',
  'name_vi': 'Tỷ lệ số hóa hồ sơ (thành phần hồ sơ)',
  'name_en': 'Dossier digitization rate (dossier components)',
  'short_vi': 'Số hóa hồ sơ',
  'numerator_fields': 'digitized_partial,digitized_full',
  'denominator_field': 'received',
  'higher_is_better': True,
  'order': 3},
 {'code': 'e_results',
  'name_vi': 'Tỷ lệ cấp kết quả điện tử (số hóa kết quả)',
  'name_en': 'Electronic results rate (results digitized)',
  'short_vi': 'Kết quả điện tử',
  'numerator_fields': 'results_digitized',
  'denominator_field': 'resolved',
  'higher_is_better': True,
  'order': 4},
 {'code': 'reuse',
  'name_vi': 'Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa',
  'name_en': 'Reuse of digitized data rate',
  'short_vi': 'Tái sử dụng dữ liệu',
  'numerator_fields': 'reused',
  'denominator_field': 'received',
  'higher_is_better': True,
  'order': 5},
 {'code': 'feedback',
  'name_vi': 'Tỷ lệ xử lý phản ánh, kiến nghị đúng hạn',
  'name_en': 'Feedback handled on time rate',
  'short_vi': 'Phản ánh, kiến nghị',
  'numerator_fields': 'feedback_on_time',
  'denominator_field': 'feedback_received',
  'higher_is_better': True,
  'order': 6},
 {'code': 'satisfaction',
  'name_vi': 'Mức độ hài lòng',
  'name_en': 'Satisfaction rate',
  'short_vi': 'Hài lòng',
  'numerator_fields': 'ratings_satisfied',
  'denominator_field': 'ratings_total',
  'higher_is_better': True,
  'order': 7},
 {'code': 'on_time',
  'name_vi': 'Tỷ lệ hồ sơ giải quyết trước và đúng hạn',
  'name_en': 'Dossiers resolved on time rate',
  'short_vi': 'Đúng hạn',
  'numerator_fields': 'resolved_on_time',
  'denominator_field': 'resolved',
  'higher_is_better': True,
  'order': 8},
 {'code': 'population_db',
  'name_vi': 'Tỷ lệ khai thác CSDL quốc gia về dân cư',
  'name_en': 'Population database use rate',
  'short_vi': 'CSDL dân cư',
  'numerator_fields': 'population_db_checked',
  'denominator_field': 'received',
  'higher_is_better': True,
  'order': 9}]


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for row in INDICATORS:
        Indicator.objects.update_or_create(code=row["code"], defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("indicators", "Indicator").objects.filter(
        code__in=[row["code"] for row in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
