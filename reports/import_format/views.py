"""The import format (docs/import-format.md) as a public page, for whoever holds an official table.

The Markdown is the developers' document itself, rendered without raw HTML; links to files of the
repository (relative links) are shown as plain text, since the site does not serve them.
"""

from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

IMPORT_FORMAT_DOC = settings.BASE_DIR / "docs" / "import-format.md"


@cache
def import_format_html() -> SafeString:
    """Return docs/import-format.md as HTML (raw HTML in the file is escaped; read once per process)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(IMPORT_FORMAT_DOC.read_text(encoding="utf-8"))
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        kept, dropping = [], False
        for child in token.children:
            if child.type == "link_open" and not str(child.attrGet("href") or "").startswith(
                ("http://", "https://", "#")
            ):
                dropping = True
                continue
            if child.type == "link_close" and dropping:
                dropping = False
                continue
            kept.append(child)
        token.children = kept
    return mark_safe(md.renderer.render(tokens, md.options, {}))  # noqa: S308 (html disabled: the file's HTML is escaped)


def import_format(request: HttpRequest) -> HttpResponse:
    """Render the import format document."""
    return render(request, "reports/import_format.html", {"content": import_format_html()})
