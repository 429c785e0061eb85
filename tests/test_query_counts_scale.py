"""Every public page runs the same number of SQL queries whatever the size of the data.

A scaled-down version of the benchmark data (bench/generate) is built at two sizes — more
provinces, districts, communes, indicators, years and values in the second — and every public
page is requested at both: the query counts must be equal.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import PublishedAverage, Value, ValueStatus
from provinces.models import Level
from tests.factories import make_indicator, make_source, make_unit

pytestmark = pytest.mark.django_db

SMALL = {"provinces": 3, "districts": 2, "communes": 2, "indicators": 2, "years": [2023, 2024]}
LARGE = {"provinces": 7, "districts": 4, "communes": 3, "indicators": 5, "years": [2020, 2021, 2022, 2023, 2024]}
PAGES = [
    "/",
    "/rankings/?indicator=par_index&year=2024",
    "/rankings/?indicator=par_index&year=2024&region=red_river_delta",
    "/rankings/?indicator=par_index&year=2024&level=district&within=01",
    "/rankings/?indicator=par_index&year=2024&level=commune&within=01",
    "/rankings/?indicator=par_index&year=2024&level=commune&within=all",
    "/rankings/?indicator=par_index&year=2024&format=csv",
    "/provinces/01/?on=2024-12-31",
    "/units/district/101/?on=2024-12-31",
    "/units/commune/10101/?on=2024-12-31",
    "/compare/?units=01,02,03&indicators=par_index,ind_2&year=2024",
    "/indicators/",
    "/indicators/par_index/",
    "/coverage/?indicator=par_index",
    "/search/?q=tinh",
]


class Dataset:
    """A synthetic dataset that grows: each call to grow() adds what the larger size has beyond the smaller."""

    def __init__(self) -> None:
        self.units: dict[str, object] = {}
        self.indicators: dict[str, object] = {}
        self.stored: set[tuple[int, int, int]] = set()
        self.source = make_source(title="SYNTHETIC test data")

    def _unit(self, key: str, **fields: object) -> object:
        if key not in self.units:
            self.units[key] = make_unit(**fields)
        return self.units[key]

    def grow(self, *, provinces: int, districts: int, communes: int, indicators: int, years: list[int]) -> None:
        for i in range(1, indicators + 1):
            code = "par_index" if i == 1 else f"ind_{i}"
            if code not in self.indicators:
                self.indicators[code] = make_indicator(code=code)
        for p in range(1, provinces + 1):
            province = self._unit(f"{p:02d}", code=f"{p:02d}", short_name=f"Tỉnh {p}")
            for d in range(1, districts + 1):
                district = self._unit(
                    f"{p}{d:02d}",
                    level=Level.DISTRICT,
                    code=f"{p}{d:02d}",
                    short_name=f"Huyện {p}-{d}",
                    parent=province,
                )
                for c in range(1, communes + 1):
                    code = f"{p}{d:02d}{c:02d}"
                    self._unit(code, level=Level.COMMUNE, code=code, short_name=f"Xã {code}", parent=district)
        new = []
        for n, (indicator, unit, year) in enumerate(
            (i, u, y) for i in self.indicators.values() for u in self.units.values() for y in years
        ):
            if (indicator.pk, unit.pk, year) in self.stored or n % 11 == 0:  # some values missing
                continue
            self.stored.add((indicator.pk, unit.pk, year))
            new.append(
                Value(
                    indicator=indicator,
                    unit=unit,
                    year=year,
                    value=Decimal(40 + (n * 7919) % 600 / 10),
                    source=self.source,
                    status=ValueStatus.APPROVED,
                )
            )
        Value.objects.bulk_create(new)
        for indicator in self.indicators.values():
            for year in years:
                PublishedAverage.objects.get_or_create(
                    indicator=indicator,
                    year=year,
                    scope="national",
                    region="",
                    defaults={"value": Decimal("70"), "source": self.source},
                )


def query_counts() -> dict[str, int]:
    from django.test import Client

    client = Client()
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_every_public_page_runs_the_same_queries_at_two_sizes(settings):
    settings.PAGE_CACHE_SECONDS = 0  # measure the work, not the cache
    data = Dataset()
    data.grow(**SMALL)
    small = query_counts()
    data.grow(**LARGE)
    assert Value.objects.count() > 4 * len(data.stored) / 5 > 1000
    large = query_counts()
    assert large == small


def test_the_national_commune_ranking_lists_the_communes_of_every_province(client):
    data = Dataset()
    data.grow(**SMALL)
    response = client.get("/rankings/?indicator=par_index&year=2024&level=commune&within=all")
    assert response.status_code == 200
    names = {row["name"] for row in response.context["table"].data.data}
    assert {"Xã 10101", "Xã 30202"} <= names
    assert len(names) == SMALL["provinces"] * SMALL["districts"] * SMALL["communes"]
