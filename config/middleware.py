"""Project middleware: the language, compressed pages, and numbers too large for the database."""

from django.conf import settings
from django.core.exceptions import BadRequest
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


class NumberOverflowMiddleware:
    """Answer 400, not 500, when a number from the request is too large for the database.

    The admin's change lists take any lookup on a model's own fields from the query string
    (``/admin/indicators/value/?unit=9223372036854775808``) and pass the text to the ORM unparsed;
    SQLite's driver then raises OverflowError for an integer beyond 64 bits when the query runs
    (PostgreSQL just finds nothing). The project's own parameters are range-checked
    (config/params.py ``id_param``); this covers every other way such a number reaches a query.
    Raised as BadRequest, Django answers with its 400 page and logs it as a bad request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, OverflowError):
            raise BadRequest("A number in the request is too large.") from exception
