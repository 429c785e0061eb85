"""Public pages of the dashboard."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Render the home page."""
    return render(request, "reports/home.html")
