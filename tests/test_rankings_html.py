"""The ranking table written in Python (RankingTable.html) is byte for byte what django-tables2's template wrote."""

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from provinces.models import Level, Region
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db

#: The table as ranking.html wrote it before RankingTable.html: django-tables2's tag and template.
RENDER_TABLE = Template("{% load django_tables2 %}{% render_table table %}")


@pytest.fixture
def world():
    par = make_indicator(code="par_index", decimals=2, name_vi="Chỉ số <CCHC>", name_en="PAR & Index")
    source = make_source(title="Báo cáo “PAR” <2023> & co", url="https://example.org/?a=1&b=2")
    provinces = [
        make_unit(code="01", short_name="Hà Nội <1>", region=Region.RED_RIVER_DELTA),
        make_unit(code="22", short_name="Quảng Ninh", region=Region.RED_RIVER_DELTA),
        make_unit(code="31", short_name="Hải Phòng & co", region=Region.RED_RIVER_DELTA),
        make_unit(code="66", short_name="Đắk Lắk", region=Region.CENTRAL_HIGHLANDS),
    ]
    for n, unit in enumerate(provinces[:3]):
        make_value(indicator=par, unit=unit, year=2023, value=str(80 + n * 1.5), source=source, rank=n + 1)
        make_value(indicator=par, unit=unit, year=2022, value=str(82 - n), source=source)
    district = make_unit(level=Level.DISTRICT, code="001", short_name="Ba Đình", parent=provinces[0])
    for n in range(3):
        commune = make_unit(level=Level.COMMUNE, code=f"0000{n}", short_name=f"Xã {n}", parent=district)
        make_value(indicator=par, unit=commune, year=2023, value=str(1234.5 + n), source=source)
    return par


URLS = [
    "/rankings/?indicator=par_index&year=2023",
    "/rankings/?indicator=par_index&year=2023&region=red_river_delta",
    "/rankings/?indicator=par_index&year=2023&sort=-value&extra=a&extra=b%26c",
    "/rankings/?indicator=par_index&year=2023&sort=name&figures=all&highlight=31",
    "/rankings/?indicator=par_index&year=2023&level=commune&within=01",
    "/rankings/?indicator=par_index&year=2023&level=commune&within=all&sort=region",
    "/rankings/?indicator=par_index&year=2023&region=mekong_delta",  # no province: the empty table
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("url", URLS)
def test_the_ranking_table_is_the_templates_byte_for_byte(client, world, language, url):
    settings.PAGE_CACHE_SECONDS = 0
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    table, request = response.context["table"], response.wsgi_request
    with translation.override(language):
        written = table.html()
        assert written == RENDER_TABLE.render(Context({"table": table, "request": request}))
    assert written in response.content.decode()
