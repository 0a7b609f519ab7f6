from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("units.signin.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("", include("indicators.urls")),
]
