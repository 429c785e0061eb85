"""Admin for the indicator catalogue, sources and values."""

from indicators import admin_imports  # noqa: F401  (the import upload pages)
