"""How a source is shown: its class badge, the mark of a figure resting only on weak sources, disputes.

Shared by the ranking table, the profile, the indicator page and the coverage page (no database access).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from indicators.models import WEAK_SOURCE_CLASSES, SourceClass
from reports.shared.links import safe_url


def source_class_label(source_class: str) -> str:
    """Return the short label of a source class (“chính thức”, “báo chí”, “đăng lại”, “khác”)."""
    if source_class in SourceClass.values:
        return str(SourceClass(source_class).label)
    return gettext("unclassified")


def source_badge(source_class: str) -> SafeString:
    """Return the badge of a source's class; a republished or other source's badge is highlighted."""
    weak = " source-weak" if source_class in WEAK_SOURCE_CLASSES else ""
    return format_html(
        '<span class="badge source-class source-class-{}{}" title="{}">{}</span>',
        source_class or "none",
        weak,
        gettext("Kind of source"),
        source_class_label(source_class),
    )


def is_weak(source_class: str | None) -> bool:
    """Return whether a figure's only source is a republisher or an “other” site (no official or news page)."""
    return source_class in WEAK_SOURCE_CLASSES


def weak_mark() -> SafeString:
    """Return the mark shown beside a figure whose only source is a republished copy or an “other” site."""
    text = gettext("Only a republished copy or an unofficial site gives this figure; no official or news page found.")
    return format_html(
        '<span class="weak-source" title="{}">†<span class="visually-hidden"> {}</span></span>', text, text
    )


def source_link(title: str, url: str, source_class: str) -> SafeString:
    """Return a source's title (linked when its URL is http/https) followed by its class badge."""
    link = safe_url(url)
    if link:
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a> {}', link, title, source_badge(source_class))
    return format_html("{} {}", title, source_badge(source_class))


def _short_source(title: str, url: str, source_class: str) -> SafeString:
    """Return the word “source” linked to the source (its title on hover), then its class badge."""
    link = safe_url(url)
    if link:
        return format_html(
            '<a href="{}" rel="noopener noreferrer" title="{}">{}</a> {}',
            link,
            title,
            gettext("source"),
            source_badge(source_class),
        )
    return format_html('<span title="{}">{}</span> {}', title, gettext("source"), source_badge(source_class))


def disputes_html(disputes: list[dict], *, shown: callable, compact: bool = False) -> SafeString:
    """Return the disputed readings of a figure, each with its source and class (``shown`` formats a number).

    ``compact`` (narrow cells: the profile) links the word “source” instead of the source's title.
    """
    if not disputes:
        return SafeString("")
    linked = _short_source if compact else source_link
    items = format_html_join(
        "",
        '<li title="{}">{} — {}</li>',
        (
            (
                d["note"],
                shown(d["figure"]) if d["figure"] is not None else gettext("rank %(rank)s") % {"rank": d["rank"]},
                linked(d["source_title"], d["source_url"], d["source_class"]),
            )
            for d in disputes
        ),
    )
    return format_html(
        '<div class="disputed"><span class="badge source-weak">{}</span> {}<ul>{}</ul></div>',
        gettext("disputed"),
        gettext("Another source gives:"),
        items,
    )


class SourceList:
    """The sources of a page's figures, numbered in order of first use: a cell shows the number, one list the rest.

    A dense table (a profile's indicator × year figures) repeating each source's title, link and class in
    every cell weighed ~0.5 kB a cell; the number is a link to the source's entry in the page's list.
    """

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, str, str], int] = {}
        self.items: list[dict] = []

    def number(self, title: str, url: str, source_class: str) -> int:
        """Return the number of this source on the page, adding it to the list the first time."""
        key = (title or "", url or "", source_class or "")
        found = self._numbers.get(key)
        if found is None:
            found = self._numbers[key] = len(self.items) + 1
            self.items.append(
                {
                    "number": found,
                    "title": key[0],
                    "url": safe_url(key[1]),
                    "badge": source_badge(key[2]),
                    "weak": weak_mark() if is_weak(key[2]) else "",
                }
            )
        return found
