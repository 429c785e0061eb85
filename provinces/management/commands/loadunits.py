"""Load the administrative units shipped in provinces/data (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from provinces.loaders import UnitDataError, units_load


class Command(BaseCommand):
    help = "Load the 63 and 34 provinces, the districts and the communes from provinces/data (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = units_load()
        except UnitDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result.summary()))
