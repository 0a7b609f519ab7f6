from django.urls import path

from indicators.summary import views

urlpatterns = [
    path("", views.home, name="index"),
    path("tong-hop/", views.summary, name="summary"),
    path("don-vi/<int:unit_id>/", views.unit_page, name="unit_page"),
    path("don-vi/tim/", views.unit_search, name="unit_search"),
    path("so-lieu/nhac-nho.csv", views.reminders_csv, name="reminders_csv"),
]
