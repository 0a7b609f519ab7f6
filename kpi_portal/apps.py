from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project itself as an app, so that project-wide commands (backup_db, restore_db)
    live beside the code they run rather than in a feature app."""

    name = "kpi_portal"
    verbose_name = "KPI Portal"
