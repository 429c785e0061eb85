"""Derive the tile-map layouts (63 and 34 provinces) from the province points in the shared data."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.shared.tilemap import DATA_DIR, build_layouts, layout_ascii, tile_layout


class Command(BaseCommand):
    help = "Write reports/data/tile_layout_63.csv and tile_layout_34.csv from province_centroids_63.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        data = Path(settings.SHARED_DIR) / "data"
        parser.add_argument("--centroids", type=Path, default=data / "province_centroids_63.csv")
        parser.add_argument("--provinces-34", type=Path, default=data / "provinces_34_2025.csv")
        parser.add_argument("--out-dir", type=Path, default=DATA_DIR)

    def handle(self, *args: object, **options: object) -> None:
        for key in ("centroids", "provinces_34"):
            if not options[key].is_file():
                raise CommandError(f"{options[key]} does not exist (set SHARED_DIR or pass --{key.replace('_', '-')}).")
        written = build_layouts(
            centroids=options["centroids"], provinces_34=options["provinces_34"], out_dir=options["out_dir"]
        )
        for structure, path in written.items():
            self.stdout.write(f"{path} ({structure} provinces)")
            if options["out_dir"] == DATA_DIR:
                self.stdout.write(layout_ascii(tile_layout(year=2024 if structure == 63 else 2025)))
