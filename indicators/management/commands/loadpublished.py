"""Load the published PAR Index, SIPAS, PAPI and PCI results, seed figures and averages (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.importing.published import PUBLISHED_DIR, published_convert, published_load


class Command(BaseCommand):
    help = (
        "Load indicators/data/published/ through the import service (run loadunits and loadcatalogue first). "
        "With --convert, first rewrite those files from the research collection in shared/data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", type=Path, default=PUBLISHED_DIR, help="Folder of the published files.")
        parser.add_argument(
            "--convert",
            nargs="?",
            const=settings.SHARED_DIR / "data",
            type=Path,
            metavar="SHARED_DATA_DIR",
            help="Regenerate the published files from this folder (default: shared/data) before loading.",
        )

    def handle(self, *args: object, data_dir: Path, convert: Path | None, **options: object) -> None:
        if convert is not None:
            if not convert.is_dir():
                raise CommandError(f"{convert} is not a folder.")
            try:
                converted = published_convert(shared_dir=convert, out_dir=data_dir)
            except ValueError as exc:  # an unknown province name, or two files disagreeing on a figure
                raise CommandError(str(exc)) from exc
            for name, count in converted.items():
                self.stdout.write(f"converted {name}: {count} rows")
        try:
            result = published_load(data_dir=data_dir)
        except ValueError as exc:  # disputed.csv names a value the value files do not hold
            raise CommandError(str(exc)) from exc
        for name, report in result.reports.items():
            c = report.counts
            self.stdout.write(f"{name}: {c['create']} created, {c['update']} updated, {c['unchanged']} unchanged")
            if not report.ok:
                for line in report.summary_lines():
                    self.stderr.write(line)
        if not result.ok:
            raise CommandError("Some published files were refused; they wrote nothing (see above).")
        a = result.averages
        self.stdout.write(f"averages: {a['created']} created, {a['updated']} updated, {a['unchanged']} unchanged")
        d = result.disputes
        self.stdout.write(
            f"disputed figures: {d['created']} created, {d['updated']} updated, {d['unchanged']} unchanged"
        )
        self.stdout.write(self.style.SUCCESS("Published data loaded."))
