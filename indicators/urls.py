from django.urls import path

from indicators import (
    compliance_views,
    dispatch_views,
    figures_views,
    io_views,
    targets_views,
    views,
)

app_name = "indicators"
urlpatterns = [
    path("", compliance_views.home, name="index"),
    path("xep-hang/", views.ranking, name="ranking"),
    # Figures entry, workflow and history.
    path("so-lieu/", figures_views.figures_list, name="figures_list"),
    path(
        "so-lieu/<int:unit_id>/<str:period_code>/", figures_views.figures_edit, name="figures_edit"
    ),
    path(
        "so-lieu/<int:unit_id>/<str:period_code>/lich-su/",
        figures_views.figures_history,
        name="figures_history",
    ),
    path(
        "so-lieu/<int:unit_id>/<str:period_code>/<str:action>/",
        figures_views.figures_action,
        name="figures_action",
    ),
    # --- ranking tables and charts: owned by indicators/views.py ---
    path(
        "xep-hang/du-lieu/<slug:chart>.<slug:fmt>",
        views.ranking_chart_data,
        name="ranking_chart_data",
    ),
    # --- end ranking tables and charts ---
    # --- compliance summary and unit page: owned by indicators/compliance_views.py ---
    path("tong-hop/", compliance_views.summary, name="summary"),
    path("don-vi/<int:unit_id>/", compliance_views.unit_page, name="unit_page"),
    path("so-lieu/nhac-nho.csv", compliance_views.reminders_csv, name="reminders_csv"),
    # --- end compliance summary and unit page ---
    # --- targets: owned by indicators/targets_views.py ---
    path("chi-tieu/", targets_views.plans_list, name="targets_plans"),
    path("chi-tieu/<int:plan_id>/", targets_views.plan_detail, name="targets_plan"),
    path("chi-tieu/<int:plan_id>/ap-dung/", targets_views.plan_apply, name="targets_apply"),
    path(
        "chi-tieu/<int:plan_id>/muc/<int:target_id>/",
        targets_views.target_detail,
        name="targets_target",
    ),
    # --- end targets ---
    # --- dispatch: owned by indicators/dispatch_views.py ---
    path("cong-van/", dispatch_views.dispatch_page, name="dispatch"),
    path("cong-van/tai-docx/", dispatch_views.dispatch_docx, name="dispatch_docx"),
    path("cong-van/tai-xlsx/", dispatch_views.dispatch_xlsx, name="dispatch_xlsx"),
    # --- end dispatch ---
    # --- import / export: owned by indicators/io_views.py ---
    path("nhap-tep/", io_views.import_upload, name="import_upload"),
    path("nhap-tep/mau.xlsx", io_views.import_template, name="import_template"),
    path("nhap-tep/<int:batch_id>/", io_views.import_preview, name="import_preview"),
    path("nhap-tep/<int:batch_id>/ghi/", io_views.import_commit, name="import_commit"),
    path("xuat/phu-luc.xlsx", io_views.export_xlsx, name="export_xlsx"),
    path("xuat/so-lieu.csv", io_views.export_csv, name="export_csv"),
    # --- end import / export ---
]
