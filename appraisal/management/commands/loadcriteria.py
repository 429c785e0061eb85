"""Load the partial reference criteria sets (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from appraisal.reference import reference_sets_load


class Command(BaseCommand):
    help = "Load the verified parts of real criteria sets from appraisal/data/criteria/ as partial sets."

    def handle(self, *args: object, **options: object) -> None:
        for name, result in reference_sets_load().items():
            if not result.ok:
                raise CommandError(f"{name}: {result.file_error or '; '.join(str(e) for e in result.errors)}")
            self.stdout.write(f"{name}: {result.created} criteria")
