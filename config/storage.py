"""The named storage of appraisal evidence, from the environment: local files by default, S3-compatible on request.

Kept apart from settings.py so that a test can build it from a given environment without any network.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

EVIDENCE_STORAGE = "appraisal_evidence"


def evidence_storage_setting(env: Mapping[str, str]) -> dict:
    """Return the STORAGES entry of the evidence files.

    ``APPRAISAL_EVIDENCE_STORAGE=s3`` stores them in an S3-compatible bucket through django-storages
    (private objects, signed short-lived URLs, never overwritten); anything else, local files under
    MEDIA_ROOT, never served at a URL.
    """
    kind = env.get("APPRAISAL_EVIDENCE_STORAGE", "local").strip().lower()
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"APPRAISAL_EVIDENCE_STORAGE must be 'local' or 's3', not {kind!r}.")
    bucket = env.get("APPRAISAL_EVIDENCE_S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("APPRAISAL_EVIDENCE_STORAGE=s3 needs APPRAISAL_EVIDENCE_S3_BUCKET.")
    options = {
        "bucket_name": bucket,
        "location": env.get("APPRAISAL_EVIDENCE_S3_PREFIX", "evidence"),
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    for option, name in (
        ("endpoint_url", "APPRAISAL_EVIDENCE_S3_ENDPOINT_URL"),
        ("region_name", "APPRAISAL_EVIDENCE_S3_REGION"),
        ("access_key", "APPRAISAL_EVIDENCE_S3_ACCESS_KEY_ID"),
        ("secret_key", "APPRAISAL_EVIDENCE_S3_SECRET_ACCESS_KEY"),
    ):
        if env.get(name):
            options[option] = env[name]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
