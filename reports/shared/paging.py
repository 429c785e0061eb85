"""Pages sized for people: long tables shown a page at a time (?page=, ASCII digits only)."""

from dataclasses import dataclass

from django.http import HttpRequest

from config.params import id_param
from reports.shared.links import url_with


@dataclass
class Page:
    """One page of a long list: its number, the number of pages, and the slice of items it shows."""

    number: int
    count: int
    shown: slice

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None


def page_of(n_items: int, *, asked: str, page_size: int, wanted_index: int = 0) -> Page:
    """Return the page to show: the one asked (ASCII digits), else the one holding wanted_index, else the first.

    A page number past the end shows the last page; anything that is not a page number, the default.
    """
    count = max(1, -(-n_items // page_size))
    number = id_param(asked)
    if number is None:
        number = wanted_index // page_size + 1
    number = min(number, count)
    return Page(number=number, count=count, shown=slice((number - 1) * page_size, number * page_size))


def page_urls(request: HttpRequest, page: Page, *, parameter: str = "page") -> dict[str, str]:
    """Return the URLs of the first, previous, next and last pages ("" where there is none)."""
    return {
        "first": url_with(request, **{parameter: "1"}) if page.previous else "",
        "previous": url_with(request, **{parameter: str(page.previous)}) if page.previous else "",
        "next": url_with(request, **{parameter: str(page.next)}) if page.next else "",
        "last": url_with(request, **{parameter: str(page.count)}) if page.next else "",
    }
