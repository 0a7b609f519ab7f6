from django.urls import path

from indicators.figures import bulk, views

urlpatterns = [
    path("so-lieu/", views.figures_list, name="figures_list"),
    path("so-lieu/duyet-nhieu/", bulk.figures_approve_bulk, name="figures_approve_bulk"),
    path("so-lieu/<int:unit_id>/<str:period_code>/", views.figures_edit, name="figures_edit"),
    path(
        "so-lieu/<int:unit_id>/<str:period_code>/lich-su/",
        views.figures_history,
        name="figures_history",
    ),
    path(
        "so-lieu/<int:unit_id>/<str:period_code>/<str:action>/",
        views.figures_action,
        name="figures_action",
    ),
]
