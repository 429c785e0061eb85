"""The search page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports.search.forms import SearchForm
from reports.search.page import search_result_url
from reports.search.selectors import unit_search


def search(request: HttpRequest) -> HttpResponse:
    """Render the units whose names match the query, typed with or without diacritics."""
    form = SearchForm(request.GET)
    query = form.query()
    results = unit_search(query=query) if query else []
    for row in results:
        row["url"] = search_result_url(row)
    typed = query or (form["q"].value() or "").strip()
    return render(request, "reports/search.html", {"form": form, "search_query": typed, "results": results})
