"""What officials meet first (issue 15): labelled units, a Vietnamese admin, link previews, quiet commands."""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from indicators.models import Value, ValueStatus
from provinces.models import Level
from tests.factories import make_indicator, make_source, make_unit, make_value

ROOT = Path(__file__).resolve().parents[1]
OLD_END = datetime.date(2025, 6, 30)
NEW_START = datetime.date(2025, 7, 1)


@pytest.fixture
def namesakes(db):
    """Quảng Ninh before and after 1 July 2025, and Hà Nội in force throughout."""
    return {
        "old": make_unit(code="22", short_name="Quảng Ninh", valid_to=OLD_END),
        "new": make_unit(code="22", short_name="Quảng Ninh", valid_from=NEW_START, valid_to=None),
        "both": make_unit(code="01", short_name="Hà Nội", valid_to=None),
    }


def test_a_unit_label_names_its_validity_only_where_it_has_bounds(namesakes):
    with translation.override("vi"):
        assert namesakes["old"].label == "Quảng Ninh (đến 30/06/2025)"
        assert namesakes["new"].label == "Quảng Ninh (từ 01/07/2025)"
        assert namesakes["both"].label == "Hà Nội"
    with translation.override("en"):
        assert namesakes["old"].label == "Quảng Ninh (until 30/06/2025)"
        assert namesakes["new"].label == "Quảng Ninh (from 01/07/2025)"


def test_the_admin_autocomplete_tells_namesakes_apart(staff_client, namesakes):
    params = {"app_label": "indicators", "model_name": "value", "field_name": "unit", "term": "quang ninh"}
    response = staff_client.get("/admin/autocomplete/", params)

    assert response.status_code == 200
    texts = sorted(item["text"] for item in response.json()["results"])
    assert len(texts) == 2 and len(set(texts)) == 2
    assert texts[0].startswith("Quảng Ninh (từ 01/07/2025)") and texts[1].startswith("Quảng Ninh (đến 30/06/2025)")


def test_the_admin_autocomplete_still_needs_a_staff_login(client, namesakes):
    params = {"app_label": "indicators", "model_name": "value", "field_name": "unit", "term": "quang"}
    response = client.get("/admin/autocomplete/", params)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_is_titled_in_vietnamese_and_shows_no_english_third_party_labels(staff_client, namesakes):
    index = staff_client.get("/admin/").content.decode()
    assert "Quản trị Chỉ số CCHC" in index
    assert "Django" not in index.split("<body")[1].split("</header>")[0]
    assert "Historical" not in index and "lịch sử giá trị" in index.lower()
    units = staff_client.get("/admin/provinces/administrativeunit/").content.decode()
    history = staff_client.get(f"/admin/provinces/administrativeunit/{namesakes['both'].pk}/history/").content.decode()
    assert "Show counts" not in units and "Change history" not in history
    assert "View history" not in history
    assert (
        "<title>Lịch sử thay đổi: Hà Nội | Quản trị Chỉ số CCHC</title>" in history or "Xem lịch sử: Hà Nội" in history
    )


def test_third_party_apps_have_names_in_the_sites_languages(admin_client, settings):
    index = admin_client.get("/admin/").content.decode()
    for english in ("Axes", "Django Q", "Background jobs", "Failed tasks", "Scheduled tasks", "Queued tasks"):
        assert f">{english}<" not in index
    assert "Chống dò mật khẩu" in index and "Tác vụ nền" in index and "Tác vụ thất bại" in index
    from django.utils import timezone
    from django_q.models import Task

    now = timezone.now()
    Task.objects.create(id="f1", name="values-import", func="f", started=now, stopped=now, success=False, result="x")
    failed = admin_client.get("/admin/django_q/failure/").content.decode()
    assert "Tác vụ thất bại" in failed and "Kết quả (rút gọn)" in failed and "Short result" not in failed
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    index = admin_client.get("/admin/").content.decode()
    assert "Login protection" in index and "Background jobs" in index


def test_save_and_submit_saves_the_sheet_and_sends_its_drafts_for_approval(staff_client):
    unit = make_unit(short_name="Hà Tĩnh", code="42")
    indicator = make_indicator(code="on_time_rate")
    source = make_source()
    make_value(indicator=indicator, unit=unit, year=2023, value="50", source=source, status=ValueStatus.DRAFT)
    url = "/admin/indicators/value/yearsheet/"
    response = staff_client.get(url, {"unit": unit.pk, "year": 2023})
    assert "_save_submit" in response.content.decode()
    formset = response.context["formset"]
    data = {f"rows-{key}": str(value) for key, value in formset.management_form.initial.items()}
    data["sheet-source"] = str(source.pk)
    for form in formset.forms:
        for name in form.fields:
            if name != "delete":
                value = form[name].value()
                data[form[name].html_name] = "" if value is None else str(value)
    row = next(i for i, form in enumerate(formset.forms) if form.row.indicator.code == "on_time_rate")
    data[f"rows-{row}-value"] = "75"
    data["_save_submit"] = "1"

    response = staff_client.post(f"{url}?unit={unit.pk}&year=2023", data)

    assert response.status_code == 302
    stored = Value.objects.get(indicator=indicator, unit=unit, year=2023)
    assert stored.status == ValueStatus.SUBMITTED and str(stored.value).startswith("75")


@pytest.mark.parametrize(
    "path",
    ["/", "/rankings/", "/compare/", "/indicators/", "/indicators/par_index/", "/coverage/", "/search/?q=ha"],
)
def test_every_public_page_has_a_link_preview(client, namesakes, path):
    indicator = make_indicator(code="par_index", name_vi="Chỉ số CCHC")
    make_value(indicator=indicator, unit=namesakes["both"], year=2023)
    html = client.get(path).content.decode()
    for tag in ('property="og:title"', 'property="og:description"', 'name="twitter:card"', 'property="og:url"'):
        assert tag in html, (path, tag)


def test_the_province_page_preview_names_the_province(client, namesakes):
    html = client.get("/provinces/01/").content.decode()
    title = html.split('property="og:title" content="')[1].split('"')[0]
    assert "Hà Nội" in title


def test_manage_py_prints_no_axes_banner():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert "AXES: BEGIN" not in result.stdout + result.stderr


def test_the_units_admin_lists_districts_with_their_validity(staff_client, namesakes):
    make_unit(level=Level.DISTRICT, code="193", short_name="Hạ Long", parent=namesakes["old"], valid_to=OLD_END)
    results = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "indicators", "model_name": "value", "field_name": "unit", "term": "ha long"},
    ).json()["results"]
    assert len(results) == 1
    text = results[0]["text"]
    assert text.startswith("Hạ Long (đến 30/06/2025) · ") and text.endswith(" · Quảng Ninh")


def test_public_pickers_label_units_with_their_validity(client, namesakes):
    html = client.get("/compare/", {"year": "2024"}).content.decode()
    assert "Quảng Ninh (đến 30/06/2025) (22)" in html
    html = client.get("/compare/", {"year": "2025"}).content.decode()
    assert "Quảng Ninh (từ 01/07/2025) (22)" in html
