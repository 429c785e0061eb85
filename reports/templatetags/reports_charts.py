"""Template tags of the chart pages."""

import functools
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString, mark_safe

from indicators.charts import PLOTLY_TEMPLATE

register = template.Library()


@register.simple_tag
@functools.cache
def plotly_template() -> SafeString:
    """Return the layout template shared by every chart of the page, as JSON (serialised once per process).

    static/reports/charts.js applies it to each figure, so the figures do not each repeat it.
    """
    return json_script(PLOTLY_TEMPLATE, "plotly-template")


def figure_json_text(figure: object) -> str:
    """Return a figure as JSON safe inside a <script> element, its text kept as UTF-8.

    Like ``json_script`` (same escapes of <, > and &) but without ``\\uXXXX`` for every letter beyond
    ASCII: Vietnamese names and titles took up to six bytes a letter, a quarter of a profile's figures.
    """
    text = json.dumps(figure, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    # What django.utils.html.json_script escapes, so that the JSON cannot close its <script> element; three
    # str.replace calls rather than str.translate with a table, which looked up every character (~25× slower).
    return text.replace(">", "\\u003E").replace("<", "\\u003C").replace("&", "\\u0026")


@register.filter
def figure_json(figure: object, element_id: str) -> SafeString:
    """Return ``<script id=… type="application/json">`` holding the figure (see ``figure_json_text``)."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(figure_json_text(figure)),  # noqa: S308
    )
