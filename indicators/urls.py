from django.urls import path

from indicators import figures_views, views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
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
    # --- end ranking tables and charts ---
    # --- compliance summary and unit page: owned by indicators/compliance_views.py ---
    # --- end compliance summary and unit page ---
    # --- targets: owned by indicators/targets_views.py ---
    # --- end targets ---
    # --- dispatch: owned by indicators/dispatch_views.py ---
    # --- end dispatch ---
    # --- import / export: owned by indicators/io_views.py ---
    # --- end import / export ---
]
