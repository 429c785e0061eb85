"""Data entry in the admin: catalogue, sources and values, in Vietnamese by default."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import MeasureUnit, Value
from provinces.models import Level
from tests.factories import make_indicator, make_source, make_unit, make_value
from tests.staff import value_post

# Session, user, the two counts and the rows; the value list adds its indicator, year and province filters.
CHANGELIST_QUERIES = {"indicator": 5, "source": 5, "value": 8}


@pytest.fixture
def english(staff_client):
    staff_client.cookies["django_language"] = "en"
    return staff_client


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    return len(ctx.captured_queries)


def _many_values(count: int) -> None:
    indicator = make_indicator()
    source = make_source()
    province = make_unit()
    for year in range(2000, 2000 + count):
        make_value(indicator=indicator, unit=province, year=year, source=source)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["indicator", "source", "value"])
def test_changelists_run_a_fixed_number_of_queries_whatever_the_row_count(staff_client, url):
    path = reverse(f"admin:indicators_{url}_changelist")
    _many_values(2)
    few = _queries(staff_client, path)
    _many_values(25)
    many = _queries(staff_client, path)

    assert few == many
    assert many == CHANGELIST_QUERIES[url]


@pytest.mark.django_db
def test_change_forms_render_for_staff(staff_client):
    indicator = make_indicator(code="papi", max_value=80)
    value = make_value(indicator=indicator, unit=make_unit(), year=2019, value="61.5")
    urls = [
        reverse("admin:indicators_indicator_change", args=[indicator.pk]),
        reverse("admin:indicators_indicator_add"),
        reverse("admin:indicators_source_change", args=[value.source_id]),
        reverse("admin:indicators_source_add"),
        reverse("admin:indicators_value_change", args=[value.pk]),
        reverse("admin:indicators_value_add"),
    ]
    for url in urls:
        assert _queries(staff_client, url) <= 12, url

    page = staff_client.get(reverse("admin:indicators_value_change", args=[value.pk])).content.decode()
    assert 'value="61,5"' in page  # Vietnamese is the default language: decimal comma


@pytest.mark.django_db
def test_the_value_list_shows_vietnamese_decimals_and_years_without_grouping(staff_client):
    make_value(indicator=make_indicator(), unit=make_unit(), year=2023, value="87.16")
    page = staff_client.get(reverse("admin:indicators_value_changelist")).content.decode()

    assert '<td class="field-value_label">87,16</td>' in page
    assert '<td class="field-year_label">2023</td>' in page


@pytest.mark.django_db
def test_source_list_counts_the_values_citing_each_source(english):
    source = make_source(title="Báo cáo PAR INDEX 2023")
    indicator, unit = make_indicator(), make_unit()
    for year in (2021, 2022, 2023):
        make_value(indicator=indicator, unit=unit, year=year, source=source)

    page = english.get(reverse("admin:indicators_source_changelist")).content.decode()

    assert '<td class="field-value_count">3</td>' in page


@pytest.mark.django_db
def test_values_are_found_by_unit_name_without_diacritics(staff_client):
    indicator = make_indicator()
    dak_lak, ha_tinh = make_unit(short_name="Đắk Lắk"), make_unit(short_name="Hà Tĩnh")
    wanted = make_value(indicator=indicator, unit=dak_lak)
    make_value(indicator=indicator, unit=ha_tinh)

    for term in ("dak lak", "Đắk Lắk", "DAK LAK"):
        response = staff_client.get(reverse("admin:indicators_value_changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [wanted], term


@pytest.mark.django_db
def test_province_filter_lists_provinces_in_vietnamese_order_and_keeps_their_districts_and_communes(staff_client):
    names = ["Điện Biên", "Bắc Giang", "Đắk Lắk", "Bạc Liêu", "Cà Mau"]
    provinces = {name: make_unit(short_name=name) for name in names}
    district = make_unit(level=Level.DISTRICT, short_name="Buôn Đôn", parent=provinces["Đắk Lắk"])
    commune = make_unit(level=Level.COMMUNE, short_name="Ea Wer", parent=district)
    indicator = make_indicator()
    inside = {make_value(indicator=indicator, unit=unit) for unit in (provinces["Đắk Lắk"], district, commune)}
    make_value(indicator=indicator, unit=provinces["Cà Mau"])

    url = reverse("admin:indicators_value_changelist")
    response = staff_client.get(url, {"province": provinces["Đắk Lắk"].pk})
    spec = next(f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "province")

    assert [label.split(" (")[0] for _pk, label in spec.lookup_choices] == [
        "Bạc Liêu",
        "Bắc Giang",
        "Cà Mau",
        "Đắk Lắk",
        "Điện Biên",
    ]
    assert set(response.context["cl"].result_list) == inside


@pytest.mark.django_db
def test_adding_a_value_reads_vietnamese_numbers_and_records_who_entered_it(staff_client, staff_user):
    count = make_indicator(code="online_services_level3", measure_unit=MeasureUnit.COUNT, max_value=None)
    percent = make_indicator(code="on_time_rate")
    unit, source = make_unit(), make_source()
    add = reverse("admin:indicators_value_add")

    for indicator, typed, expected in ((count, "1.746", Decimal(1746)), (percent, "99,7", Decimal("99.7"))):
        response = staff_client.post(add, value_post(indicator, unit, source, value=typed))
        assert response.status_code == 302, response.context["adminform"].form.errors
        stored = Value.objects.get(indicator=indicator)
        assert stored.value == expected
        assert stored.created_by == staff_user
        assert stored.updated_by == staff_user


@pytest.mark.django_db
def test_english_numbers_are_read_in_english(english):
    count = make_indicator(measure_unit=MeasureUnit.COUNT, max_value=None)
    response = english.post(
        reverse("admin:indicators_value_add"), value_post(count, make_unit(), make_source(), value="1,746")
    )

    assert response.status_code == 302
    assert Value.objects.get().value == 1746


@pytest.mark.django_db
def test_a_change_by_another_user_updates_only_the_last_changed_by(staff_client, staff_user, django_user_model):
    indicator, unit, source = make_indicator(), make_unit(), make_source()
    value = make_value(
        indicator=indicator, unit=unit, source=source, created_by=staff_user, updated_by=staff_user, status="draft"
    )
    editor = django_user_model.objects.create_superuser("editor", "editor@example.org", "another-long-password")
    staff_client.force_login(editor)

    staff_client.post(
        reverse("admin:indicators_value_change", args=[value.pk]),
        {**value_post(indicator, unit, source, value="81,25"), "expected_version": value.version},
    )

    value.refresh_from_db()
    assert (value.value, value.created_by, value.updated_by) == (Decimal("81.25"), staff_user, editor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ("12.34.5", "value", "thousands must be grouped by three digits"),
        ("1,2.3,4", "value", "is not a number"),
        ("chín mươi", "value", "is not a number"),
        ("100.5", "value", "is above the maximum"),
    ],
)
def test_bad_numbers_are_refused_at_the_field_and_the_typed_text_is_kept(english, typed, field, message):
    indicator = make_indicator()
    response = english.post(
        reverse("admin:indicators_value_add"), value_post(indicator, make_unit(), make_source(), value=typed)
    )

    form = response.context["adminform"].form
    assert message in " ".join(form.errors[field])
    assert f'value="{typed}"' in response.content.decode()
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_model_rules_show_at_their_fields_in_the_admin_form(english):
    sipas = make_indicator(code="sipas", levels="province")
    district = make_unit(level=Level.DISTRICT, parent=make_unit())
    response = english.post(
        reverse("admin:indicators_value_add"), value_post(sipas, district, make_source(), value="80", year=2025)
    )

    errors = response.context["adminform"].form.errors
    assert "does not apply to the District level" in errors["indicator"][0]
    assert "was not in force in 2025" in errors["year"][0]
    assert not Value.objects.exists()


@pytest.mark.django_db
def test_the_value_list_links_to_the_year_sheet(staff_client):
    page = staff_client.get(reverse("admin:indicators_value_changelist")).content.decode()
    assert reverse("admin:indicators_value_yearsheet") in page
