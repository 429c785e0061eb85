"""The open data and integration API, /api/v1/ (docs/api.md).

Dependencies: ``api`` → ``reports`` → ``indicators`` → ``provinces``. The API reuses the ranking
selector and the CSV cell escaping of ``reports`` (the same figures and the same formula-injection
guard as the public pages and downloads), so it depends on ``reports`` explicitly; nothing in
``reports`` imports from ``api``.
"""
