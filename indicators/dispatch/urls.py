from django.urls import path

from indicators.dispatch import views

urlpatterns = [
    path("cong-van/", views.dispatch_page, name="dispatch"),
    path("cong-van/tai-docx/", views.dispatch_docx, name="dispatch_docx"),
    path("cong-van/tai-xlsx/", views.dispatch_xlsx, name="dispatch_xlsx"),
    path("cong-van/ban-thao/tao/", views.draft_create, name="dispatch_draft_create"),
    path("cong-van/ban-thao/<int:draft_id>/", views.draft_edit, name="dispatch_draft"),
    path(
        "cong-van/ban-thao/<int:draft_id>/ban-hanh/", views.draft_issue, name="dispatch_draft_issue"
    ),
    path(
        "cong-van/ban-thao/<int:draft_id>/tai-docx/", views.draft_docx, name="dispatch_draft_docx"
    ),
    path(
        "cong-van/ban-thao/<int:draft_id>/tai-xlsx/", views.draft_xlsx, name="dispatch_draft_xlsx"
    ),
    path("cong-van/mau/", views.template_page, name="dispatch_template"),
    path("cong-van/mau/tai-ve/", views.template_download, name="dispatch_template_download"),
]
