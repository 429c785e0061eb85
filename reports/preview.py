"""Staff preview of the public pages with unpublished figures (``?preview=1``), clearly marked.

For a staff member who may view values, ``?preview=1`` puts the request under
``indicators.preview.values_previewed``: every public page, chart and export then shows the values of
their scope as they would be after approval. Anyone else's ``preview`` is ignored. A preview response
is marked: the base template shows a banner (``request.preview``), downloads get a ``_PREVIEW`` file
name (and need the role's ``export_unpublished_value``), and nothing may store it (``Cache-Control:
private, no-store``; the page cache, reports.cache, never serves nor stores a signed-in user's page).
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from indicators.preview import may_preview, values_previewed
from reports.shared.links import url_with

PREVIEW_PARAMETER = "preview"
PREVIEW_SUFFIX = "_PREVIEW"
_FILENAME = re.compile(r'filename="([^"]*?)(\.[A-Za-z0-9]+)?"')


def preview_requested(request: HttpRequest) -> bool:
    """Return whether the request asks for a preview (whoever sends it)."""
    return request.GET.get(PREVIEW_PARAMETER) == "1"


def toggle_url(request: HttpRequest, *, preview: bool) -> str:
    """Return the current URL with the preview switched on or off, keeping the other parameters."""
    return url_with(request, drop=(PREVIEW_PARAMETER,), **({PREVIEW_PARAMETER: "1"} if preview else {}))


def preview_filename(disposition: str) -> str:
    """Return a Content-Disposition whose file name says PREVIEW: values.csv → values_PREVIEW.csv."""
    return _FILENAME.sub(lambda m: f'filename="{m[1]}{PREVIEW_SUFFIX}{m[2] or ""}"', disposition, count=1)


class PreviewMiddleware:
    """Run a staff member's ``?preview=1`` request with their unpublished values, and mark its response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        # The header's switch: only for staff who may preview (the check is only made for staff).
        allowed = user.is_authenticated and user.is_staff and may_preview(user)
        request.preview = allowed and preview_requested(request)
        request.preview_toggle_url = toggle_url(request, preview=not request.preview) if allowed else ""
        if not request.preview:
            return self.get_response(request)
        with values_previewed(user=user):
            response = self.get_response(request)
        if response.has_header("Content-Disposition"):
            if not user.has_perm("indicators.export_unpublished_value"):
                # A download of unpublished values is an export of them: the role must allow it.
                # The refused response is dropped unread: a streamed export has not run its query yet, and
                # closing it here would send request_finished (which closes the database connection).
                response = HttpResponseForbidden(_("Your role may not download unpublished values."))
            else:
                response["Content-Disposition"] = preview_filename(response["Content-Disposition"])
        add_never_cache_headers(response)  # private, no-store: no browser or proxy keeps a preview
        return response
