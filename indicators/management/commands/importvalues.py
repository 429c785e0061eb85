"""Import yearly values from a CSV or XLSX file (all or nothing; --dry-run to preview)."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from indicators.importing import values_import
from indicators.models import Source


class Command(BaseCommand):
    help = "Import values from a CSV/XLSX file in the documented format (docs/import-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate and print the preview; write nothing.")
        parser.add_argument("--source-title", default="", help="Source of rows that name none (created if new).")
        parser.add_argument("--source-url", default="", help="Web address of that source.")
        parser.add_argument("--user", default="", help="Username recorded as the importer.")
        parser.add_argument(
            "--decimal", choices=["comma", "dot"], help="Decimal separator, when the file is ambiguous."
        )

    def run_from_argv(self, argv: list[str]) -> None:
        """Print a refusal in the active language only, without Django's English "CommandError:" prefix."""
        try:
            # With --traceback Django lets the CommandError through, to be printed here.
            super().run_from_argv(argv if "--traceback" in argv else [*argv, "--traceback"])
        except CommandError as exc:
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            reasons = {
                FileNotFoundError: _("the file does not exist"),
                PermissionError: _("permission denied"),
                IsADirectoryError: _("it is a folder"),
            }
            reason = reasons.get(type(exc), exc.strerror)
            raise CommandError(_("Cannot read %(path)s: %(reason)s.") % {"path": path, "reason": reason}) from exc
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user named “%(name)s”.") % {"name": options["user"]})
        source = self._source(options["source_title"], options["source_url"])
        report = values_import(
            content=content,
            file_name=path.name,
            user=user,
            source=source,
            decimal=options["decimal"],
            dry_run=options["dry_run"],
        )
        for line in report.summary_iter():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(_("Import refused; nothing was written."))

    def _source(self, title: str, url: str) -> Source | None:
        """Return the source named on the command line; a new one stays unsaved until the import writes."""
        if not title and not url:
            return None
        title = title or url
        return Source.objects.filter(title=title, url=url).first() or Source(title=title, url=url)
