"""Chart images drawn on the server: plotly's kaleido driving the system Chromium (settings.CHROMIUM_PATH).

One Chromium is started per document and draws all its charts. Kaleido would otherwise fetch MathJax from a
CDN (mathjax=False: the charts use no TeX) and uses plotly.py's own copy of plotly.js, so nothing is
fetched from the network. When Chromium is missing or fails, ``figure_images`` raises ChartImagesUnavailable
and the documents carry the figures as tables only, saying so.
"""

import asyncio
import concurrent.futures
import logging
from pathlib import Path

from django.conf import settings

from indicators.charts import Figure

logger = logging.getLogger(__name__)
# kaleido and choreographer narrate every step at INFO; a document request should not fill the log.
for _name in ("kaleido", "choreographer", "logistro"):
    logging.getLogger(_name).setLevel(logging.WARNING)

WIDTH, HEIGHT, SCALE = 900, 420, 2
TIMEOUT = 120


class ChartImagesUnavailable(Exception):
    """The server could not draw the chart images (no Chromium, or kaleido failed)."""


async def _render(figures: list[Figure]) -> list[bytes]:
    import kaleido

    options = {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": SCALE}
    async with kaleido.Kaleido(n=1, mathjax=False, path=settings.CHROMIUM_PATH, timeout=TIMEOUT) as renderer:
        return [await renderer.calc_fig(figure, opts=options) for figure in figures]


def figure_images(figures: list[Figure]) -> list[bytes]:
    """Return each figure as PNG bytes, drawn by one headless Chromium."""
    if not figures:
        return []
    if not Path(settings.CHROMIUM_PATH).exists():
        raise ChartImagesUnavailable(f"no Chromium at {settings.CHROMIUM_PATH}")
    # In a thread of its own: the request's thread may already run an event loop (ASGI, a browser test).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(asyncio.run, _render(figures)).result(timeout=TIMEOUT + 30)
        except Exception as error:  # kaleido and choreographer raise many kinds; the document still goes out
            logger.warning("chart images could not be drawn: %s", error)
            raise ChartImagesUnavailable(str(error)) from error
