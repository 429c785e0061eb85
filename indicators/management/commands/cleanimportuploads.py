"""Delete uploaded import files left behind by previews nobody confirmed (older than IMPORT_UPLOAD_MAX_AGE_HOURS)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from indicators.importing.uploads import upload_dir, uploads_clean


class Command(BaseCommand):
    help = "Delete abandoned import uploads older than IMPORT_UPLOAD_MAX_AGE_HOURS (default 24)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours", type=float, default=None, help="Age in hours (default: IMPORT_UPLOAD_MAX_AGE_HOURS)."
        )

    def handle(self, *args: object, **options: object) -> None:
        hours = options["hours"] if options["hours"] is not None else settings.IMPORT_UPLOAD_MAX_AGE_HOURS
        deleted = uploads_clean(max_age=datetime.timedelta(hours=hours))
        self.stdout.write(
            _("%(count)s abandoned upload(s) older than %(hours)s hours deleted from %(folder)s.")
            % {"count": len(deleted), "hours": hours, "folder": upload_dir()}
        )
