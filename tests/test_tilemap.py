"""Tile-map layouts: every province of each structure on its own cell, roughly where it lies."""

import pandas as pd
import pytest
from django.conf import settings

from reports.shared.tilemap import build_layouts, grid_layout, structure_for_year, tile_labels, tile_layout

SHARED = settings.SHARED_DIR / "data"


@pytest.mark.parametrize(("year", "count"), [(2012, 63), (2024, 63), (2025, 34), (2026, 34)])
def test_each_structure_has_one_tile_per_province_and_no_shared_cells(year, count):
    layout = tile_layout(year=year)
    assert structure_for_year(year) == count
    assert len(layout) == count and layout["code"].is_unique and layout["label"].is_unique
    assert not layout.duplicated(["row", "col"]).any()
    assert layout["label"].str.len().min() >= 1


def test_north_is_above_south():
    layout = tile_layout(year=2023).set_index("code")
    assert layout.loc["10", "row"] < layout.loc["01", "row"] < layout.loc["46", "row"] < layout.loc["79", "row"]
    assert layout.loc["96", "row"] == layout["row"].max()


def test_grid_layout_resolves_collisions():
    points = pd.DataFrame({"code": ["a", "b", "c"], "lat": [10.0, 10.0, 0.0], "lon": [0.0, 0.0, 5.0]})
    layout = grid_layout(points, n_rows=3, n_cols=3)
    assert not layout.duplicated(["row", "col"]).any()


def test_labels_are_unique_and_short():
    labels = tile_labels(["Hà Nội", "Hà Nam", "Hà Giang", "Hậu Giang", "Thành phố Huế", "Thành phố Hồ Chí Minh"])
    assert labels == ["HNộ", "HNa", "HàG", "HậG", "Huế", "HCM"]


@pytest.mark.skipif(not (SHARED / "province_centroids_63.csv").is_file(), reason="shared data not present")
def test_stored_layouts_are_what_the_builder_derives(tmp_path):
    written = build_layouts(
        centroids=SHARED / "province_centroids_63.csv", provinces_34=SHARED / "provinces_34_2025.csv", out_dir=tmp_path
    )
    for structure, year in ((63, 2024), (34, 2025)):
        rebuilt = pd.read_csv(written[structure], dtype={"code": str}, keep_default_na=False)
        stored = tile_layout(year=year)
        assert rebuilt.reset_index(drop=True).equals(stored.reset_index(drop=True))


@pytest.mark.skipif(not (SHARED / "province_centroids_63.csv").is_file(), reason="shared data not present")
def test_layout_codes_match_the_province_list():
    codes_63 = set(pd.read_csv(SHARED / "provinces_63.csv", dtype={"gso_code": str})["gso_code"])
    codes_34 = set(pd.read_csv(SHARED / "provinces_34_2025.csv", dtype={"new_code": str})["new_code"])
    assert set(tile_layout(year=2024)["code"]) == codes_63
    assert set(tile_layout(year=2025)["code"]) == codes_34
