from django.urls import path

from indicators.ranking import views

urlpatterns = [
    path("xep-hang/", views.ranking, name="ranking"),
    path(
        "xep-hang/du-lieu/<slug:chart>.<slug:fmt>",
        views.ranking_chart_data,
        name="ranking_chart_data",
    ),
]
