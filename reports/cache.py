"""The public page cache: a page is computed once per URL, language and data generation.

The key is the full URL (path and query), the active language and the data generation of
indicators.signals, which changes on every write of a value, average, indicator, source or
unit: a cached page can never outlive the data it shows, and nothing has to be deleted.
Only anonymous GET/HEAD requests answered 200 are cached; signed-in staff (who may see previews)
always get a freshly computed page, and the admin is never wrapped.

Every page carries the CSRF token of the language switch, which is personal: it is stored as a
placeholder and the visitor's own token is put back on each hit (which also sets their cookie).
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from indicators.signals import data_generation

_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
_PLACEHOLDER = b"\x00csrf-token\x00"
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def page_key(request: HttpRequest) -> str:
    """Return the cache key of a public page: URL, language and data generation."""
    url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{data_generation()}:{get_language()}:{url}"


def _cacheable_request(request: HttpRequest) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in {"GET", "HEAD"}:
        return False
    # Staff may see previews of unpublished values: their pages are never shared, nor served from the cache.
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _stored(response: HttpResponse) -> dict:
    return {
        "status": response.status_code,
        "content": _TOKEN.sub(rb"\1" + _PLACEHOLDER + rb"\3", response.content),
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
    }


def _rebuilt(request: HttpRequest, stored: dict) -> HttpResponse:
    content = stored["content"]
    if _PLACEHOLDER in content:
        content = content.replace(_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=stored["status"])
    for name, value in stored["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
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
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                cache.set(key, _stored(response), timeout=settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
        # The page is in the language of the visitor's language cookie.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped
