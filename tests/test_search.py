"""Search: units found without diacritics, provinces first, in Vietnamese order."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from provinces.models import Level
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [r["short_name"] for r in response.context["results"]]


def test_search_without_diacritics_finds_the_unit(client):
    make_unit(code="66", short_name="Đắk Lắk")
    make_unit(code="42", short_name="Hà Tĩnh")
    assert names(client.get(reverse("reports:search"), {"q": "dak lak"})) == ["Đắk Lắk"]
    response = client.get(reverse("reports:search"), {"q": "ha tinh"})
    assert names(response) == ["Hà Tĩnh"]
    assert 'href="/provinces/42/' in response.content.decode()


def test_provinces_come_first_then_vietnamese_order(client):
    province = make_unit(code="01", short_name="Hà Nội")
    make_unit(level=Level.DISTRICT, code="001", short_name="Ba Đình", parent=province, aliases="Hà Nội Ba Đình")
    make_unit(code="35", short_name="Hà Nam")
    make_unit(code="02", short_name="Hà Giang")
    response = client.get(reverse("reports:search"), {"q": "ha"})
    assert names(response)[:3] == ["Hà Giang", "Hà Nam", "Hà Nội"]
    assert names(response)[-1] == "Ba Đình"


def test_a_former_unit_links_to_its_last_day(client):
    make_unit(code="24", short_name="Bắc Giang")
    response = client.get(reverse("reports:search"), {"q": "bac giang"})
    assert response.context["results"][0]["url"].endswith("?on=" + datetime.date(2025, 6, 30).isoformat())


def test_empty_and_unmatched_queries_give_a_clear_page(client):
    assert client.get(reverse("reports:search")).status_code == 200
    response = client.get(reverse("reports:search"), {"q": "zzzz<b>"}, HTTP_COOKIE="django_language=en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No unit matches" in html and "<b>" not in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Search with at most 100 characters (you typed 101)."), ("vi", "tối đa 100 ký tự (bạn đã gõ 101)")],
)
def test_a_query_too_long_is_the_forms_error_and_stays_in_the_box(client, language, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    typed = "h" * 101
    response = client.get(reverse("reports:search"), {"q": typed})
    content = response.content.decode()
    assert response.status_code == 200 and response.context["results"] == []
    assert message in content and f'value="{typed}"' in content


def test_a_null_character_is_refused_with_a_message_not_searched(client):
    response = client.get(reverse("reports:search"), {"q": "Hà\x00Nội"})
    assert response.status_code == 200 and response.context["form"].errors["q"]
    assert "Không được dùng ký tự rỗng" in response.content.decode()
