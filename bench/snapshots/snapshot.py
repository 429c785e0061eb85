"""Snapshot every public page (Vietnamese and English) and every CSV/XLSX download, to compare across a refactor.

    .venv/bin/python bench/snapshots/snapshot.py /tmp/layout-before
    ... refactor ...
    .venv/bin/python bench/snapshots/snapshot.py /tmp/layout-after
    diff -r /tmp/layout-before /tmp/layout-after

The dataset is fixed: the shipped units, `loadcatalogue` and `loadpublished` into a SQLite file
(SNAPSHOT_DB, default /tmp/cchc-snapshot.sqlite3; built on the first run, reused after). Pages are fetched
with Django's test client and saved byte for byte (SNAPSHOT_MATCH=<regex>: only the addresses matching it); an XLSX is saved as its cells' values (one JSON file),
since the zip inside carries timestamps. Links to downloads (format=csv/xlsx) found on the pages are
fetched too, so every chart's CSV is covered. Not a benchmark: nothing is timed. With DEBUG on (the
default settings), the 404 page of an unknown indicator names the view's module: expected to differ when
views move.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from html import unescape
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent
DB = Path(os.environ.get("SNAPSHOT_DB", Path(tempfile.gettempdir()) / "cchc-snapshot.sqlite3"))


def build_database() -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    for command in (["migrate", "--noinput", "-v0"], ["loadunits"], ["loadcatalogue"], ["loadpublished"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def setup_django_on(*, bench: bool) -> None:
    """Set Django up for the test client on the benchmark database (``bench``, BENCH_DATABASE_URL) or on the
    database DATABASE_URL names, the page cache off (profiles.py, rankings.py)."""
    if bench:
        from benchlib import use_bench_database

        use_bench_database()
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["PAGE_CACHE_SECONDS"] = "0"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def page_urls() -> list[str]:
    """Every public page, with the query strings that reach each of its branches (including errors)."""
    from django.urls import reverse

    from indicators.models import Indicator
    from provinces.models import AdministrativeUnit, Level

    indicators = list(Indicator.objects.order_by("display_order", "code").values_list("code", flat=True))
    provinces = list(
        AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("code").values_list("code", flat=True)
    )
    urls = [reverse("reports:home"), reverse("reports:indicator-list"), reverse("reports:coverage")]
    urls += [reverse("reports:import-format"), reverse("reports:search")]
    for q in ("Hà Nội", "ha noi", "Bến", "zzz", "x" * 200):
        urls.append(reverse("reports:search") + "?q=" + quote(q))
    ranking = reverse("reports:ranking")
    urls += [ranking, ranking + "?indicator=nope", ranking + "?indicator=par_index&year=abc"]
    urls += [ranking + "?indicator=par_index&format=pdf", ranking + "?indicator=par_index&year=1800"]
    urls += [ranking + "?indicator=par_index&level=district&within=01&year=2024"]
    urls += [ranking + "?indicator=par_index&region=red_river_delta", ranking + "?indicator=par_index&highlight=01"]
    for code in indicators:
        urls.append(ranking + f"?indicator={code}")
        urls.append(reverse("reports:indicator", args=[code]))
        urls.append(reverse("reports:coverage") + f"?indicator={code}")
    urls += [reverse("reports:indicator", args=["nope"]), reverse("reports:indicator", args=["par_index"]) + "?year=x"]
    urls += [reverse("reports:coverage") + "?indicator=nope", reverse("reports:coverage-missing")]
    for code in provinces[:12]:
        urls.append(reverse("reports:province", args=[code]))
    urls += [
        reverse("reports:province", args=["01"]) + "?on=2020-01-01",
        reverse("reports:province", args=["01"]) + "?on=bad",
    ]
    urls += [reverse("reports:province", args=["999"]), reverse("reports:province", args=["x"])]
    for unit in AdministrativeUnit.objects.exclude(level=Level.PROVINCE).order_by("code")[:6]:
        urls.append(reverse("reports:unit", args=[unit.level, unit.code]) + "?on=2024-01-01")
    compare = reverse("reports:compare")
    urls += [compare, compare + "?units=01&units=79", compare + "?units=01&units=79&units=48&year=2023"]
    urls += [compare + "?units=01", compare + "?units=01&units=79&year=abc", compare + "?units=xx&units=79"]
    if len(indicators) > 1:
        urls.append(compare + f"?units=01&units=79&x={indicators[0]}&y={indicators[1]}")
    urls += [reverse("reports:export-values")]
    return urls + ranking_urls()


def ranking_urls() -> list[str]:
    """The ranking of every indicator-year and level with values: both "figures" choices, every region, a sort."""
    from django.urls import reverse

    from indicators.models import Value
    from provinces.models import Region

    ranking = reverse("reports:ranking")
    urls = []
    keys = Value.objects.order_by().values_list("indicator__code", "year", "unit__level").distinct()
    for code, year, level in sorted(set(keys)):
        base = f"{ranking}?indicator={code}&year={year}&level={level}"
        if level not in ("province", "ministry"):
            base += "&within=01"
        urls += [base, base + "&figures=all", base + "&figures=with", base + "&page=2", base + "&highlight=79"]
        if level == "province":
            urls += [f"{base}&region={region}" for region in Region.values]
            urls += [f"{base}&region=mekong_delta&figures=all", base + "&sort=-value"]
    return urls


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
DOWNLOAD = re.compile(r'href="([^"]*[?&](?:amp;)?format=(?:csv|xlsx)[^"]*)"')


def save(client, url: str, out: Path, language: str, seen: set[str]) -> list[str]:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", url.strip("/")) or "index"
    target = out / language / name[:180]
    if len(name) > 180:
        target = target.with_name(target.name + "_" + hashlib.sha256(name.encode()).hexdigest()[:10])
    response = client.get(url, HTTP_COOKIE=f"django_language={language}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(body), read_only=True)
        cells = {ws.title: [[repr(c) for c in row] for row in ws.iter_rows(values_only=True)] for ws in book}
        body = json.dumps(cells, ensure_ascii=False, indent=0).encode()
        target = target.with_name(target.name + ".xlsx.json")
    body = CSRF.sub(b'name="csrfmiddlewaretoken" value="-"', body)  # a new token per request
    header = f"{response.status_code} {kind} {response.get('Content-Disposition', '')}\n".encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(header + body)
    found = []
    if "text/html" in kind:
        for link in DOWNLOAD.findall(body.decode()):
            link = unescape(link)
            if link.startswith("/") and link not in seen:
                seen.add(link)
                found.append(link)
    return found


def main() -> None:
    out = Path(sys.argv[1])
    if not DB.exists():
        build_database()
    setup_django()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()

    client = Client()
    for language in ("vi", "en"):
        seen: set[str] = set()
        queue = page_urls()
        if os.environ.get("SNAPSHOT_MATCH"):  # only the pages whose address matches (with their downloads)
            queue = [url for url in queue if re.search(os.environ["SNAPSHOT_MATCH"], url)]
        count = 0
        while queue:
            url = queue.pop(0)
            queue += save(client, url, out, language, seen)
            count += 1
        print(f"{language}: {count} responses saved under {out / language}")


if __name__ == "__main__":
    main()
