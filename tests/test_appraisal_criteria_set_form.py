"""The criteria set's workspace form: the header and the tree in one step, all or nothing, in scope only."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.models import CriteriaSet, Criterion
from provinces.models import Level
from tests.appraisal_world import SAMPLE, appraisal_user, par_catalogue
from tests.appraisal_world import signed_in as _as
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

NEW = reverse("appraisal:criteria-set-new")


@pytest.fixture
def places():
    par_catalogue()
    province = make_unit(short_name="Hà Tĩnh", code="42")
    district = make_unit(level=Level.DISTRICT, code="443", short_name="Hương Sơn", parent=province)
    other = make_unit(short_name="Nghệ An", code="40")
    return {"province": province, "district": district, "other": other}


def _post(assessor, *, content: bytes = b"", file_name: str = "criteria.csv", **changes) -> dict:
    data = {
        "name": "Bộ tiêu chí cấp xã 2021 (thử nghiệm)",
        "assessor": assessor.pk if assessor else "",
        "year": "2021",
        "body_group": "communes",
        "total_max": "100",
        "bands": "Tốt = 90\nKhá = 80\nTrung bình = 65\nYếu = 0",
        "source_title": "Quyết định thử nghiệm",
        "source_url": "",
        "file": SimpleUploadedFile(file_name, content or SAMPLE.read_bytes()),
    }
    data.update(changes)
    return data


def test_a_good_file_creates_the_header_and_the_tree_in_one_step_with_history(client, django_user_model, places):
    admin = appraisal_user(django_user_model, "admin", "appraisal-admin", province=places["province"])
    response = _as(client, admin).post(NEW, _post(places["district"]))
    created = CriteriaSet.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("appraisal:criteria-set", args=[created.pk])
    assert (created.assessor, created.year, created.body_group) == (places["district"], 2021, "communes")
    assert [b[0] for b in created.band_list()] == ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert created.criteria.filter(level="area").count() == 2 and created.criteria.filter(is_leaf=True).exists()
    record = created.history.get()
    assert record.history_user == admin and record.history_change_reason == "appraisal: criteria set created"
    page = client.get(reverse("appraisal:criteria-sets"))
    assert "Bộ tiêu chí cấp xã 2021 (thử nghiệm)" in page.content.decode()


def test_a_bad_file_creates_nothing_lists_every_bad_row_and_keeps_the_typing(client, django_user_model, places):
    admin = appraisal_user(django_user_model, "admin", "appraisal-admin", province=places["province"])
    bad = SAMPLE.read_text(encoding="utf-8").replace(",20,self_assessed,", ",25,self_assessed,", 1)
    bad = bad.replace("1.2,1,criterion", "1.2,9,criterion", 1) + "3,,region,Thừa,,abc,,,2,,,,\n"
    response = _as(client, admin).post(NEW, _post(places["district"], content=bad.encode(), file_name="loi.csv"))
    assert response.status_code == 200
    assert not CriteriaSet.objects.exists() and not Criterion.objects.exists()
    html = response.content.decode()
    assert "Không tạo gì cả" in html  # Vietnamese first
    errors = response.context["result"].errors
    assert {(e.line, e.column) for e in errors} >= {
        (4, "parent_code"),
        (10, "level"),
        (10, "max_score"),
        (10, "evidence_required"),
    }, errors
    for e in errors:
        assert f"<td>{e.line}</td>" in html and f"<code>{e.column}</code>" in html
    assert 'value="Bộ tiêu chí cấp xã 2021 (thử nghiệm)"' in html and "Trung bình = 65" in html
    assert f'<option value="{places["district"].pk}" selected>' in html


def test_a_sum_that_does_not_add_up_creates_nothing(client, django_user_model, places):
    admin = appraisal_user(django_user_model, "admin", "appraisal-admin", province=places["province"])
    response = _as(client, admin).post(NEW, _post(places["district"], total_max="90"))
    assert response.status_code == 200 and not CriteriaSet.objects.exists()
    assert any(e.column == "max_score" for e in response.context["result"].errors)


def test_bad_bands_and_a_missing_file_are_refused_at_their_fields(client, django_user_model, places):
    admin = appraisal_user(django_user_model, "admin", "appraisal-admin", province=places["province"])
    data = _post(places["district"], bands="Tốt 90")
    del data["file"]
    response = _as(client, admin).post(NEW, data)
    assert response.status_code == 200 and not CriteriaSet.objects.exists()
    form = response.context["form"]
    assert form.errors["bands"] and form.errors["file"]


def test_an_administrator_outside_the_province_or_of_the_ministry_is_refused(client, django_user_model, places):
    outsider = appraisal_user(django_user_model, "outsider", "appraisal-admin", province=places["other"])
    _as(client, outsider)
    assert places["district"] not in client.get(NEW).context["form"].fields["assessor"].queryset
    response = client.post(NEW, _post(places["district"]))
    assert response.status_code == 200 and not CriteriaSet.objects.exists()
    assert response.context["form"].errors["assessor"]
    # An empty assessor is the Ministry: only a national administrator creates those sets.
    response = client.post(NEW, _post(None))
    assert response.status_code == 200 and not CriteriaSet.objects.exists()
    reporter = appraisal_user(django_user_model, "someone", "appraiser")
    assert _as(client, reporter).get(NEW).status_code == 403


def test_a_national_administrator_creates_a_ministry_set(client, django_user_model, places):
    national = appraisal_user(django_user_model, "national", "appraisal-admin")
    national.user_permissions.add(Permission.objects.get(codename="all_provinces"))
    response = _as(client, national).post(NEW, _post(None, body_group="ministries"))
    assert response.status_code == 302
    assert CriteriaSet.objects.get().assessor is None


def test_the_header_is_edited_until_a_campaign_uses_the_set(client, django_user_model, appraisal_world):
    world = appraisal_world
    criteria_set, admin = world["set"], world["admin"]
    edit = reverse("appraisal:criteria-set-edit", args=[criteria_set.pk])
    _as(client, admin)
    response = client.post(edit, _post(world["district"], name="Tên mới", file=""))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    criteria_set.refresh_from_db()
    assert criteria_set.name != "Tên mới"

    world["campaign"].delete()
    response = client.post(edit, _post(world["district"], name="Tên mới", file=""))
    assert response.status_code == 302
    criteria_set.refresh_from_db()
    assert criteria_set.name == "Tên mới" and criteria_set.criteria.count() > 0
    assert criteria_set.history.first().history_change_reason == "appraisal: criteria set changed"
    # A changed total the tree does not add up to is refused, and nothing changes.
    response = client.post(edit, _post(world["district"], name="Tên khác", total_max="120", file=""))
    assert response.status_code == 200 and response.context["result"].errors
    criteria_set.refresh_from_db()
    assert (criteria_set.name, criteria_set.total_max) == ("Tên mới", 100)
