"""gunicorn's settings for production (`make serve`) and for bench/load, which measures them.

    gunicorn -c config/gunicorn.py config.wsgi:application --bind 127.0.0.1:8000

Environment:

* ``WEB_CONCURRENCY``: worker processes (default 2 × cores + 1: the pages are CPU-bound pandas and
  template work, so sync workers, one request each);
* ``GUNICORN_GC_FREEZE=1``: load the application once in the master and move every object it made to
  the permanent generation (``gc.freeze()``) before the workers are forked, so that no garbage
  collection walks Django's, pandas' and plotly's import-time objects again, and the workers share those
  pages of memory. Off by default: kept only where bench/load measures a gain (bench/RESULTS.md, load).
"""

import gc
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
# A worker is replaced after 2,000–4,000 requests (a slow leak cannot grow forever). The wide jitter keeps
# the restarts apart: with 200, all workers of a server answering cached pages at ~500 req/s restarted
# within seconds of each other and the site stalled meanwhile (bench/load, 32 connections after 8).
max_requests = 2000
max_requests_jitter = 2000
# A request still running after this is killed (and logged): the slowest page at national scale takes ~2 s.
timeout = 30

GC_FREEZE = os.environ.get("GUNICORN_GC_FREEZE", "0") == "1"
if GC_FREEZE:
    preload_app = True


def pre_fork(server: object, worker: object) -> None:
    """Freeze the master's objects before each fork (with GUNICORN_GC_FREEZE=1 and the app preloaded)."""
    if not GC_FREEZE:
        return
    from django.urls import get_resolver

    get_resolver().check()  # imports every view module (pandas, plotly's template …) before the freeze
    gc.freeze()
