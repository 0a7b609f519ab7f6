from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("units.signin.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("", include("indicators.urls")),
]

# Vietnamese error pages with a way back (500 keeps Django's handler: templates/500.html
# is a standalone page that needs no request).
handler400 = "kpi_portal.errors.bad_request"
handler403 = "kpi_portal.errors.permission_denied"
handler404 = "kpi_portal.errors.page_not_found"
