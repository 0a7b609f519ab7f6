from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị hành chính"

    def ready(self) -> None:
        from units.audit import signals  # noqa: F401  (connects the audit receivers)
