"""The search page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.search.page import search_result_url
from reports.search.selectors import unit_search


def search(request: HttpRequest) -> HttpResponse:
    """Render the units whose names match the query, typed with or without diacritics."""
    query = request.GET.get("q", "").strip()[:100]
    results = unit_search(query=query) if query else []
    for row in results:
        row["url"] = search_result_url(row)
    return render(request, "reports/search.html", {"search_query": query, "results": results})
