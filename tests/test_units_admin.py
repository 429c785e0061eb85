"""The units admin: list, filters, diacritic-insensitive search and the read-only change page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from provinces.models import REORGANISATION_DATE, AdministrativeUnit, Province

CHANGELIST = reverse("admin:provinces_administrativeunit_changelist")
# session + user, the two counts (filtered and total) and the page of units with their parents.
CHANGELIST_QUERIES = 5


def change_url(unit: AdministrativeUnit) -> str:
    return reverse("admin:provinces_administrativeunit_change", args=[unit.pk])


def listed(response) -> list[AdministrativeUnit]:
    return list(response.context["cl"].result_list)


def test_units_admin_offers_search_fields_for_autocomplete():
    model_admin = admin.site._registry[AdministrativeUnit]
    assert model_admin.search_fields
    assert model_admin.get_ordering(None) == ("sort_key", "code")


@pytest.mark.django_db
def test_changelist_renders_with_a_fixed_number_of_queries(staff_client, real_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(CHANGELIST_QUERIES):
        response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(listed(response)) == 100

    with django_assert_max_num_queries(CHANGELIST_QUERIES):
        response = staff_client.get(CHANGELIST, {"level__exact": "commune", "in_force": "before", "p": "3"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 10_051
    assert all(unit.parent.level == "district" for unit in listed(response))


@pytest.mark.django_db
def test_in_force_filter_separates_the_two_structures(staff_client, real_units):
    before = staff_client.get(CHANGELIST, {"level__exact": "province", "in_force": "before"})
    after = staff_client.get(CHANGELIST, {"level__exact": "province", "in_force": "from"})

    assert before.context["cl"].result_count == 63
    assert after.context["cl"].result_count == 34
    assert (
        staff_client.get(CHANGELIST, {"level__exact": "district", "in_force": "from"}).context["cl"].result_count == 0
    )


@pytest.mark.django_db
def test_search_without_diacritics_finds_dak_lak(staff_client, real_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(CHANGELIST_QUERIES):
        response = staff_client.get(CHANGELIST, {"q": "dak lak", "level__exact": "province"})

    units = listed(response)
    assert {(u.short_name, u.valid_from) for u in units} == {("Đắk Lắk", None), ("Đắk Lắk", REORGANISATION_DATE)}
    assert "Đắk Lắk" in response.content.decode()


@pytest.mark.django_db
def test_search_by_code_and_by_alias(staff_client, real_units):
    by_code = staff_client.get(CHANGELIST, {"q": "24", "level__exact": "province"})
    by_alias = staff_client.get(CHANGELIST, {"q": "HCMC"})

    assert {u.short_name for u in listed(by_code)} == {"Bắc Giang", "Bắc Ninh"}
    assert {(u.code, u.level) for u in listed(by_alias)} == {("79", "province")}


@pytest.mark.django_db
def test_change_page_shows_the_unit_and_its_successor_read_only(
    staff_client, real_units, django_assert_max_num_queries
):
    bac_giang = Province.objects.get(code="24", valid_from=None)
    new_bac_ninh = Province.objects.get(code="24", valid_from=REORGANISATION_DATE)
    # Warm the per-process caches (content types, permissions) that earlier tests may have cleared,
    # so that the count measures this page, not what ran before it.
    staff_client.get(change_url(bac_giang))

    # session, user, unit, content type, predecessors, successors, its creation record (entered by hand?)
    with django_assert_max_num_queries(7):
        response = staff_client.get(change_url(bac_giang))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tỉnh Bắc Giang" in page
    assert change_url(new_bac_ninh) in page
    assert 'name="short_name"' not in page  # reference data: shown, not edited


@pytest.mark.django_db
def test_new_province_lists_its_predecessors(staff_client, real_units):
    new_bac_ninh = Province.objects.get(code="24", valid_from=REORGANISATION_DATE)
    old_bac_ninh = Province.objects.get(code="27", valid_from=None)

    page = staff_client.get(change_url(new_bac_ninh)).content.decode()

    assert change_url(old_bac_ninh) in page
    assert "Bắc Ninh (27 –30/06/2025)" in page


@pytest.mark.django_db
def test_units_cannot_be_deleted_in_the_admin_and_only_hand_entered_units_can_be_added(staff_client):
    # Adding is for agencies and historical units (tests/test_agencies_admin.py); deleting never.
    assert staff_client.get(reverse("admin:provinces_administrativeunit_add")).status_code == 200
