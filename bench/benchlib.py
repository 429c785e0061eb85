"""Shared pieces of the bench/ scripts: the benchmark database, the machine description, RESULTS.md sections."""

import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cchc_bench"


def use_bench_database() -> str:
    """Point Django at the SYNTHETIC benchmark database (made by bench/generate) and set it up."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Benchmarks measure the work of answering; the page cache would hide it (measured apart).
    os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
    # Database connections kept between requests, as deployed (DEBUG=0 defaults to 60 s): with DEBUG's
    # default of 0 every page measured in-process opened a new PostgreSQL connection (5–40 ms under load),
    # which "SQL alone", run on an open connection, never paid.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return url


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    """Return a Markdown list describing this machine and the software versions."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return "\n".join(
        [
            f"- CPU: {cpu}, `nproc` = {os.cpu_count()} (shared with other engineers' test runs, so figures move between runs)",
            f"- Memory: {int(mem.group(1)) / 1024 / 1024:.0f} GiB" if mem else "- Memory: unknown",
            f"- OS: {platform.platform()}",
            f"- Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg} (local, default settings)",
            f"- Data: SYNTHETIC benchmark database `{connection.settings_dict['NAME']}` made by `bench/generate`",
        ]
    )


def git_head() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)  # noqa: S607
    return result.stdout.strip() or "unknown"


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section `name` of bench/RESULTS.md, between its markers."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = RESULTS.read_text() if RESULTS.exists() else ""
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
