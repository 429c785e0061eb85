"""URL configuration: the public dashboard (reports), the API, the admin, the language switch and the health check."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from config.health import healthz


def favicon(request: HttpRequest) -> HttpResponse:
    """Send browsers that ask for /favicon.ico (the admin pages name no icon) to the site's icon."""
    return redirect(static("reports/favicon.svg"), permanent=True)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("", include("reports.urls")),
]
