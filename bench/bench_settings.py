"""Settings for bench/load: the project's settings plus a minimal view (bench_urls) to compare against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
