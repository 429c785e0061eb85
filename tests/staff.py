"""Staff users with roles and provinces, and a small two-province world for workflow tests."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import StaffProfile
from accounts.roles import ROLES, roles_sync
from indicators.models import IndicatorGroup
from provinces.models import AdministrativeUnit, Level
from tests.factories import make_indicator, make_source, make_unit

PASSWORD = "a-long-test-password-42"
# The admin's year sheet (indicators/admin.py): every indicator of one unit for one year.
SHEET_URL = "/admin/indicators/value/yearsheet/"
UPLOAD_URL = "/admin/indicators/importbatch/upload/"


def make_staff(
    django_user_model,
    username: str,
    role: str,
    province: AdministrativeUnit | None = None,
    *,
    password: str | None = None,
):
    """Return a staff user in the role's group, with a province when given.

    Without a password the user can only be logged in by ``force_login`` (hashing costs a
    quarter of a second per user, too slow for the permission matrix).
    """
    user = django_user_model.objects.create_user(username, f"{username}@example.org", password, is_staff=True)
    if not Group.objects.filter(name=ROLES[role].group).exists():
        roles_sync(apps)  # a transactional test's flush (e.g. a browser test) removed the migration's groups
    user.groups.add(Group.objects.get(name=ROLES[role].group))
    StaffProfile.objects.create(user=user, province=province)
    return user


def two_provinces() -> dict[str, object]:
    """Return two provinces with a district each, a PAR indicator and a source."""
    own = make_unit(short_name="Hà Nội", code="01")
    other = make_unit(short_name="Đà Nẵng", code="48")
    return {
        "own": own,
        "other": other,
        "own_district": make_unit(level=Level.DISTRICT, short_name="Ba Đình", code="001", parent=own),
        "other_district": make_unit(level=Level.DISTRICT, short_name="Hải Châu", code="490", parent=other),
        "par": make_indicator(code="par_index", group=IndicatorGroup.PAR),
        "source": make_source(title="Báo cáo PAR INDEX 2023"),
    }


def value_post(indicator, unit, source, *, version: int | None = None, **data: object) -> dict[str, object]:
    """Return the admin value form's POST data."""
    post = {
        "indicator": indicator.pk,
        "unit": unit.pk,
        "year": 2023,
        "value": "",
        "rank": "",
        "rank_basis": "",
        "qualifier": "eq",
        "source": source.pk,
        "note": "",
        **data,
    }
    if version is not None:
        post["expected_version"] = version
    return post


def sheet_form_data(response, language: str = "vi") -> tuple[dict[str, str], dict[str, int]]:
    """Return the POST data a browser would send for the sheet as shown, and each code's row number."""
    formset = response.context["formset"]
    data = {f"rows-{key}": str(value) for key, value in formset.management_form.initial.items()}
    data["sheet-source"] = ""
    with translation.override(language):
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if name != "delete":
                    data[form[name].html_name] = "" if value is None else str(value)
    return data, {form.row.indicator.code: i for i, form in enumerate(formset.forms)}


def fill_sheet(data: dict[str, str], rows: dict[str, int], code: str, **fields: str) -> None:
    """Type the fields into the row of the indicator with this code."""
    for name, typed in fields.items():
        data[f"rows-{rows[code]}-{name}"] = typed


def upload(client, content: str, *, source=None, name: str = "ket-qua.csv", decimal: str = ""):
    """Post a file to the admin's import upload (the first step: preview)."""
    data = {"file": SimpleUploadedFile(name, content.encode("utf-8")), "decimal": decimal}
    if source:
        data["source"] = source.pk
    return client.post(UPLOAD_URL, data)
