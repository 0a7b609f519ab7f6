from django.urls import path

from indicators.dispatch import views

urlpatterns = [
    path("cong-van/", views.dispatch_page, name="dispatch"),
    path("cong-van/tai-docx/", views.dispatch_docx, name="dispatch_docx"),
    path("cong-van/tai-xlsx/", views.dispatch_xlsx, name="dispatch_xlsx"),
]
