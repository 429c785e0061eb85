"""Content negotiation that refuses a wrong ``format`` as bad input (400) instead of ignoring or 404."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class StrictFormatNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        wanted = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        formats = sorted({renderer.format for renderer in renderers})
        error = ValidationError({"format": [_("Use one of: %(formats)s.") % {"formats": ", ".join(formats)}]})
        if wanted is not None and wanted not in formats:
            raise error
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            raise error from None
