"""URLs of /api/v1/ (docs/api.md)."""

from django.http import HttpRequest
from django.shortcuts import render
from django.urls import path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api import views
from api.problems import PROBLEM_CONTENT_TYPE, problem

app_name = "api"


def docs(request: HttpRequest):
    """Render the interactive documentation (Swagger UI, served by the site itself, booted by a static script)."""
    return render(request, "api/docs.html")


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def not_found(request: Request, rest: str) -> Response:
    """Answer a path under /api/v1/ that names no endpoint with a problem document (not the site's 404 page)."""
    document = problem(status_code=404, detail=f"No endpoint at {request.path}; see /api/v1/docs/.")
    return Response(document, status=status.HTTP_404_NOT_FOUND, content_type=PROBLEM_CONTENT_TYPE)


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
    re_path(r"^(?P<rest>.*)$", not_found),
]
