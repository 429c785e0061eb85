"""Load the ministries and their published PAR Index figures (idempotent; run after loadunits and loadcatalogue)."""

from django.core.management.base import BaseCommand, CommandError

from appraisal.agencies import agencies_load


class Command(BaseCommand):
    help = "Load appraisal/data/ministries.csv, ministries_par.csv and ministries_averages.csv."

    def handle(self, *args: object, **options: object) -> None:
        result = agencies_load()
        self.stdout.write(
            f"ministries: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
        report = result.values
        if not report.ok:
            raise CommandError("\n".join(report.summary_lines()))
        c = report.counts
        self.stdout.write(
            f"ministries_par.csv: {c['create']} created, {c['update']} updated, {c['unchanged']} unchanged"
        )
        self.stdout.write(f"averages: {result.averages}")
