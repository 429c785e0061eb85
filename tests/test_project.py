"""Project-level guarantees: settings from the environment, migrations in step with the models."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def run_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_development_defaults_use_sqlite_and_debug():
    result = run_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_database_url_selects_postgresql():
    result = run_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    assert result.stdout.split() == ["True", "django.db.backends.postgresql"]


def test_production_without_secret_key_is_a_clear_error():
    result = run_settings(DEBUG="0", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_production_without_allowed_hosts_is_a_clear_error():
    result = run_settings(DEBUG="0", SECRET_KEY="x" * 50)
    assert "ALLOWED_HOSTS must be set when DEBUG=0" in result.stderr


def test_a_debug_value_that_is_not_a_boolean_is_refused():
    result = run_settings(DEBUG="maybe")
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.django_db
def test_migrations_are_in_step_with_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_nothing_outside_reports_imports_from_reports():
    # Dependencies point one way (STYLE.md): reports -> indicators -> provinces; the API and the appraisal
    # read through indicators (the ranking: indicators.rankings; the figures: indicators.charts, .figures).
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in ROOT.glob("*/**/*.py")
        if path.relative_to(ROOT).parts[0] not in {"reports", "tests", ".venv", "node_modules", "bench"}
        for module in _imported_modules(path)
        if module == "reports" or module.startswith("reports.")
    ]
    assert offenders == []
