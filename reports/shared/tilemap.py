"""Tile-map layouts: each province one equal square on a grid, placed roughly where it lies.

The layouts are derived once from province points (``build_layouts``, run by
``manage.py buildtiles``) and kept in ``reports/data/tile_layout_63.csv`` (the 63 provinces,
years up to 2024) and ``tile_layout_34.csv`` (the 34 provinces from 2025), so pages never
recompute them. Points are the province's *inner point* rather than its centroid: the
centroids of Đà Nẵng and Khánh Hòa are pulled out to sea by their island districts. A new
(2025) province has no point of its own in the data; it gets the mean of its predecessors'
points, which is close enough for a tile map.
"""

import csv
import functools
import itertools
from pathlib import Path

import pandas as pd

from provinces.models import REORGANISATION_DATE, year_reference_date
from provinces.text import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LAYOUT_FILES = {63: DATA_DIR / "tile_layout_63.csv", 34: DATA_DIR / "tile_layout_34.csv"}
# Grid size per structure: roughly twice as many cells as provinces, shaped like the country (tall, narrow).
GRID_SIZES = {63: (17, 10), 34: (12, 7)}
_NAME_PREFIXES = ("thanh pho ", "tinh ")


def structure_for_year(year: int) -> int:
    """Return which structure (63 or 34 provinces) the figures of a year belong to."""
    return 34 if year_reference_date(year) >= REORGANISATION_DATE else 63


@functools.cache
def _layout(structure: int) -> pd.DataFrame:
    # keep_default_na=False: Nghệ An's label "NA" is a label, not a missing value.
    return pd.read_csv(LAYOUT_FILES[structure], dtype={"code": str, "label": str}, keep_default_na=False)


def tile_layout(*, year: int) -> pd.DataFrame:
    """Return the stored layout (code, name, row, col, label) for the structure of a year."""
    return _layout(structure_for_year(year)).copy()


def read_points_63(path: Path) -> pd.DataFrame:
    """Return code, name, lat, lon of the 63 provinces from province_centroids_63.csv (inner points)."""
    frame = pd.read_csv(path, dtype={"gso_code": str})
    return pd.DataFrame(
        {
            "code": frame["gso_code"].str.zfill(2),
            "name": frame["name"],
            "lat": frame["inner_point_lat"],
            "lon": frame["inner_point_lon"],
        }
    )


def points_34(points_63: pd.DataFrame, *, provinces_34: Path) -> pd.DataFrame:
    """Return code, name, lat, lon of the 34 provinces: the mean point of each one's predecessors."""
    frame = pd.read_csv(provinces_34, dtype={"new_code": str, "old_codes": str})
    by_code = points_63.set_index("code")
    rows = []
    for record in frame.itertuples(index=False):
        old_codes = [code.strip().zfill(2) for code in record.old_codes.split(";")]
        olds = by_code.loc[old_codes]
        point = {"lat": olds["lat"].mean(), "lon": olds["lon"].mean()}
        rows.append({"code": record.new_code.zfill(2), "name": record.new_name, **point})
    return pd.DataFrame(rows)


def _cost(point: tuple[float, float], cell: tuple[int, int]) -> float:
    return (point[0] - cell[0]) ** 2 + (point[1] - cell[1]) ** 2


def grid_layout(points: pd.DataFrame, *, n_rows: int, n_cols: int) -> pd.DataFrame:
    """Return code, row, col: each point on its own grid cell, as near its scaled position as possible.

    Latitude and longitude are scaled to the grid (north at row 0); points are placed greedily
    on the nearest free cell, then pairs of tiles (and tiles and empty cells) are swapped while
    that lowers the total squared displacement, so no two tiles share a cell and the shape holds.
    """
    lat_min, lat_max = points["lat"].min(), points["lat"].max()
    lon_min, lon_max = points["lon"].min(), points["lon"].max()
    targets = [
        ((lat_max - lat) / (lat_max - lat_min) * (n_rows - 1), (lon - lon_min) / (lon_max - lon_min) * (n_cols - 1))
        for lat, lon in zip(points["lat"], points["lon"], strict=True)
    ]
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    if len(cells) < len(targets):
        raise ValueError(f"A {n_rows}×{n_cols} grid has fewer cells than the {len(targets)} provinces.")
    placed: dict[int, tuple[int, int]] = {}
    taken: set[tuple[int, int]] = set()
    # Place the points whose best cell is most contested last, so isolated provinces keep their spot.
    order = sorted(range(len(targets)), key=lambda i: min(_cost(targets[i], c) for c in cells))
    for i in order:
        best = min((c for c in cells if c not in taken), key=lambda c: _cost(targets[i], c))
        placed[i] = best
        taken.add(best)
    improved = True
    while improved:
        improved = False
        for i, j in itertools.combinations(range(len(targets)), 2):
            a, b = placed[i], placed[j]
            if _cost(targets[i], b) + _cost(targets[j], a) < _cost(targets[i], a) + _cost(targets[j], b) - 1e-9:
                placed[i], placed[j] = b, a
                improved = True
        for i in range(len(targets)):
            free = [c for c in cells if c not in taken]
            best = min(free, key=lambda c: _cost(targets[i], c))
            if _cost(targets[i], best) < _cost(targets[i], placed[i]) - 1e-9:
                taken.discard(placed[i])
                taken.add(best)
                placed[i] = best
                improved = True
    return pd.DataFrame(
        {
            "code": points["code"].tolist(),
            "row": [placed[i][0] for i in range(len(targets))],
            "col": [placed[i][1] for i in range(len(targets))],
        }
    )


def tile_labels(names: list[str]) -> list[str]:
    """Return short unique tile labels: initials ('Hà Nội' → 'HN'), a one-word name whole ('Thành phố Huế' → 'Huế').

    Names sharing initials take one more letter of the last word ('Hà Nam' → 'HNa'), then of
    the first word ('Hà Giang' → 'HàG', 'Hậu Giang' → 'HậG').
    """

    def words(name: str) -> list[str]:
        folded = fold(name)
        for prefix in _NAME_PREFIXES:
            if folded.startswith(prefix):
                return name.split()[len(prefix.split()) :]
        return name.split()

    def initials(name: str) -> str:
        parts = words(name)
        return parts[0] if len(parts) == 1 else "".join(w[0].upper() for w in parts if w[0].isalnum())

    def longer(name: str, step: int) -> str:
        parts = words(name)
        if step == 1:
            return initials(name) + parts[-1][1:2].lower()
        return parts[0][:2] + "".join(w[0].upper() for w in parts[1:])

    labels = [initials(n) for n in names]
    for step in (1, 2):
        counts = pd.Series(labels).value_counts()
        labels = [longer(n, step) if counts[label] > 1 else label for n, label in zip(names, labels, strict=True)]
    counts = pd.Series(labels).value_counts()
    return [label if counts[label] == 1 else f"{label}{i}" for i, label in enumerate(labels)]


def build_layouts(*, centroids: Path, provinces_34: Path, out_dir: Path = DATA_DIR) -> dict[int, Path]:
    """Derive both layouts from the province points and write them as CSV; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    points63 = read_points_63(centroids)
    written = {}
    for structure, points in ((63, points63), (34, points_34(points63, provinces_34=provinces_34))):
        n_rows, n_cols = GRID_SIZES[structure]
        layout = grid_layout(points, n_rows=n_rows, n_cols=n_cols)
        layout.insert(1, "name", points["name"].tolist())
        layout["label"] = tile_labels(points["name"].tolist())
        path = out_dir / LAYOUT_FILES[structure].name
        layout.sort_values(["row", "col"]).to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
        written[structure] = path
    return written


def layout_ascii(layout: pd.DataFrame) -> str:
    """Return the layout drawn with labels, for checking a newly built layout by eye."""
    width = max(4, int(layout["label"].str.len().max()) + 1)
    n_rows, n_cols = int(layout["row"].max()) + 1, int(layout["col"].max()) + 1
    grid = [["." * (width - 1) for _ in range(n_cols)] for _ in range(n_rows)]
    for record in layout.itertuples(index=False):
        grid[record.row][record.col] = record.label
    return "\n".join(" ".join(cell.ljust(width) for cell in row) for row in grid)
