"""Template tags of the chart pages."""

import functools

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from indicators.charts import PLOTLY_TEMPLATE

register = template.Library()


@register.simple_tag
@functools.cache
def plotly_template() -> SafeString:
    """Return the layout template shared by every chart of the page, as JSON (serialised once per process).

    static/reports/charts.js applies it to each figure, so the figures do not each repeat it.
    """
    return json_script(PLOTLY_TEMPLATE, "plotly-template")
