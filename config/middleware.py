"""Language selection: Vietnamese unless the user chose English with the language switch."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Activate the language stored by the language switch, else the default (Vietnamese).

    Django's LocaleMiddleware would follow the browser's Accept-Language header, and many
    officials use browsers set to English: the site must still open in Vietnamese for them.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PageGZipMiddleware(GZipMiddleware):
    """Compress the HTML (and other in-memory) responses; leave streamed responses alone.

    Django's GZipMiddleware (with its BREACH mitigation, random bytes in the gzip header since
    Django 4.2) compresses pages ~10× (the national commune ranking: see bench/RESULTS.md).
    Streamed responses — the bulk export of every value, piped from PostgreSQL's COPY — stay
    uncompressed: compressing a gigabyte in the worker would cost the CPU that the export saves,
    and the proxy may compress them instead (docs/deploying.md). It sits after WhiteNoise, whose
    static files are already compressed at collectstatic time and never reach it.
    """

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.streaming:
            return response
        return super().process_response(request, response)
