"""The project's URLs plus /bench/minimal/: the cheapest Django answer, the floor bench/load compares with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    """Return a few bytes of plain text, through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), *project_urlpatterns]
