"""Cursor pagination: stable pages while figures are added, and a ``Link: <…>; rel="next"`` header."""

from django.conf import settings
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class ApiCursorPagination(CursorPagination):
    """Pages in id order (ids never change), ``limit`` rows each (API_PAGE_SIZE, at most API_MAX_PAGE_SIZE)."""

    ordering = "id"
    page_size_query_param = "limit"

    def __init__(self) -> None:
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_paginated_response(self, data: list) -> Response:
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response
