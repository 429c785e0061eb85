"""URLs of /api/v1/ (docs/api.md)."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import views
from api.problems import PROBLEM_CONTENT_TYPE, problem

app_name = "api"


def docs(request: HttpRequest):
    """Render the interactive documentation (Swagger UI, served by the site itself, booted by a static script)."""
    return render(request, "api/docs.html")


def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Answer a path under /api/v1/ that names no endpoint with a problem document (not the site's 404 page).

    A plain view (no content negotiation): whatever format was asked, this is the answer.
    """
    document = problem(status_code=404, detail=f"No endpoint at {request.path}; see /api/v1/docs/.")
    return JsonResponse(document, status=404, content_type=PROBLEM_CONTENT_TYPE)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    path("units/", views.UnitsView.as_view(), name="units"),
    path("units/<int:pk>/", views.UnitView.as_view(), name="unit"),
    path("indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("indicators/<slug:code>/", views.IndicatorView.as_view(), name="indicator"),
    path("values/", views.ValuesView.as_view(), name="values"),
    path("rankings/", views.RankingView.as_view(), name="ranking"),
    path("averages/", views.AveragesView.as_view(), name="averages"),
    path("sources/", views.SourcesView.as_view(), name="sources"),
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),  # [\s\S]: a path with a newline is still ours,
]
