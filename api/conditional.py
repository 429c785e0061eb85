"""ETag and Last-Modified from the data generation (indicators.signals), so that clients poll cheaply.

Every write of a value, average, indicator, source or unit starts a new data generation; until then
every read answers the same bytes for the same URL and format, so the generation and the request
make a strong validator, checked before any figure is read: a client polling with If-None-Match or
If-Modified-Since gets 304 for the price of one cache lookup.
"""

import hashlib
from dataclasses import dataclass

from django.utils.http import http_date, parse_etags, parse_http_date_safe
from rest_framework.request import Request

from indicators.signals import data_generation


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: int  # seconds since the epoch


def validators(request: Request) -> Validators:
    """Return the ETag and Last-Modified of the response this request will get."""
    generation = data_generation()
    representation = f"{request.get_full_path()}\n{request.accepted_media_type}"
    digest = hashlib.sha256(representation.encode()).hexdigest()[:16]
    return Validators(etag=f'"{generation}-{digest}"', last_modified=int(generation // 1_000_000_000))


def not_modified(request: Request, current: Validators) -> bool:
    """Return whether the client's copy is current (RFC 9110: If-None-Match wins over If-Modified-Since)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        wanted = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
        return current.etag in wanted
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and current.last_modified <= since


def headers(current: Validators) -> dict[str, str]:
    """Return the validator headers, and a Cache-Control asking caches to revalidate."""
    return {
        "ETag": current.etag,
        "Last-Modified": http_date(current.last_modified),
        "Cache-Control": "public, no-cache",
    }
