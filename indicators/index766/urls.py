from django.urls import path

from indicators.index766 import views

urlpatterns = [
    path("chi-so-766/", views.index766_page, name="index766"),
    path("chi-so-766/csv/", views.index766_csv, name="index766_csv"),
    path("chi-so-766/<int:unit_id>/", views.index766_unit, name="index766_unit"),
]
