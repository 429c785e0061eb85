"""The staff user admin: who may grant superuser or staff status, roles and provinces (POSTs, not just forms)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.roles import ROLES
from tests.factories import make_unit
from tests.staff import make_staff

pytestmark = pytest.mark.django_db


def _change_url(user) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


def _post(client, target, *, groups=(), province=None, profile=None, **flags: str):
    """POST the user change form for ``target`` as it would come from the page, plus the given fields."""
    data = {
        "username": target.username,
        "first_name": "",
        "last_name": "",
        "email": target.email,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "groups": [g.pk for g in groups],
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "1" if profile else "0",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-id": profile.pk if profile else "",
        "staff_profile-0-user": target.pk,
        "staff_profile-0-province": province.pk if province else "",
        **flags,
    }
    return client.post(_change_url(target), data)


def _group(slug: str) -> Group:
    return Group.objects.get(name=ROLES[slug].group)


@pytest.fixture
def people(django_user_model):
    hanoi = make_unit(short_name="Hà Nội", code="01", valid_to=None)
    hcm = make_unit(short_name="Hồ Chí Minh", code="79", valid_to=None)
    return {
        "hanoi": hanoi,
        "hcm": hcm,
        "admin": make_staff(django_user_model, "quan.tri", "national-admin"),
        "editor": make_staff(django_user_model, "bien.tap", "province-editor", province=hanoi),
        "viewer": make_staff(django_user_model, "xem", "viewer"),
        "root": django_user_model.objects.create_superuser("root", "root@example.org", None),
    }


def test_a_national_administrator_cannot_make_themselves_superuser(client, people):
    admin = people["admin"]
    client.force_login(admin)
    _post(client, admin, groups=[_group("national-admin")], is_staff="on", is_superuser="on")
    admin.refresh_from_db()
    assert not admin.is_superuser


def test_a_national_administrator_cannot_grant_superuser_staff_or_direct_permissions(client, people):
    viewer, plain = people["viewer"], people["viewer"].__class__.objects.create_user("plain", "p@example.org")
    client.force_login(people["admin"])
    anything = Permission.objects.get(codename="delete_user")
    _post(client, viewer, groups=[_group("viewer")], is_staff="on", is_superuser="on", user_permissions=[anything.pk])
    _post(client, plain, is_staff="on")
    viewer.refresh_from_db()
    plain.refresh_from_db()
    assert not viewer.is_superuser and not viewer.user_permissions.exists()
    assert not plain.is_staff


def test_a_national_administrator_cannot_change_their_own_role_or_province(client, people):
    admin = people["admin"]
    client.force_login(admin)
    _post(client, admin, groups=[_group("viewer")], profile=admin.staff_profile, province=people["hanoi"])
    admin.refresh_from_db()
    assert list(admin.groups.values_list("name", flat=True)) == [ROLES["national-admin"].group]
    assert admin.staff_profile.province is None


def test_a_national_administrator_grants_roles_and_provinces_to_others(client, people):
    editor = people["editor"]
    client.force_login(people["admin"])
    response = _post(
        client, editor, groups=[_group("province-approver")], profile=editor.staff_profile, province=people["hcm"]
    )
    assert response.status_code == 302
    editor.refresh_from_db()
    assert list(editor.groups.values_list("name", flat=True)) == [ROLES["province-approver"].group]
    assert editor.staff_profile.province == people["hcm"] and editor.is_staff


def test_nobody_grants_a_role_holding_permissions_they_lack(client, people, django_user_model):
    powerful = Group.objects.create(name="Account managers")
    powerful.permissions.add(Permission.objects.get(codename="delete_user"))
    editor = people["editor"]
    client.force_login(people["admin"])
    response = _post(client, editor, groups=[_group("province-editor"), powerful], profile=editor.staff_profile)
    assert response.status_code == 200 and "groups" in response.context["adminform"].form.errors
    assert not editor.groups.filter(pk=powerful.pk).exists()


def test_a_national_administrator_cannot_reach_a_superuser_account(client, people):
    client.force_login(people["admin"])
    root = people["root"]
    assert client.get(_change_url(root)).status_code in {302, 404}
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    client.post(password, {"password1": "Taken-over-passphrase-1", "password2": "Taken-over-passphrase-1"})
    root.refresh_from_db()
    assert not root.check_password("Taken-over-passphrase-1")
    assert root.username not in client.get(reverse("admin:auth_user_changelist")).content.decode()


def test_an_editor_cannot_post_to_any_user_page(client, people):
    editor = people["editor"]
    client.force_login(editor)
    response = _post(client, editor, groups=[_group("national-admin")], is_superuser="on", is_staff="on")
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser and not editor.groups.filter(name=ROLES["national-admin"].group).exists()


def test_a_superuser_grants_superuser_and_staff_status(client, people):
    viewer = people["viewer"]
    client.force_login(people["root"])
    _post(client, viewer, groups=[_group("viewer")], profile=viewer.staff_profile, is_staff="on", is_superuser="on")
    viewer.refresh_from_db()
    assert viewer.is_superuser and viewer.is_staff


def test_the_user_pages_render_for_a_national_administrator(client, people):
    admin = people["admin"]
    client.force_login(admin)
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    own = client.get(_change_url(admin))
    assert own.status_code == 200
    form = own.context["adminform"].form
    assert not {"is_superuser", "is_staff", "user_permissions", "groups"} & set(form.fields)
    other = client.get(_change_url(people["editor"])).context["adminform"].form
    assert "groups" in other.fields and "is_superuser" not in other.fields
