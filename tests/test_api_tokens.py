"""API tokens: created in the admin and shown once, stored hashed, revocable; they act as their staff user."""

import datetime
import hashlib

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from api.models import ApiToken
from tests.api_tokens import bearer, make_token
from tests.staff import make_staff

pytestmark = pytest.mark.django_db

URL = "/api/v1/values/"


def _write_status(client, raw: str) -> int:
    """Return the status of an (empty, hence invalid) write: 400 means the token authenticated."""
    return client.post(URL, {"rows": []}, content_type="application/json", **bearer(raw)).status_code


def test_a_token_is_stored_only_as_its_hash(django_user_model):
    user = make_staff(django_user_model, "editor", "province-editor")
    token, raw = make_token(user)
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert stored["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(value) for value in stored.values()}
    assert raw.startswith(stored["prefix"])
    assert len(raw) > 40


def test_the_admin_creates_a_token_and_shows_it_once(client, django_user_model):
    admin = make_staff(django_user_model, "national", "national-admin")
    editor = make_staff(django_user_model, "editor", "province-editor")
    client.force_login(admin)
    response = client.post("/admin/api/apitoken/add/", {"user": editor.pk, "name": "Cổng Hà Nội"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.name) == (editor, admin, "Cổng Hà Nội")
    raw = response.context["raw"]
    assert raw in response.content.decode()
    assert hashlib.sha256(raw.encode()).hexdigest() == token.key_hash
    for page in ("/admin/api/apitoken/", f"/admin/api/apitoken/{token.pk}/change/"):
        shown = client.get(page)
        assert shown.status_code == 200
        assert raw not in shown.content.decode()
    client.logout()
    assert _write_status(client, raw) == 400


def test_tokens_are_only_for_active_staff(client, django_user_model):
    client.force_login(make_staff(django_user_model, "national", "national-admin"))
    citizen = django_user_model.objects.create_user("citizen", "citizen@example.org")
    response = client.post("/admin/api/apitoken/add/", {"user": citizen.pk, "name": "x"})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_a_province_editor_may_not_manage_tokens(client, django_user_model):
    client.force_login(make_staff(django_user_model, "editor", "province-editor"))
    assert client.get("/admin/api/apitoken/add/").status_code == 403


def test_a_revoked_token_no_longer_authenticates(client, django_user_model):
    admin = make_staff(django_user_model, "national", "national-admin")
    token, raw = make_token(make_staff(django_user_model, "editor", "province-editor"))
    assert _write_status(client, raw) == 400
    client.force_login(admin)
    response = client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    refused = client.post(URL, {"rows": []}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **bearer(raw))
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"] == "The token is not valid or has been revoked."


@pytest.mark.parametrize("change", ["inactive", "not_staff"])
def test_a_token_of_a_user_who_left_the_staff_is_refused(client, django_user_model, change):
    user = make_staff(django_user_model, "editor", "province-editor")
    _token, raw = make_token(user)
    User.objects.filter(pk=user.pk).update(**{"is_active" if change == "inactive" else "is_staff": False})
    assert _write_status(client, raw) == 401


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer a b", "Token cchc_nothing", "Bearer \u00e9"])
def test_a_wrong_token_is_401_even_on_reads(client, header):
    response = client.get(URL, HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_reads_need_no_token_and_last_use_is_recorded_coarsely(client, django_user_model):
    assert client.get(URL).status_code == 200
    token, raw = make_token(make_staff(django_user_model, "viewer", "viewer"))
    assert client.get(URL, **bearer(raw)).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(URL, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == first  # not a write per request
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - datetime.timedelta(hours=1))
    client.get(URL, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(minutes=1)


def test_token_clients_have_their_own_throttle(client, django_user_model, settings):
    settings.API_THROTTLE_TOKEN = "2/minute"
    settings.API_THROTTLE_ANON = "100/minute"
    _token, raw = make_token(make_staff(django_user_model, "viewer", "viewer"))
    statuses = [client.get(URL, **bearer(raw)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get(URL).status_code == 200  # anonymous clients are counted apart
