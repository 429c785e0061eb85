"""Request size limit: refuse an oversize body before anything reads it, with a message a person understands."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose declared body exceeds ``settings.MAX_REQUEST_BYTES``.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to disk whatever
    their size; the import form refuses a large file only after receiving it. This stops the upload at
    the door. The reverse proxy should have its own, slightly larger limit (docs/deploying.md).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(_("The request's Content-Length is not a number."), status=400)
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            message = _(
                "The request is too large (%(size)s); the largest accepted is %(limit)s. "
                "Import files may be up to %(import_limit)s: split a larger file by year or indicator."
            ) % {
                "size": filesizeformat(length),
                "limit": filesizeformat(limit),
                "import_limit": filesizeformat(settings.IMPORT_MAX_BYTES),
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
