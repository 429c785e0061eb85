"""Save the ranking pages byte for byte (both languages), to compare across a change of their code.

    .venv/bin/python bench/snapshots/rankings.py --bench /tmp/rankings-before
    ... change ...
    .venv/bin/python bench/snapshots/rankings.py --bench /tmp/rankings-after
    diff -r /tmp/rankings-before /tmp/rankings-after

The pages bench/rankings measures (the largest province's communes in 2025 and 2024, the national commune
ranking, the provinces) and their variants: a region, another page, a highlighted unit, every unit, districts,
other indicators and years, and the error pages of bad choices. Each is fetched anonymously and, when the
database has an active superuser, signed in as them, with and without their preview of unpublished values
(``preview=1``). Runs against
the database DATABASE_URL names (``--bench``: the SYNTHETIC benchmark database) and reads it only; the CSRF
token (new per request) is written as "-". Not a benchmark: nothing is timed.
"""

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def ranking_urls() -> list[str]:
    """Return the ranking pages to save: bench/rankings' four, their variants and some bad choices."""
    from indicators.models import Indicator
    from indicators.rankings import years_with_data
    from provinces.models import AdministrativeUnit, Level

    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
    new = provinces.for_year(2025).filter(code="79").first() or provinces.for_year(2025).order_by("code").last()
    old = provinces.for_year(2024).filter(code="38").first() or provinces.for_year(2024).order_by("code").first()
    base = "/rankings/?indicator=par_index"
    urls = [
        "/rankings/",
        f"{base}&year=2025&level=commune&within={new.code}",
        f"{base}&year=2024&level=commune&within={old.code}",
        f"{base}&year=2025&level=commune&within=all",
        f"{base}&year=2024",
        f"{base}&year=2025",
        f"{base}&year=2024&region=red_river_delta",
        f"{base}&year=2025&level=commune&within=all&page=3",
        f"{base}&year=2024&level=district&within={old.code}",
        f"{base}&year=2024&level=commune&within={old.code}&figures=all",
        f"{base}&year=2024&level=commune&within={old.code}&sort=-value",
        f"{base}&year=2025&level=ministry",
        f"{base}&year=2024&level=commune",
        f"{base}&year=2025&level=district&within={new.code}",
        f"{base}&year=1800",
        f"{base}&year=abc",
        "/rankings/?indicator=nope",
        f"{base}&format=pdf",
    ]
    for indicator in Indicator.objects.order_by("display_order", "code")[:6]:
        urls.append(f"/rankings/?indicator={indicator.code}")
        years = years_with_data(indicator=indicator)
        if len(years) > 2:
            urls.append(f"/rankings/?indicator={indicator.code}&year={years[-1]}")
    return list(dict.fromkeys(urls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--bench", action="store_true", help="the benchmark database (BENCH_DATABASE_URL)")
    args = parser.parse_args()
    from snapshot import CSRF, setup_django_on

    setup_django_on(bench=args.bench)
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {"anonymous": Client()}
    staff = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if staff is not None:
        clients["staff"] = Client()
        clients["staff"].force_login(staff)
    urls = ranking_urls()
    for who, client in clients.items():
        for language in ("vi", "en"):
            # Signed in: the pages as staff see them, then with their preview of unpublished values.
            asked = urls if who == "anonymous" else [*urls, *(f"{u}{'&' if '?' in u else '?'}preview=1" for u in urls)]
            client.cookies["django_language"] = language  # a cookie of the client's: the session's stays
            for url in asked:
                response = client.get(url)
                name = re.sub(r"[^A-Za-z0-9._-]+", "_", url.strip("/"))
                target = args.out / who / language / name
                target.parent.mkdir(parents=True, exist_ok=True)
                body = CSRF.sub(b'name="csrfmiddlewaretoken" value="-"', response.content)
                target.write_bytes(f"{response.status_code} {response.get('Content-Type', '')}\n".encode() + body)
            print(f"{who}, {language}: {len(asked)} pages saved under {args.out / who / language}")


if __name__ == "__main__":
    main()
