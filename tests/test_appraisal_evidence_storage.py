"""Evidence files go through the named storage "appraisal_evidence": local by default, S3-compatible when configured."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, StorageHandler, default_storage, storages

from appraisal.models import Evidence
from appraisal.services import evidence_add, scores_of
from config.storage import EVIDENCE_STORAGE, evidence_storage_setting
from tests.appraisal_world import PDF, commune_world


def test_local_files_are_the_default():
    assert evidence_storage_setting({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert isinstance(storages[EVIDENCE_STORAGE], FileSystemStorage)


def test_s3_storage_is_built_from_the_environment_without_any_network():
    from storages.backends.s3 import S3Storage

    env = {
        "APPRAISAL_EVIDENCE_STORAGE": "s3",
        "APPRAISAL_EVIDENCE_S3_BUCKET": "bang-chung",
        "APPRAISAL_EVIDENCE_S3_ENDPOINT_URL": "https://s3.example.invalid",
        "APPRAISAL_EVIDENCE_S3_REGION": "hn-1",
        "APPRAISAL_EVIDENCE_S3_ACCESS_KEY_ID": "AKIATEST",
        "APPRAISAL_EVIDENCE_S3_SECRET_ACCESS_KEY": "secret-test",
    }
    storage = StorageHandler({EVIDENCE_STORAGE: evidence_storage_setting(env)})[EVIDENCE_STORAGE]
    assert isinstance(storage, S3Storage)
    assert storage.bucket_name == "bang-chung" and storage.endpoint_url == "https://s3.example.invalid"
    assert storage.default_acl == "private" and storage.querystring_auth and not storage.file_overwrite
    assert storage.location == "evidence" and storage.access_key == "AKIATEST"


@pytest.mark.parametrize(
    "env", [{"APPRAISAL_EVIDENCE_STORAGE": "s3"}, {"APPRAISAL_EVIDENCE_STORAGE": "ftp"}], ids=["no bucket", "unknown"]
)
def test_an_incomplete_or_unknown_configuration_stops_the_start(env):
    with pytest.raises(ImproperlyConfigured):
        evidence_storage_setting(env)


@pytest.mark.django_db
def test_the_evidence_field_writes_to_the_named_storage_not_the_default(settings, django_user_model, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        EVIDENCE_STORAGE: {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    world = commune_world(django_user_model)
    assessment = world["assessments"][0]
    score = next(iter(scores_of(assessment).values()))
    evidence = evidence_add(score=score, user=world["reporters"][0], content=PDF, file_name="bien-ban.pdf")
    named = storages[EVIDENCE_STORAGE]
    assert Evidence._meta.get_field("file").storage._wrapped is named
    assert named.exists(evidence.file.name) and not default_storage.exists(evidence.file.name)
    assert evidence.file.open("rb").read() == PDF
