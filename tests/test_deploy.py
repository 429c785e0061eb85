"""Production deployment: settings under DEBUG=0, security headers, the health check, static files."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "cchc.example.org",
}
PRODUCTION_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "BEHIND_TLS_PROXY",
    "SECURE_HSTS_PRELOAD",
    "STATIC_ROOT",
    # Set while the browser tests run (tests/e2e/conftest.py); check --deploy rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run the interpreter in a fresh process with only the given production variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_VARIABLES}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def production_settings(*names: str, **env: str) -> dict:
    """Return the named settings as the production process sees them."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(["-c", code], DJANGO_SETTINGS_MODULE="config.settings", **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_production_settings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_behind_a_tls_proxy_that_redirects():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        BEHIND_TLS_PROXY="1",
        SECURE_SSL_REDIRECT="0",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_nothing_redirects_to_https():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION, SECURE_SSL_REDIRECT="0"
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_production_turns_on_secure_cookies_hsts_and_ssl_redirect():
    values = production_settings(
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "STORAGES",
    )
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # trusted only when BEHIND_TLS_PROXY says so
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted():
    values = production_settings("SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", BEHIND_TLS_PROXY="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True


def test_production_database_connections_are_reused_with_health_checks():
    code = (
        "import json, config.settings as s; d = s.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    result = run_python(["-c", code], **PRODUCTION, DATABASE_URL="postgres://app@db.internal:5432/cchc")
    assert result.returncode == 0, result.stderr
    conn_max_age, health_checks = json.loads(result.stdout)
    assert conn_max_age > 0
    assert health_checks is True


def test_a_trusted_origin_without_its_scheme_is_a_clear_error():
    result = run_python(["-c", "import config.settings"], **PRODUCTION, CSRF_TRUSTED_ORIGINS="cchc.example.org")
    assert result.returncode != 0
    assert "CSRF_TRUSTED_ORIGINS entry 'cchc.example.org' needs its scheme" in result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch, caplog):
    class BrokenConnection:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("config.health.connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert "connection refused" not in response.content.decode()
    assert "the database did not answer" in caplog.text


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_pages_send_the_security_headers(client):
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_an_inline_script():
    """Scripts come from static files: an inline one would be blocked by the Content-Security-Policy."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text(encoding="utf-8")):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template.relative_to(ROOT)}: {tag}")
    assert offenders == []


PRODUCTION_REQUESTS = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
# plotly.js (4.7 MB) and Swagger UI are left out: compressing them takes seconds and the home page does not
# load them; every page names Tom Select (static/reports/pickers.js), so it is collected.
call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["vendor/plotly*", "vendor/swagger-ui"])
from django.templatetags.static import static
client = Client(HTTP_HOST="cchc.example.org")
page = client.get("/", secure=True)
script = static("reports/charts.js")
asset = client.get(script, secure=True, HTTP_ACCEPT_ENCODING="gzip, br")
plain = client.get("/", secure=False)
health = client.get("/healthz", secure=False)
print(json.dumps({
    "page": page.status_code,
    "hsts": page.get("Strict-Transport-Security", ""),
    "script": script,
    "asset": asset.status_code,
    "cache": asset.get("Cache-Control", ""),
    "encoding": asset.get("Content-Encoding", ""),
    "plain": [plain.status_code, plain.get("Location", "")],
    "health": health.status_code,
}))
"""


@pytest.fixture(scope="module")
def production_responses(tmp_path_factory) -> dict:
    """Answer a few requests from a production-configured process with collected static files."""
    base = tmp_path_factory.mktemp("production")
    result = run_python(
        ["-c", PRODUCTION_REQUESTS],
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{base / 'db.sqlite3'}",
        STATIC_ROOT=str(base / "static"),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_pages_render_with_hashed_static_files(production_responses):
    assert production_responses["page"] == 200
    assert re.fullmatch(r"/static/reports/charts\.[0-9a-f]{12}\.js", production_responses["script"])
    assert "max-age=31536000" in production_responses["hsts"]


def test_production_static_files_are_compressed_and_cached_for_long(production_responses):
    assert production_responses["asset"] == 200
    assert production_responses["encoding"] in {"gzip", "br"}
    max_age = int(re.search(r"max-age=(\d+)", production_responses["cache"]).group(1))
    assert max_age >= 60 * 60 * 24 * 365
    assert "immutable" in production_responses["cache"]


def test_production_redirects_http_but_not_the_health_check(production_responses):
    assert production_responses["plain"] == [301, "https://cchc.example.org/"]
    assert production_responses["health"] == 200
