"""Criteria sets: the import's guarantees (all or nothing, row errors, sums), the reference sets, export and copy."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.criteria import criteria_copy, criteria_csv, criteria_import, criteria_xlsx
from appraisal.models import CriteriaSet, Criterion
from appraisal.reference import reference_sets_load
from tests.appraisal_world import SAMPLE, appraisal_user, par_catalogue, sample_set

# The services' messages are checked by their English wording.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

HEADER = "code,parent_code,level,name_vi,max_score,kind,evidence_required\n"


def _set(*, name: str = "Bộ thử", **extra) -> CriteriaSet:
    return CriteriaSet.objects.create(name=name, year=2023, body_group="provinces", **extra)


def _import(criteria_set: CriteriaSet, text: str):
    return criteria_import(criteria_set=criteria_set, content=(HEADER + text).encode(), file_name="bo.csv")


def test_the_sample_template_imports_into_a_tree_with_leaves():
    par_catalogue()
    criteria_set = sample_set(body_group="provinces")
    leaves = list(criteria_set.criteria.filter(is_leaf=True).values_list("code", flat=True))
    assert leaves == ["1.1", "1.2", "2.1.1", "2.1.2", "2.2"]
    assert criteria_set.criteria.get(code="1").indicator.code == "par_c1_direction"


def test_every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_written():
    criteria_set = _set()
    result = _import(
        criteria_set,
        "1,,area,Lĩnh vực một,60,,0\n"
        "1.1,1,criterion,Tiêu chí,abc,self_assessed,0\n"
        "1.1,1,criterion,Trùng mã,10,self_assessed,0\n"
        "1.2,9,criterion,Cha không có,10,self_assessed,0\n"
        "1.3,1,level_x,,10,robot,maybe\n",
    )
    assert not result.ok
    found = {(e.line, e.column) for e in result.errors}
    assert {(3, "max_score"), (4, "code"), (6, "level"), (6, "name_vi"), (6, "kind"), (6, "evidence_required")} <= found
    assert not Criterion.objects.exists()


def test_childrens_maxima_must_add_up_to_the_parent_and_areas_to_the_total():
    criteria_set = _set()
    result = _import(
        criteria_set,
        "1,,area,Lĩnh vực một,60,,0\n1.1,1,criterion,A,20,self_assessed,0\n1.2,1,criterion,B,30,self_assessed,0\n"
        "2,,area,Lĩnh vực hai,30,survey,0\n",
    )
    messages = [str(e) for e in result.errors]
    assert any("add up to 50" in m and "60" in m for m in messages)
    assert any("areas add up to 90" in m for m in messages)


def test_a_set_with_another_total_says_so():
    criteria_set = _set(total_max=60)
    assert _import(criteria_set, "1,,area,Cơ quan TW,60,self_assessed,0\n").ok


def test_an_import_replaces_the_tree_and_a_failed_one_keeps_it():
    criteria_set = _set()
    assert _import(criteria_set, "1,,area,A,100,self_assessed,0\n").ok
    assert not _import(criteria_set, "1,,area,A,90,self_assessed,0\n").ok
    assert criteria_set.criteria.get().max_score == 100


def test_the_reference_sets_import_cleanly_as_partial_sets_and_a_partial_set_may_lack_parts():
    par_catalogue()
    from indicators.models import Indicator

    for code in (
        "par_c2_institutions",
        "par_c4_apparatus",
        "par_c5_civil_service",
        "par_c6_public_finance",
        "par_c7_digital_gov",
        "par_c8_impact",
    ):
        Indicator.objects.create(
            code=code,
            group="par",
            name_vi=code,
            name_en=code,
            measure_unit="points",
            direction="higher",
            levels="province",
        )
    results = reference_sets_load()
    assert all(r.ok for r in results.values()), {k: [str(e) for e in r.errors] for k, r in results.items()}
    assert reference_sets_load()  # idempotent
    assert CriteriaSet.objects.filter(partial=True).count() == 2
    ca_mau = _set(partial=True, name="Cà Mau 1880")
    from appraisal.reference import DATA_DIR

    path = DATA_DIR / "camau_1880_2013_partial.csv"
    assert criteria_import(criteria_set=ca_mau, content=path.read_bytes(), file_name=path.name).ok


def test_export_round_trips_through_the_import_and_a_copy_keeps_the_tree():
    par_catalogue()
    original = sample_set(body_group="provinces")
    again = _set(name="Bản xuất lại")
    assert criteria_import(criteria_set=again, content=criteria_csv(original), file_name="x.csv").ok
    sheet = load_workbook(io.BytesIO(criteria_xlsx(original))).active
    assert sheet.cell(row=2, column=1).value == "1"
    copy = criteria_copy(criteria_set=original, year=2024)
    assert list(copy.criteria.values_list("code", "parent__code")) == list(
        original.criteria.values_list("code", "parent__code")
    )


def test_the_sets_page_imports_and_shows_row_errors(client, django_user_model, tmp_path):
    from django.contrib.auth.models import Permission

    admin = appraisal_user(django_user_model, "admin", "appraisal-admin")
    # A national administrator: the set's assessor is the Ministry (none).
    admin.user_permissions.add(Permission.objects.get(codename="all_provinces"))
    client.force_login(admin)
    criteria_set = _set()
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("appraisal:criteria-set", args=[criteria_set.pk])
    bad = SimpleUploadedFile("bo.csv", (HEADER + "1,,area,A,90,self_assessed,0\n").encode())
    response = client.post(url, {"file": bad})
    body = response.content.decode()
    assert response.status_code == 200 and "Chưa nhập gì" in body and "90" in body
    par_catalogue()
    response = client.post(url, {"file": SimpleUploadedFile("mau.csv", SAMPLE.read_bytes())})
    assert response.status_code == 302 and criteria_set.criteria.count() == 8
    assert client.get(url + "?format=xlsx").status_code == 200
    assert client.get(reverse("appraisal:criteria-sets")).status_code == 200
