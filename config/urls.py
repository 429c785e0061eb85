"""URL configuration: the public dashboard (reports), the API, the admin, the language switch and the health check."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.health import healthz
from provinces.admin import LabelledAutocompleteJsonView

# The admin's titles (issue 15): Django's default reads "Django administration" / "Trang quản trị cho Django".
admin.site.site_header = _("PAR indicators administration")
admin.site.site_title = _("PAR indicators administration")
admin.site.index_title = _("Data entry and review")


def favicon(request: HttpRequest) -> HttpResponse:
    """Send browsers that ask for /favicon.ico (the admin pages name no icon) to the site's icon."""
    return redirect(static("reports/favicon.svg"), permanent=True)


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    # Before admin.site.urls: the same autocomplete, with units labelled by their validity (provinces/admin.py).
    path(
        "admin/autocomplete/",
        admin.site.admin_view(LabelledAutocompleteJsonView.as_view(admin_site=admin.site)),
        name="admin-autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("", include("reports.urls")),
]
