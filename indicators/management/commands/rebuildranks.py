"""Rebuild the ranking summary (indicators.ranking_summary) from the public values; --check compares instead."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.ranking_summary import rebuild, summary_differences


class Command(BaseCommand):
    help = "Rebuild the ranking summary (ranks, changes and averages of every indicator-year) from the public values."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Compare the stored summary with a recomputation.")

    def handle(self, *args: object, check: bool = False, **options: object) -> None:
        if check:
            differences = summary_differences()
            if differences:
                raise CommandError("The ranking summary is out of date:\n" + "\n".join(differences))
            self.stdout.write("The ranking summary matches the public values.")
            return
        rows = rebuild(verbose=options.get("verbosity", 1) > 1)
        self.stdout.write(f"Ranking summary rebuilt: {rows} rows.")
