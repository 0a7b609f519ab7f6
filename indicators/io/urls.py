"""URLs of the import and export pages."""

from django.urls import path

from indicators.io import views

urlpatterns = [
    path("nhap-tep/", views.import_upload, name="import_upload"),
    path("nhap-tep/mau.xlsx", views.import_template, name="import_template"),
    path("nhap-tep/<int:batch_id>/", views.import_preview, name="import_preview"),
    path("nhap-tep/<int:batch_id>/ghi/", views.import_commit, name="import_commit"),
    path("xuat/phu-luc.xlsx", views.export_xlsx, name="export_xlsx"),
    path("xuat/so-lieu.csv", views.export_csv, name="export_csv"),
]
