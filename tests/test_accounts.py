"""Staff accounts: roles from the migration, createstaff, login throttling per username and
address, password rules, session expiry, logout and password change."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.client_address import trusted_proxies_parse
from accounts.roles import ROLES
from tests.factories import make_unit
from tests.staff import PASSWORD, make_staff

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


def test_the_migration_creates_the_four_roles_with_their_permissions():
    groups = {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()} for g in Group.objects.all()
    }
    assert {role.group for role in ROLES.values()} <= set(groups)
    editor, approver, viewer = groups["Province editor"], groups["Province approver"], groups["Viewer"]
    assert {"indicators.change_value", "indicators.submit_value"} <= editor
    assert "indicators.approve_value" not in editor
    assert "indicators.approve_value" in approver and "indicators.change_value" not in approver
    assert not any(p.split(".")[1].startswith(("add_", "change_", "delete_")) for p in viewer)
    assert {"indicators.add_yearlock", "accounts.restore_history", "indicators.change_indicator"} <= groups[
        "National administrator"
    ]


def test_createstaff_makes_a_province_editor(django_user_model):
    province = make_unit(code="42", short_name="Hà Tĩnh", valid_to=None)
    call_command("createstaff", "ha.tinh", "--role", "province-editor", "--province", "42", "--password", PASSWORD)
    user = django_user_model.objects.get(username="ha.tinh")
    assert user.is_staff and not user.is_superuser and user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == ["Province editor"]
    assert user.staff_profile.province == province


def test_createstaff_refuses_a_weak_password_and_a_missing_province(django_user_model):
    make_unit(code="42", valid_to=None)
    with pytest.raises(CommandError):
        call_command("createstaff", "weak", "--role", "viewer", "--password", "12345678")
    with pytest.raises(CommandError, match="needs --province"):
        call_command("createstaff", "nobody", "--role", "province-approver")
    assert not django_user_model.objects.exists()


def _login(client, username: str, password: str, ip: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_out_that_username_at_that_address_only(client, django_user_model):
    for name in ("alice", "bob"):
        make_staff(django_user_model, name, "viewer", password=PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "alice", "wrong password", "10.0.0.1")

    locked = _login(client, "alice", PASSWORD, "10.0.0.1")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    # Colleagues behind the same office address, and alice elsewhere, still log in.
    assert _login(client, "bob", PASSWORD, "10.0.0.1").status_code == 302
    client.logout()
    assert _login(client, "alice", PASSWORD, "10.0.0.2").status_code == 302


def test_sessions_expire_and_staff_can_log_out_and_change_their_password(client, django_user_model):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    user = make_staff(django_user_model, "carol", "viewer", password=PASSWORD)
    assert _login(client, "carol", PASSWORD, "10.0.0.3").status_code == 302
    change = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert change.status_code == 200 and change.context["form"].errors  # too short, refused
    new = "Another-long-passphrase-7"
    change = client.post(
        reverse("admin:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert change.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.post(reverse("admin:logout")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302  # back to the login page


@pytest.mark.django_db
def test_createstaff_reads_the_password_from_standard_input(django_user_model, monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO(PASSWORD + "\n"))
    call_command("createstaff", "stdin.user", "--role", "viewer", "--password-stdin", stdout=StringIO())
    assert django_user_model.objects.get(username="stdin.user").check_password(PASSWORD)


@pytest.mark.django_db
def test_createstaff_without_a_password_says_how_to_set_one(django_user_model):
    out = StringIO()
    call_command("createstaff", "later", "--role", "viewer", "--no-input", stdout=out)
    assert not django_user_model.objects.get(username="later").has_usable_password()
    assert "manage.py changepassword later" in out.getvalue()


PROXY = "127.0.0.1"


def _login_via(client, username: str, password: str, *, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _lock_out(client, username: str, **where: str) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login_via(client, username, "wrong password", **where)


def test_behind_a_trusted_proxy_the_lockout_is_per_forwarded_client(client, django_user_model, settings):
    settings.TRUSTED_PROXIES = trusted_proxies_parse(PROXY)
    make_staff(django_user_model, "alice", "viewer", password=PASSWORD)
    _lock_out(client, "alice", remote=PROXY, forwarded="203.0.113.9")

    assert _login_via(client, "alice", PASSWORD, remote=PROXY, forwarded="203.0.113.9").status_code == 429
    # The same user from another client behind the same proxy still logs in.
    assert _login_via(client, "alice", PASSWORD, remote=PROXY, forwarded="198.51.100.7").status_code == 302
    # A client cannot hide behind an address it writes itself: the proxy appends the real one on the right.
    client.logout()
    forged = _login_via(client, "alice", PASSWORD, remote=PROXY, forwarded="198.51.100.7, 203.0.113.9")
    assert forged.status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, django_user_model, settings):
    settings.TRUSTED_PROXIES = []
    make_staff(django_user_model, "alice", "viewer", password=PASSWORD)
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login_via(client, "alice", "wrong password", remote="203.0.113.9", forwarded=f"10.9.9.{attempt}")
    # Changing the header at each attempt did not spread the failures over several "clients".
    assert _login_via(client, "alice", PASSWORD, remote="203.0.113.9", forwarded="10.1.1.1").status_code == 429


def test_a_forged_forwarded_header_from_an_untrusted_address_is_ignored(client, django_user_model, settings):
    settings.TRUSTED_PROXIES = trusted_proxies_parse(PROXY)
    make_staff(django_user_model, "alice", "viewer", password=PASSWORD)
    # An attacker connecting directly claims to be the administrator's address: only the attacker is locked.
    _lock_out(client, "alice", remote="198.51.100.66", forwarded="203.0.113.9")
    assert _login_via(client, "alice", PASSWORD, remote="198.51.100.66").status_code == 429
    assert _login_via(client, "alice", PASSWORD, remote=PROXY, forwarded="203.0.113.9").status_code == 302


def test_the_lockout_of_one_user_and_address_locks_no_other(client, django_user_model, settings):
    settings.TRUSTED_PROXIES = trusted_proxies_parse("10.0.0.0/8")
    for name in ("alice", "bob"):
        make_staff(django_user_model, name, "viewer", password=PASSWORD)
    _lock_out(client, "alice", remote="10.0.0.5", forwarded="203.0.113.9")
    assert _login_via(client, "bob", PASSWORD, remote="10.0.0.5", forwarded="203.0.113.9").status_code == 302
    client.logout()
    assert _login_via(client, "alice", PASSWORD, remote="10.0.0.6", forwarded="203.0.113.10").status_code == 302


@pytest.fixture
def clock(monkeypatch):
    """Return a settable clock that django-axes and Django read as the current time."""
    import axes.attempts
    import axes.handlers.proxy
    from django.utils import timezone

    state = {"now": timezone.now()}

    def now():
        return state["now"]

    for module in (timezone, axes.attempts, axes.handlers.proxy):
        monkeypatch.setattr(module, "now", now)
    return state


def test_attempts_during_a_lockout_do_not_extend_it(client, django_user_model, clock):
    make_staff(django_user_model, "alice", "viewer", password=PASSWORD)
    start = clock["now"]
    _lock_out(client, "alice", remote="10.0.0.1")
    # Someone keeps trying during the lockout, until just before it ends.
    for minutes in (1, 5, 10, settings.AXES_COOLOFF_TIME.total_seconds() / 60 - 1):
        clock["now"] = start + datetime.timedelta(minutes=minutes)
        assert _login_via(client, "alice", "wrong password", remote="10.0.0.1").status_code == 429
    clock["now"] = start + settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1)
    assert _login_via(client, "alice", PASSWORD, remote="10.0.0.1").status_code == 302


def test_trusted_proxies_accepts_addresses_and_networks_and_names_a_bad_entry():
    assert [str(n) for n in trusted_proxies_parse(" 127.0.0.1, 10.0.0.0/8,::1 ")] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    with pytest.raises(ValueError, match="'nginx'"):
        trusted_proxies_parse("127.0.0.1,nginx")
