"""The admin import pages: upload → preview → confirm, with a staff user."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.admin_imports import SESSION_KEY, upload_dir
from indicators.models import ImportBatch, Value
from tests.factories import make_indicator, make_source, make_unit, make_value
from tests.staff import UPLOAD_URL, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    ha_noi = make_unit(code="01", short_name="Hà Nội")
    dak_lak = make_unit(code="66", short_name="Đắk Lắk")
    par = make_indicator(code="par_index")
    return {"ha_noi": ha_noi, "dak_lak": dak_lak, "par": par, "source": make_source(title="Báo cáo PAR INDEX 2023")}


def test_upload_preview_confirm(staff_client, setting):
    make_value(indicator=setting["par"], unit=setting["ha_noi"], year=2023, value="90", status="draft")
    response = upload(
        staff_client, "Tỉnh;Năm;Chỉ số;Giá trị\nHà Nội;2023;par_index;91,5\nĐắk Lắk;2023;par_index;85\n",
        source=setting["source"],
    )  # fmt: skip
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = staff_client.get(preview_url)
    assert preview.status_code == 200
    counts = preview.context["counts"]
    assert (counts["create"], counts["update"], counts["unchanged"], counts["error_rows"]) == (1, 1, 0, 0)
    assert "90 → 91.5" in preview.content.decode()
    assert Value.objects.get(unit=setting["ha_noi"]).value == 90  # the preview wrote nothing

    confirmed = staff_client.post(preview_url)
    assert confirmed.status_code == 302
    assert Value.objects.get(unit=setting["ha_noi"]).value == 91.5
    batch = ImportBatch.objects.get()
    assert batch.created_by.username == "staff" and batch.source == setting["source"]
    assert Value.objects.get(unit=setting["dak_lak"]).import_batch == batch
    assert not list(upload_dir().iterdir())  # the kept file is removed after the import
    assert staff_client.get(preview_url).status_code == 302  # and cannot be confirmed twice


def test_preview_lists_every_bad_row_and_confirm_writes_nothing(staff_client, setting):
    staff_client.cookies["django_language"] = "en"  # the messages are asserted in English
    response = upload(
        staff_client, "unit,year,indicator,value\nTỉnh Xyz,2023,par_index,80\nHà Nội,2023,par_index,120\n",
        source=setting["source"],
    )  # fmt: skip
    preview = staff_client.get(response["Location"])
    html = preview.content.decode()
    assert preview.context["counts"]["error_rows"] == 2
    assert "Tỉnh Xyz" in html and "120 is above the maximum 100 for par_index" in html
    assert "Confirm and import" not in html
    staff_client.post(response["Location"])
    assert not Value.objects.exists() and not ImportBatch.objects.exists()


def test_confirm_revalidates_the_kept_file_not_posted_data(staff_client, setting):
    response = upload(staff_client, "unit,year,indicator,value\nHà Nội,2023,par_index,80\n", source=setting["source"])
    staff_client.post(response["Location"], {"value": "999", "unit": "Đắk Lắk"})
    assert list(Value.objects.values_list("unit__short_name", "value")) == [("Hà Nội", 80)]


def test_a_file_that_is_not_a_table_is_refused_on_the_preview(staff_client, setting):
    response = staff_client.post(UPLOAD_URL, {"file": SimpleUploadedFile("report.csv", b"%PDF-1.5 binary")})
    preview = staff_client.get(response["Location"])
    assert preview.status_code == 200 and "PDF" in preview.content.decode()


def test_oversized_upload_is_refused_on_the_form(staff_client, setting, settings):
    settings.IMPORT_MAX_BYTES = 10
    staff_client.cookies["django_language"] = "en"  # the message is asserted in English
    response = upload(staff_client, "unit,year,indicator,value\nHà Nội,2023,par_index,80\n")
    assert response.status_code == 200 and "largest file accepted" in response.content.decode()


def test_unknown_token_goes_back_to_upload(staff_client, setting):
    response = staff_client.get(reverse("admin:indicators_importbatch_preview", args=["nope"]))
    assert response.status_code == 302 and response["Location"] == UPLOAD_URL
    assert SESSION_KEY not in staff_client.session


def test_anonymous_users_cannot_upload(client, setting):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_batch_list_links_to_upload(staff_client, setting):
    response = staff_client.get(reverse("admin:indicators_importbatch_changelist"))
    assert response.status_code == 200 and UPLOAD_URL in response.content.decode()


# -- the gate: scope, versions seen at preview, batches (issue 10) -------------------------------------
@pytest.fixture
def province_editor(client, django_user_model, setting):
    from tests.staff import make_staff

    editor = make_staff(django_user_model, "editor", "province-editor", setting["ha_noi"])
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    return editor


def test_an_out_of_scope_row_is_refused_without_showing_anything_stored_about_it(client, setting, province_editor):
    other_source = make_source(title="Báo cáo nội bộ Đắk Lắk")
    make_value(indicator=setting["par"], unit=setting["dak_lak"], year=2023, value="13.5791",
               source=other_source, status="draft")  # fmt: skip
    response = upload(client, "Tỉnh;Mã;Năm;Chỉ số;Giá trị\nĐắk Lắk;66;2023;par_index;66,6\n", source=setting["source"])

    preview = client.get(response["Location"])

    page = preview.content.decode()
    assert "outside your province" in page
    assert "13.5791" not in page and "13,5791" not in page and "Báo cáo nội bộ" not in page
    assert preview.context["preview"]["updates"] == [] and preview.context["preview"]["creates"] == []
    # The refused file was deleted with its preview: a confirm finds nothing to import.
    assert client.post(response["Location"]).status_code == 302
    assert Value.objects.get(unit=setting["dak_lak"]).value == Decimal("13.5791")


def test_a_confirm_is_refused_when_a_value_changed_since_its_preview(client, setting, province_editor):
    from indicators.services import value_save

    stored = make_value(indicator=setting["par"], unit=setting["ha_noi"], year=2023, value="80", status="draft")
    response = upload(client, "unit,year,indicator,value\nHà Nội,2023,par_index,91.5\n", source=setting["source"])
    assert client.get(response["Location"]).context["counts"]["update"] == 1
    stored.value = Decimal("85")
    value_save(value=stored, user=province_editor, channel="form", expected_version=1)  # someone edits meanwhile

    confirmed = client.post(response["Location"])

    assert confirmed.status_code == 200
    errors = confirmed.context["report"].errors
    assert [(e.line, e.column) for e in errors] == [(2, "version")]
    assert "changed since the preview" in errors[0].message and "80 → 85" in errors[0].message
    stored.refresh_from_db()
    assert (stored.value, stored.version) == (Decimal("85"), 2)
    assert not ImportBatch.objects.exists()


def test_a_confirm_is_refused_when_a_value_was_created_since_its_preview(client, setting, province_editor):
    response = upload(client, "unit,year,indicator,value\nHà Nội,2023,par_index,91.5\n", source=setting["source"])
    assert client.get(response["Location"]).context["counts"]["create"] == 1
    make_value(indicator=setting["par"], unit=setting["ha_noi"], year=2023, value="70", status="draft")

    confirmed = client.post(response["Location"])

    assert [e.column for e in confirmed.context["report"].errors] == ["version"]
    assert Value.objects.get().value == Decimal("70")


def test_an_import_advances_the_version_of_every_value_it_updates(client, setting, province_editor):
    stored = make_value(indicator=setting["par"], unit=setting["ha_noi"], year=2023, value="80", status="draft")
    for number in ("81", "82"):
        response = upload(client, f"unit,year,indicator,value\nHà Nội,2023,par_index,{number}\n",
                          source=setting["source"])  # fmt: skip
        client.get(response["Location"])
        assert client.post(response["Location"]).status_code == 302
    stored.refresh_from_db()
    assert (stored.value, stored.version) == (Decimal("82"), 3)
    assert stored.history.first().history_change_reason == "import: ket-qua.csv"


def test_editors_see_only_the_import_batches_of_their_province(client, setting, province_editor, django_user_model):
    other = ImportBatch.objects.create(file_name="dak-lak.csv", file_format="csv")
    make_value(indicator=setting["par"], unit=setting["dak_lak"], year=2023, import_batch=other)
    own = ImportBatch.objects.create(file_name="ha-noi.csv", file_format="csv")
    make_value(indicator=setting["par"], unit=setting["ha_noi"], year=2023, import_batch=own)

    listed = client.get(reverse("admin:indicators_importbatch_changelist")).context["cl"].result_list

    assert list(listed) == [own]
    assert client.get(reverse("admin:indicators_importbatch_change", args=[other.pk])).status_code == 404
