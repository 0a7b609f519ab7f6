"""Every page of the portal, under one namespace ("indicators:…"); each feature lists its own
URLs in its package."""

from django.urls import include, path

app_name = "indicators"
urlpatterns = [
    path("", include("indicators.summary.urls")),
    path("", include("indicators.ranking.urls")),
    path("", include("indicators.figures.urls")),
    path("", include("indicators.targets.urls")),
    path("", include("indicators.dispatch.urls")),
    path("", include("indicators.io.urls")),
    path("", include("indicators.index766.urls")),
]
