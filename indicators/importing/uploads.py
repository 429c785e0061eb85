"""The folder where uploaded files wait between the admin's preview and confirm (and for a background job).

A file leaves it when its import is written, when it is refused, or, abandoned, after
IMPORT_UPLOAD_MAX_AGE_HOURS (``manage.py cleanimportuploads``, also run on every upload).
"""

import datetime
import tempfile
import time
from pathlib import Path

from django.conf import settings


def upload_dir() -> Path:
    """Return the folder where uploads wait between preview and confirm."""
    folder = Path(getattr(settings, "IMPORT_UPLOAD_DIR", Path(tempfile.gettempdir()) / "cchc-imports"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_path(token: str) -> Path:
    """Return the path of one upload (the token is random and URL-safe, never a path)."""
    return upload_dir() / Path(token).name


def upload_delete(token: str) -> None:
    """Delete an upload (nothing happens when it is already gone)."""
    upload_path(token).unlink(missing_ok=True)


def uploads_clean(*, max_age: datetime.timedelta | None = None) -> list[str]:
    """Delete the uploads older than max_age (default IMPORT_UPLOAD_MAX_AGE_HOURS); return their names."""
    if max_age is None:
        max_age = datetime.timedelta(hours=settings.IMPORT_UPLOAD_MAX_AGE_HOURS)
    limit = time.time() - max_age.total_seconds()
    deleted = []
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                deleted.append(path.name)
        except FileNotFoundError:
            continue  # deleted meanwhile by its own confirm or another cleaner
    return deleted
