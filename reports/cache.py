"""The public page cache: a page is computed once per URL, language and data generation.

The key is the full URL (path and query), the active language and the data generation of
indicators.signals, which changes on every write of a value, average, indicator, source or
unit: a cached page can never outlive the data it shows, and nothing has to be deleted.
Only anonymous GET/HEAD requests answered 200 are cached; signed-in staff (who may see previews)
always get a freshly computed page, and the admin is never wrapped.

Every page carries the CSRF token of the language switch, which is personal: the page is stored
gzipped in parts around it (reports.gzipped_page) and each answer, the first included, puts the
visitor's own token in (which also sets their cookie). A browser that accepts gzip gets the stored
parts as they are, with Django's BREACH mitigation (PageGZipMiddleware leaves an encoded answer
alone); any other client gets the text. A body that gzip would not shorten (an XLSX, a PDF) is
stored as it is, and PageGZipMiddleware then does what it does for any page.
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from config.middleware import PageGZipMiddleware
from indicators.signals import data_generation
from reports.gzipped_page import compressed_size, gzip_body, gzipped_page, page_text

_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[^"]+(?=")')
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "X-Robots-Tag")
# GZipMiddleware leaves a body shorter than this uncompressed.
_GZIP_MIN_BYTES = 200


def page_key(request: HttpRequest) -> str:
    """Return the cache key of a public page: URL, language, data generation and static files' version."""
    url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    # "gz": the entry's form (a page stored gzipped); an older form under the same URL is never read.
    return f"page:gz:{data_generation()}:{_static_version()}:{get_language()}:{url}"


def _static_version() -> str:
    """Return the hash of collectstatic's manifest ("" without one, as in development).

    Pages name static files by their hashed names (ManifestStaticFilesStorage). A deploy that changes a
    static file removes the old names, so a page cached before it would load scripts that are gone: the
    manifest's hash in the key makes the new processes compute their pages afresh.
    """
    return getattr(staticfiles_storage, "manifest_hash", "")


def _cacheable_request(request: HttpRequest) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in {"GET", "HEAD"}:
        return False
    # Staff may see previews of unpublished values: their pages are never shared, nor served from the cache.
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _stored(response: HttpResponse) -> dict:
    pieces = _TOKEN.split(response.content)
    page = gzipped_page(pieces)
    worth = len(response.content) >= _GZIP_MIN_BYTES and compressed_size(page) < len(response.content)
    return {
        "status": response.status_code,
        "page": page if worth else None,
        "pieces": None if worth else pieces,
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
    }


def _token(request: HttpRequest, gaps: int) -> bytes:
    # Asked for only when the page has one: asking sets the visitor's CSRF cookie.
    return get_token(request).encode() if gaps else b""


def _rebuilt(request: HttpRequest, stored: dict) -> HttpResponse:
    page = stored["page"]
    if page is None:
        pieces = stored["pieces"]
        response = HttpResponse(_token(request, len(pieces) - 1).join(pieces), status=stored["status"])
    elif re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        token = _token(request, len(page.shifts))
        body = gzip_body(page, token, max_random_bytes=PageGZipMiddleware.max_random_bytes)
        response = HttpResponse(body, status=stored["status"])
        response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        patch_vary_headers(response, ("Accept-Encoding",))
    else:
        response = HttpResponse(page_text(page, _token(request, len(page.shifts))), status=stored["status"])
    for name, value in stored["headers"].items():
        response[name] = value
    return response


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a public view so that its successful pages are served from the cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        stored = cache.get(key)
        if stored is not None:
            response = _rebuilt(request, stored)
            response["X-Page-Cache"] = "hit"
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                stored = _stored(response)
                cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
                # Answered from what was stored: the page is compressed once, not again by PageGZipMiddleware.
                response = _rebuilt(request, stored)
                response["X-Page-Cache"] = "miss"
        # The page is in the language of the visitor's language cookie.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped
