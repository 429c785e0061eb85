"""The home page: latest top and bottom provinces of each headline index, averages labelled."""

import pytest
from django.urls import reverse

from indicators.models import AverageScope, PublishedAverage
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def provinces():
    return [make_unit(code=f"{n:02d}", short_name=f"Tỉnh {chr(65 + n)}") for n in range(12)]


def test_home_shows_top_and_bottom_five_of_the_latest_year(client, provinces):
    par = make_indicator(code="par_index", name_en="PAR Index", name_vi="Chỉ số CCHC")
    for n, unit in enumerate(provinces):
        make_value(indicator=par, unit=unit, year=2023, value=70 + n)
    make_value(indicator=par, unit=provinces[0], year=2022, value=99)
    response = client.get(reverse("reports:home"), HTTP_COOKIE="django_language=en")
    html = response.content.decode()
    (card,) = response.context["cards"]
    assert card["year"] == 2023
    assert [e["name"] for e in card["top"]] == ["Tỉnh L", "Tỉnh K", "Tỉnh J", "Tỉnh I", "Tỉnh H"]
    assert [e["name"] for e in card["bottom"]] == ["Tỉnh E", "Tỉnh D", "Tỉnh C", "Tỉnh B", "Tỉnh A"]
    assert [e["rank"] for e in card["bottom"]] == [8, 9, 10, 11, 12]
    assert "12 of 12 provinces have a published value" in html
    assert "Average computed over the 12 units" in html
    assert "?indicator=par_index&amp;year=2023" in html


def test_home_labels_an_official_average_and_says_when_coverage_is_partial(client, provinces):
    sipas = make_indicator(code="sipas")
    make_unit(code="90", short_name="Tỉnh không có số liệu")
    for unit in provinces[:3]:
        make_value(indicator=sipas, unit=unit, year=2024, value="82.5")
    PublishedAverage.objects.create(
        indicator=sipas, year=2024, scope=AverageScope.NATIONAL, value="82.66", source=make_source(title="Bộ Nội vụ")
    )
    html = client.get(reverse("reports:home")).content.decode()
    en = client.get(reverse("reports:home"), HTTP_COOKIE="django_language=en").content.decode()
    assert "3 of 13 provinces have a published value" in en
    assert "National average (official): 82.66%" in en and "Bộ Nội vụ" in en
    assert "82,66%" in html


def test_home_without_data_says_so(client):
    response = client.get(reverse("reports:home"), HTTP_COOKIE="django_language=en")
    assert response.status_code == 200
    assert "No published values have been loaded yet." in response.content.decode()


def test_home_runs_a_fixed_number_of_queries(client, provinces, django_assert_max_num_queries):
    for code in ("par_index", "sipas", "papi", "pci"):
        indicator = make_indicator(code=code)
        for n, unit in enumerate(provinces):
            make_value(indicator=indicator, unit=unit, year=2020 + n % 3, value=50 + n)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("reports:home"))
    assert len(response.context["cards"]) == 4
