"""Entering units by hand in the admin: a province's departments, historical units with their successors."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from provinces.models import AdministrativeUnit, Level, UnitType
from tests.appraisal_world import appraisal_user
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

ADD = "admin:provinces_administrativeunit_add"


def _form(**fields) -> dict:
    data = {"level": "department", "code": "42001", "unit_type": "so", "name": "Sở Nội vụ tỉnh Hà Tĩnh",
            "short_name": "Sở Nội vụ", "name_en": "", "aliases": "", "region": "", "parent": "",
            "valid_from": "", "valid_to": "", "successors": []}  # fmt: skip
    data.update(fields)
    return data


@pytest.fixture
def provinces():
    return make_unit(short_name="Hà Tĩnh", code="42"), make_unit(short_name="Nghệ An", code="40")


@pytest.fixture
def province_admin(django_user_model, provinces):
    user = appraisal_user(django_user_model, "padmin", "appraisal-admin", province=provinces[0])
    user.is_staff = True
    user.save()
    return user


def test_a_province_administrator_adds_a_department_of_their_province(client, province_admin, provinces):
    client.force_login(province_admin)
    response = client.post(reverse(ADD), _form(parent=provinces[0].pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    department = AdministrativeUnit.objects.get(level=Level.DEPARTMENT, code="42001")
    assert department.parent == provinces[0] and department.history.latest().history_user == province_admin
    change = reverse("admin:provinces_administrativeunit_change", args=[department.pk])
    assert 'name="short_name"' in client.get(change).content.decode()


def test_a_province_administrator_cannot_add_elsewhere_or_another_level_or_change_gso_units(
    client, province_admin, provinces
):
    client.force_login(province_admin)
    response = client.post(reverse(ADD), _form(parent=provinces[1].pk, code="40001"))
    assert response.status_code == 200 and "của tỉnh mình" in response.content.decode()
    response = client.post(reverse(ADD), _form(level="ministry", code="1099", unit_type="bo"))
    assert response.status_code == 200
    assert not AdministrativeUnit.objects.filter(level__in=["department", "ministry"]).exists()
    change = reverse("admin:provinces_administrativeunit_change", args=[provinces[0].pk])
    assert 'name="short_name"' not in client.get(change).content.decode()


def test_a_national_administrator_adds_a_historical_commune_with_its_successor(client, django_user_model, provinces):
    user = django_user_model.objects.create_superuser("nat", "nat@example.org", None)
    district = make_unit(level=Level.DISTRICT, code="443", short_name="Hương Sơn", parent=provinces[0])
    successor = make_unit(
        level=Level.COMMUNE, code="18199", short_name="Kim Hoa", parent=district, unit_type=UnitType.COMMUNE
    )
    client.force_login(user)
    response = client.post(
        reverse(ADD),
        _form(
            level="commune",
            code="18208",
            unit_type="xa",
            name="Xã Sơn Trường",
            short_name="Sơn Trường",
            parent=district.pk,
            valid_to="2019-12-31",
            successors=[successor.pk],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    son_truong = AdministrativeUnit.objects.get(code="18208")
    assert son_truong.in_force_on(datetime.date(2019, 6, 1)) and list(son_truong.successors.all()) == [successor]


def test_a_department_needs_its_province_as_parent(client, django_user_model, provinces):
    client.force_login(django_user_model.objects.create_superuser("nat", "nat@example.org", None))
    response = client.post(reverse(ADD), _form(parent=""))
    assert response.status_code == 200 and not AdministrativeUnit.objects.filter(level="department").exists()
    assert Group.objects.filter(name="Appraisal administrator").exists()
