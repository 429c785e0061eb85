"""Chart builders (pure) and the charts of the rankings page."""

import json

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import translation

from indicators.charts import chart_context, ranking_bar_figure, tile_map_figure
from reports.shared.tilemap import tile_layout
from tests.factories import make_indicator, make_unit, make_value


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code", "name", "value", "rank", "url"])


def test_bar_chart_of_no_data_is_none():
    assert (
        ranking_bar_figure(
            frame([("01", "Hà Nội", None, None, "/p/01")]), decimals=2, measure_unit="percent", value_label="PAR"
        )
        is None
    )


def test_bar_chart_escapes_names_and_highlights_one_unit():
    data = frame([("01", "<img src=x>", 90.0, 1, "/p/01"), ("02", "Huế", 80.0, 2, "/p/02")])
    figure = ranking_bar_figure(
        data,
        decimals=1,
        measure_unit="percent",
        value_label="PAR",
        average=85.0,
        average_label="avg",
        highlight_code="02",
    )
    bar = figure["data"][0]
    assert bar["y"] == ["&lt;img src=x&gt;", "Huế"]
    assert bar["marker"]["color"] == ["#0072B2", "#E69F00"]
    assert bar["customdata"] == ["/p/01", "/p/02"]
    assert figure["layout"]["shapes"][0]["x0"] == 85.0  # the average line
    # named in the legend, from the chart's own left edge (a label on the line ran off a phone's screen)
    assert [(t["name"], t["line"]["dash"]) for t in figure["data"][1:]] == [("avg", "dash")]
    assert bar["showlegend"] is False and figure["layout"]["legend"]["xref"] == "container"


def test_hover_numbers_follow_the_language():
    data = frame([("01", "Hà Nội", 1746.5, 1, "/p/01")])
    with translation.override("vi"):
        vi = ranking_bar_figure(data, decimals=1, measure_unit="count", value_label="n")
    with translation.override("en"):
        en = ranking_bar_figure(data, decimals=1, measure_unit="percent", value_label="n")
    assert "1.747" in vi["data"][0]["hovertext"][0] and vi["layout"]["separators"] == ",."
    assert "1,746.5%" in en["data"][0]["hovertext"][0] and en["layout"]["separators"] == ".,"


def test_tile_map_places_each_province_on_its_cell_and_greys_missing_ones():
    layout = tile_layout(year=2023)
    data = frame([("01", "Hà Nội", 90.0, 1, "/p/01"), ("96", "Cà Mau", None, None, "/p/96")])
    figure = tile_map_figure(
        data,
        layout=layout,
        decimals=2,
        measure_unit="percent",
        value_label="PAR",
        no_data_label="no data",
        rank_label="rank",
    )
    no_data, with_data = figure["data"]
    ha_noi = layout.set_index("code").loc["01"]
    ca_mau = layout.set_index("code").loc["96"]
    assert with_data["z"][ha_noi.row][ha_noi.col] == 90.0
    assert with_data["customdata"][ha_noi.row][ha_noi.col] == "/p/01"
    assert no_data["z"][ca_mau.row][ca_mau.col] == 0
    assert "no data" in no_data["hovertext"][ca_mau.row][ca_mau.col]
    assert with_data["colorscale"][0][1] != with_data["colorscale"][-1][1]


def test_tile_map_without_any_value_is_none():
    data = frame([("01", "Hà Nội", None, None, "/p/01")])
    assert (
        tile_map_figure(
            data,
            layout=tile_layout(year=2023),
            decimals=2,
            measure_unit="percent",
            value_label="PAR",
            no_data_label="-",
            rank_label="#",
        )
        is None
    )


def test_chart_context_holds_plain_json():
    figure = ranking_bar_figure(frame([("01", "A", 1.0, 1, "/a")]), decimals=0, measure_unit="count", value_label="n")
    context = chart_context(chart_id="c", title="T", figure=figure, columns=["a"], rows=[[1]])
    json.dumps(context.figure)
    assert context.rows == [["1"]]


@pytest.mark.django_db
def test_ranking_chart_data_equal_the_table_rows(client):
    par = make_indicator(code="par_index", decimals=2)
    for n, name in enumerate(["An Giang", "Bắc Ninh", "Cà Mau", "Đà Nẵng"]):
        unit = make_unit(code=f"{80 + n}", short_name=name)
        if n < 3:
            make_value(indicator=par, unit=unit, year=2023, value=80 + n * 3)
    response = client.get(reverse("reports:ranking") + "?indicator=par_index&year=2023&highlight=81")
    ranked = [r for r in response.context["table"].data.data if r["rank"] is not None]
    bar = response.context["bar"].figure["data"][0]
    assert bar["y"] == [r["name"] for r in ranked]
    assert bar["x"] == [r["value"] for r in ranked]
    assert bar["customdata"] == [r["url"] for r in ranked]
    assert response.context["bar"].rows == []  # no second copy of the ranking: the table above holds the rows
    html = response.content.decode()
    assert 'id="ranking-bar"' in html and 'data-figure-id="ranking-bar"' in html
    assert 'data-figure-id="ranking-tiles"' in html
    assert "/static/vendor/plotly.min.js" in html and "/static/reports/charts.js" in html


@pytest.mark.django_db
def test_ranking_without_values_shows_a_message_not_an_empty_chart(client):
    par = make_indicator(code="par_index")
    unit = make_unit(short_name="An Giang")
    make_value(indicator=par, unit=unit, year=2023, value=None, rank=5, rank_basis="stated")
    response = client.get(
        reverse("reports:ranking") + "?indicator=par_index&year=2023", HTTP_COOKIE="django_language=en"
    )
    html = response.content.decode()
    assert response.context["bar"].figure is None
    assert "nothing to chart" in html and "data-figure-id" not in html
