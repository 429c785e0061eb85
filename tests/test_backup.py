"""Backup and restore as docs/deploying.md describes them: dumpdata, then loaddata into an empty database."""

import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from indicators.models import SeriesBreak, Source, Value
from tests.factories import make_indicator, make_source, make_unit, make_value

ROOT = Path(__file__).resolve().parent.parent
# The exact arguments of the backup command in docs/deploying.md. Content types and permissions are
# rebuilt by `migrate` (rows point at them by natural key), sessions are disposable.
BACKUP_ARGS = [
    "--natural-foreign",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
]


def restore_into_empty_database(*, backup: Path, database: Path) -> list[dict]:
    """Migrate an empty database, load the backup into it and return what a new dump of it holds."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    for command in (
        ["manage.py", "migrate", "--noinput", "-v0"],
        ["manage.py", "loaddata", str(backup), "-v0"],
        ["manage.py", "dumpdata", *BACKUP_ARGS, "-o", str(database.with_suffix(".json"))],
    ):
        result = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{command}: {result.stderr}"
    return json.loads(database.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture
def small_dataset(django_user_model):
    """Units across a merger, an indicator with a series break, sourced values, staff with a group."""
    old = make_unit(code="40", short_name="Hà Tĩnh")
    new = make_unit(code="42", short_name="Nghệ An", valid_to=None)
    old.successors.add(new)
    indicator = make_indicator(code="par_index", name_vi="Chỉ số cải cách hành chính")
    SeriesBreak.objects.create(indicator=indicator, year=2021, note_vi="Phương pháp mới", note_en="New method")
    source = make_source(title='Báo cáo "PAR Index" 2023 — <Bộ Nội vụ>', url="https://moha.example.org/par?y=2023")
    make_value(indicator=indicator, unit=old, year=2023, value="89.47", rank=3, source=source, note="Ghi chú")
    make_value(indicator=indicator, unit=new, year=2025, value="91.2", source=source)
    editors = Group.objects.create(name="Biên tập viên")
    editors.permissions.add(Permission.objects.get(codename="change_value"))
    user = django_user_model.objects.create_user("nguyen.van.a", "a@example.org", "mật-khẩu-dài-đủ-10")
    user.groups.add(editors)
    django_user_model.objects.create_superuser("admin", "admin@example.org", "another-long-password")


def rows_by_model(dump: list[dict]) -> dict[str, dict]:
    """Index dumped rows by model and primary key (or natural key when the dump has no pk)."""
    return {f"{row['model']}:{row.get('pk')}": {k: _instant(v) for k, v in row["fields"].items()} for row in dump}


def _instant(value: object) -> object:
    # dumpdata keeps milliseconds: a time whose microseconds are under 1,000 is written "….000Z" and,
    # once restored (microsecond 0), "…Z" — the same instant (about one run in a thousand).
    return value[:-5] + "Z" if isinstance(value, str) and value.endswith(".000Z") else value


@pytest.mark.django_db
def test_a_backup_restored_into_an_empty_database_holds_everything(small_dataset, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("dumpdata", *BACKUP_ARGS, "-o", str(backup), verbosity=0)
    original = json.loads(backup.read_text(encoding="utf-8"))

    restored = restore_into_empty_database(backup=backup, database=tmp_path / "restored.sqlite3")

    assert rows_by_model(restored) == rows_by_model(original)
    models = Counter(row["model"] for row in restored)
    assert models["indicators.value"] == Value.objects.count() == 2
    assert models["indicators.source"] == Source.objects.count() == 1
    assert models["indicators.seriesbreak"] == 1
    assert models["auth.user"] == 2
    assert models["auth.group"] == Group.objects.count()  # the role groups and this one
    values = [row["fields"] for row in restored if row["model"] == "indicators.value"]
    assert sorted(Decimal(v["value"]) for v in values) == [Decimal("89.47"), Decimal("91.2")]
    users = {row["fields"]["username"]: row["fields"] for row in restored if row["model"] == "auth.user"}
    assert users["nguyen.van.a"]["password"].startswith("pbkdf2_sha256$")  # the hash, so the login still works
    assert users["nguyen.van.a"]["groups"] == [["Biên tập viên"]]
    group = next(
        row["fields"] for row in restored if row["model"] == "auth.group" and row["fields"]["name"] == "Biên tập viên"
    )
    assert group["permissions"] == [["change_value", "indicators", "value"]]
    source = next(row["fields"] for row in restored if row["model"] == "indicators.source")
    assert source["title"] == 'Báo cáo "PAR Index" 2023 — <Bộ Nội vụ>'


@pytest.mark.django_db
def test_the_backup_includes_every_history_table(small_dataset, tmp_path):
    """Change history (django-simple-history tables, the admin log) is data: a restore must keep it."""
    history_models = [
        m._meta.label_lower
        for m in apps.get_models()
        if m._meta.label_lower == "admin.logentry" or m.__name__.startswith("Historical")
    ]
    backup = tmp_path / "backup.json"
    call_command("dumpdata", *BACKUP_ARGS, "-o", str(backup), verbosity=0)
    dumped = Counter(row["model"] for row in json.loads(backup.read_text(encoding="utf-8")))
    for label in history_models:
        model = apps.get_model(label)
        assert dumped[label] == model._default_manager.count(), label
