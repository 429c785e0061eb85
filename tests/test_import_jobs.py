"""Large imports off the request (issue 11): a background job with a progress page that survives a
reload; small files stay immediate; the upload folder is cleaned of refused and abandoned files."""

import datetime
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_q.models import OrmQ

from indicators.importing.jobs import job_run
from indicators.models import ImportBatch, ImportJob, ImportJobStatus, Value
from tests.factories import make_indicator, make_source, make_unit

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:indicators_importbatch_upload")
FILE = "unit,year,indicator,value\nHà Nội,2019,par_index,91.5\nĐắk Lắk,2019,par_index,85\nThanh Hóa,2019,par_index,80\n"


@pytest.fixture
def world(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 2  # the three-row file above goes to the worker
    for code, name in (("01", "Hà Nội"), ("66", "Đắk Lắk"), ("38", "Thanh Hóa")):
        make_unit(code=code, short_name=name)
    make_indicator(code="par_index")
    return {"source": make_source(title="Báo cáo PAR INDEX 2019"), "folder": tmp_path}


def upload(client: Client, content: str, source) -> str:
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("lon.csv", content.encode()), "source": source.pk})
    assert response.status_code == 302
    return response["Location"]


def test_a_large_file_is_previewed_and_imported_by_the_worker(staff_client, world, settings):
    settings.IMPORT_JOBS_SYNC = True  # the job runs inside the request, as the worker would run it
    preview_url = upload(staff_client, FILE, world["source"])
    to_job = staff_client.get(preview_url)
    assert to_job.status_code == 302 and "/job/" in to_job["Location"]
    job = ImportJob.objects.get()
    assert (job.action, job.status) == (ImportJob.PREVIEW, ImportJobStatus.DONE)
    page = staff_client.get(to_job["Location"]).content.decode()
    assert page.count("<td>2019</td>") == 3 and not Value.objects.exists()

    confirmed = staff_client.post(preview_url)
    assert "/job/" in confirmed["Location"]
    done = staff_client.get(confirmed["Location"])
    assert done.status_code == 302 and done["Location"] == reverse("admin:indicators_importbatch_changelist")
    assert Value.objects.count() == 3 and ImportBatch.objects.count() == 1
    assert not list(world["folder"].iterdir())  # the imported file is deleted


def test_the_progress_page_survives_a_reload_until_the_worker_is_done(staff_client, world, settings):
    settings.IMPORT_JOBS_SYNC = False
    job_url = staff_client.get(upload(staff_client, FILE, world["source"]))["Location"]
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.QUEUED and OrmQ.objects.count() == 1  # queued in the database broker
    for _reload in range(2):
        page = staff_client.get(job_url).content.decode()
        assert '<meta http-equiv="refresh"' in page and "<progress" in page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, rows_done=1, rows_total=3)
    assert "1 trên 3 dòng (33%)" in staff_client.get(job_url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.QUEUED, rows_done=0, rows_total=0)
    job_run(job.pk)  # what the worker does with the queued task
    page = staff_client.get(job_url).content.decode()
    assert '<meta http-equiv="refresh"' not in page and page.count("<td>2019</td>") == 3


def test_a_job_is_visible_to_its_owner_only(staff_client, world, settings, django_user_model):
    settings.IMPORT_JOBS_SYNC = True
    job_url = staff_client.get(upload(staff_client, FILE, world["source"]))["Location"]
    other = django_user_model.objects.create_superuser("other", "o@example.org", "x")
    client = Client()
    client.force_login(other)
    response = client.get(job_url)
    assert response.status_code == 302 and response["Location"] == UPLOAD


def test_a_small_file_stays_immediate(staff_client, world, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5000
    response = staff_client.get(upload(staff_client, FILE, world["source"]))
    assert response.status_code == 200 and not ImportJob.objects.exists()


def test_a_refused_file_is_deleted_at_once(staff_client, world, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5000
    preview = staff_client.get(
        upload(staff_client, "unit,year,indicator,value\nAtlantis,2019,par_index,1\n", world["source"])
    )
    assert preview.status_code == 200 and not list(world["folder"].iterdir())


def test_abandoned_uploads_are_deleted_after_the_age_setting(world, settings):
    settings.IMPORT_UPLOAD_MAX_AGE_HOURS = 24
    old, recent = world["folder"] / "old-token", world["folder"] / "recent-token"
    old.write_bytes(b"x")
    recent.write_bytes(b"y")
    two_days_ago = time.time() - datetime.timedelta(days=2).total_seconds()
    os.utime(old, (two_days_ago, two_days_ago))
    out = io.StringIO()
    call_command("cleanimportuploads", stdout=out)
    assert not old.exists() and recent.exists()
    assert out.getvalue().startswith("Đã xóa 1 tệp")
