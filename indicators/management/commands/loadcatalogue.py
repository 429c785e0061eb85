"""Load the indicator catalogue and series breaks (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.catalogue import DATA_DIR, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = "Create or update indicators from indicators/data/indicators*.csv and series_breaks.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Folder holding the catalogue files.")

    def handle(self, *args: object, data_dir: Path, **options: object) -> None:
        try:
            report = catalogue_load(data_dir=data_dir)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        for label, counts in (("indicators", report.indicators), ("series breaks", report.series_breaks)):
            self.stdout.write(
                f"{label}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
            )
        self.stdout.write(self.style.SUCCESS(f"Catalogue loaded from {', '.join(report.files)}."))
