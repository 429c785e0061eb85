"""The home page: the latest top and bottom provinces of each headline index."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.home.page import headline_cards
from reports.home.selectors import headline_indicators, headlines


def home(request: HttpRequest) -> HttpResponse:
    """Render the latest top and bottom provinces of each headline index."""
    cards = headline_cards(headlines(indicators=headline_indicators()))
    return render(request, "reports/home.html", {"cards": cards})
