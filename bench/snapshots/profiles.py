"""Save the profile pages of many units byte for byte (both languages), to compare across a change of their code.

    DATABASE_URL=sqlite:////tmp/data.sqlite3 .venv/bin/python bench/snapshots/profiles.py /tmp/profiles-before
    ... change ...
    DATABASE_URL=sqlite:////tmp/data.sqlite3 .venv/bin/python bench/snapshots/profiles.py /tmp/profiles-after
    diff -r -I 'print-only print-meta' /tmp/profiles-before /tmp/profiles-after   # the print line has the time

Runs against the database DATABASE_URL names (``--bench``: the SYNTHETIC benchmark database, as bench/rankings)
and reads it only. Per unit level, a spread of the units with figures (``--per-level``; ``--url`` adds pages) on
several dates, and per page its variants: the chart figures (``?format=figures``), the second page of its
subordinate units, every chart's table fragment and CSV, an unknown chart. Not a benchmark: nothing is timed.
"""

import argparse
import re
import sys
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATES = ("", "?on=2019-06-30", "?on=2024-12-31", "?on=2025-07-01")
TABLES = re.compile(r'data-table-url="([^"]*)"')


def unit_urls(per_level: int) -> list[str]:
    """Return the profile URLs of a spread of the units with figures at each level, on several dates."""
    from django.db.models import Exists, OuterRef

    from indicators.selectors import public_values
    from provinces.models import AdministrativeUnit, Level
    from reports.shared.links import unit_url

    urls = []
    for level in Level.values:
        units = list(
            AdministrativeUnit.objects.filter(level=level)
            .filter(Exists(public_values().filter(unit_id=OuterRef("pk"))))
            .order_by("code", "valid_from")
        )
        step = max(1, len(units) // per_level)
        for unit in units[::step][:per_level]:
            base = unit_url(unit).split("?")[0]
            urls += [base + date for date in DATES]
            if unit.valid_from or unit.valid_to:  # the day the unit was in force, whichever it is
                day = (unit.valid_to or unit.valid_from).isoformat()
                urls.append(f"{base}?on={day}")
    return list(dict.fromkeys(urls))


def variants(url: str) -> list[str]:
    """Return the figures, the second page of subordinate units and an unknown chart of one profile URL."""
    joiner = "&" if "?" in url else "?"
    return [
        f"{url}{joiner}format=figures",
        f"{url}{joiner}units_page=2",
        f"{url}{joiner}chart=nope&format=table",
        f"{url}{joiner}chart=nope&format=csv",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--bench", action="store_true", help="the benchmark database (BENCH_DATABASE_URL)")
    parser.add_argument("--per-level", type=int, default=12)
    parser.add_argument("--url", action="append", default=[], help="a profile URL to add (repeatable)")
    args = parser.parse_args()
    from snapshot import save, setup_django_on

    setup_django_on(bench=args.bench)
    from django.test import Client

    client = Client()
    pages = [*args.url, *unit_urls(args.per_level)]
    for language in ("vi", "en"):
        seen: set[str] = set()
        count = 0
        for url in pages:
            queue = [url, *variants(url)]
            while queue:
                link = queue.pop(0)
                queue += save(client, link, args.out, language, seen)
                count += 1
                if link == url:  # the charts' tables, fetched on demand by the page
                    page = client.get(url, HTTP_COOKIE=f"django_language={language}").content.decode()
                    queue += [unescape(t) for t in TABLES.findall(page) if unescape(t) not in seen]
                    seen.update(unescape(t) for t in TABLES.findall(page))
        print(f"{language}: {count} responses from {len(pages)} profiles saved under {args.out / language}")


if __name__ == "__main__":
    main()
