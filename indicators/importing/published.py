"""The published PAR Index, SIPAS, PAPI and PCI results and the seed-article figures, as project data.

``published_convert`` turns the research collection (shared/data, described in its SOURCES.md)
into the project's own files under indicators/data/published/: value files in the documented
long import format (docs/import-format.md), with a source title, URL and note on every row, and
``averages.csv`` for the published national and regional figures. ``published_load`` loads the
value files through the same import service as any upload, and the averages into PublishedAverage.
"""

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db import transaction

from indicators.importing.service import ImportReport, values_import
from indicators.models import AverageScope, Indicator, PublishedAverage, Source
from indicators.services import history_channel
from provinces.models import REGION_BY_OFFICIAL_NAME
from provinces.resolver import UnitIndex

PUBLISHED_DIR = Path(__file__).resolve().parent.parent / "data" / "published"
VALUE_FILES = [
    "par_index.csv",
    "sipas.csv",
    "papi.csv",
    "pci.csv",
    "pci_subindices.csv",
    "par_components.csv",
    "seed_figures.csv",
]
AVERAGES_FILE = "averages.csv"
LONG_COLUMNS = [
    "unit_code",
    "unit",
    "level",
    "year",
    "indicator",
    "value",
    "rank",
    "rank_basis",
    "qualifier",
    "note",
    "source_title",
    "source_url",
    "source_publisher",
    "source_date",
    "source_details",
]
AVERAGE_COLUMNS = ["indicator", "year", "scope", "region", "value", "source_title", "source_url", "note"]

INDEX_FILES = {"par_index.csv": "par_index", "sipas.csv": "sipas", "papi.csv": "papi", "pci.csv": "pci"}
INDEX_CODES = {"PAR": "par_index", "SIPAS": "sipas", "PAPI": "papi", "PCI": "pci"}
#: PCI sub-index names exactly as printed → the indicator codes of indicators_pci.csv (not harmonised:
#: the 2015 table's older names are separate indicators).
PCI_SUBINDICES = {
    "Entry Costs": "pci_entry_costs",
    "Access to land": "pci_access_to_land",
    "Transparency": "pci_transparency",
    "Time Costs": "pci_time_costs",
    "Informal Charges": "pci_informal_charges",
    "Policy Bias": "pci_policy_bias",
    "Proactivity": "pci_proactivity",
    "Business Support Policy": "pci_business_support_policy",
    "Labor Policy": "pci_labor_policy",
    "Law & Order": "pci_law_and_order",
    "Business Support Services": "pci_business_support_services",
    "Land Access and Security of Tenure": "pci_land_access_tenure",
    "Transparency and Access to Information": "pci_transparency_information",
    "Time Costs and Regulatory Compliance": "pci_time_costs_compliance",
    "Business Support": "pci_business_support",
    "Labor & Training": "pci_labor_training",
    "Legal Institutions": "pci_legal_institutions",
}
#: PAR component names as printed → the eight areas of the catalogue, or the score groups of the
#: 2022–2030 scheme kept as their own indicators (indicators_par_groups.csv).
PAR_COMPONENTS = {
    "Công tác chỉ đạo điều hành cải cách hành chính": "par_c1_direction",
    "Cải cách thể chế": "par_c2_institutions",
    "Cải cách tổ chức bộ máy": "par_c4_apparatus",
    "Cải cách chế độ công vụ": "par_c5_civil_service",
    "Cải cách tài chính công": "par_c6_public_finance",
    "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số": "par_c7_digital_gov",
    "Tác động của cải cách hành chính đến phát triển kinh tế - xã hội": "par_c8_impact",
    "Tác động của CCHC đến phát triển kinh tế - xã hội": "par_c8_impact",
    "Điểm do Bộ Nội vụ thẩm định": "par_score_appraised",
    "Khảo sát lãnh đạo quản lý về CCHC": "par_score_leader_survey",
    "Chỉ số SIPAS (thành phần của PAR INDEX)": "par_score_sipas",
}
#: Seed-article figures that an index file also holds: (indicator, GSO code, year) → how the two merge.
#: Thái Nguyên's 2022 PAR and SIPAS ranks are stated outright by the seed article (9/63, 2/63), while the
#: index files only derive or infer them; the stated source wins and the index file's reading is kept in
#: the note. Đắk Lắk's PCI 2015 rank is in VCCI's own table with its score, which wins; the article
#: is named in the note.
SEED_WINS = {("par_index", "19", "2022"), ("sipas", "19", "2022")}
INDEX_WINS = {("pci", "66", "2015")}


def source_title_from_url(url: str) -> str:
    """Return a readable source title made from a web address: the site and the page's slug."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    slug = segments[-1] if segments else ""
    slug = re.sub(r"\.(html?|vnp|vgp|vna|aspx|php)$", "", slug)
    if slug.isdigit() and len(segments) > 1:  # news sites end with an article id: keep the words before it
        slug = f"{segments[-2]}/{slug}"
    if parts.query and (not slug or slug.lower().endswith(("printview", "dispform"))):
        slug = f"{slug}?{parts.query}" if slug else parts.query
    return f"{host}: {slug}"[:400] if slug else host


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _url_source(url: str) -> dict[str, str]:
    return {"source_title": source_title_from_url(url), "source_url": url, "source_publisher": urlsplit(url).netloc}


def _seed_source(row: dict[str, str]) -> dict[str, str]:
    return {
        "source_title": row["source_title"],
        "source_url": "",
        "source_publisher": "",
        "source_date": row["source_date"],
        "source_details": f"Bài viết gốc của dự án (seed article), tệp {row['source_file']}",
    }


def _index_rows(code: str, records: list[dict[str, str]], seed: dict[tuple, dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for r in records:
        note = r["source_note"]
        if r["corroborating_urls"].strip():
            note += " | Also reported by: " + "; ".join(r["corroborating_urls"].split())
        row = {
            "unit_code": r["gso_code"],
            "unit": r["province"],
            "level": "province",
            "year": r["year"],
            "indicator": code,
            "value": r["score"],
            "rank": r["rank"],
            "rank_basis": r["rank_basis"] if r["rank"] else "",
            "qualifier": "eq",
            "note": note,
            **_url_source(r["source_url"]),
        }
        key = (code, r["gso_code"], r["year"])
        if key in SEED_WINS:
            article = seed[key]
            row |= _seed_source(article)
            row["rank"], row["rank_basis"] = article["rank"], "stated"
            row["note"] = (
                f"{article['note']} (seed article). Index collection: rank {r['rank']} ({r['rank_basis']}) "
                f"from {r['source_url']}: {note}"
            )
        elif key in INDEX_WINS:
            article = seed[key]
            row["note"] += (
                f" | Also stated by the seed article “{article['source_title']}” ({article['source_date']}, "
                f"file {article['source_file']}): {article['note']}"
            )
        rows.append(row)
    return rows


def published_convert(*, shared_dir: Path, out_dir: Path = PUBLISHED_DIR) -> dict[str, int]:
    """Write the project's published-data files from the research collection; return rows per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_records = _read(shared_dir / "seed_figures.csv")
    seed = {(r["indicator"], r["unit_code"], r["year"]): r for r in seed_records}
    written: dict[str, int] = {}
    for name, code in INDEX_FILES.items():
        rows = _index_rows(code, _read(shared_dir / name), seed)
        _write(out_dir / name, LONG_COLUMNS, rows)
        written[name] = len(rows)
    subindex_rows = [
        {
            "unit_code": r["gso_code"],
            "unit": r["province"],
            "level": "province",
            "year": r["year"],
            "indicator": PCI_SUBINDICES[r["subindex"]],
            "value": r["score"],
            "qualifier": "eq",
            "note": f"PCI sub-index “{r['subindex']}” as printed",
            **_url_source(r["source_url"]),
        }
        for r in _read(shared_dir / "pci_subindices.csv")
    ]
    component_rows = [
        {
            "unit_code": r["gso_code"],
            "unit": r["province"],
            "level": "province",
            "year": r["year"],
            "indicator": PAR_COMPONENTS[r["component"]],
            "value": r["score"],
            "rank": r["rank"],
            "rank_basis": "stated" if r["rank"] else "",
            "qualifier": "eq",
            "note": f"Component as printed: “{r['component']}”"
            + (f"; out of {r['max_score']} points" if r["max_score"] else ""),
            **_url_source(r["source_url"]),
        }
        for r in _read(shared_dir / "par_components.csv")
    ]
    seed_rows = [
        {
            "unit_code": r["unit_code"],
            "unit": r["unit_name"],
            "level": r["level"],
            "year": r["year"],
            "indicator": r["indicator"],
            "value": r["value"],
            "rank": r["rank"],
            "rank_basis": ("derived" if r["qualifier"] == "derived" else "stated") if r["rank"] else "",
            "qualifier": r["qualifier"],
            "note": r["note"],
            **_seed_source(r),
        }
        for r in seed_records
        if (r["indicator"], r["unit_code"], r["year"]) not in SEED_WINS | INDEX_WINS
    ]
    for name, rows in (
        ("pci_subindices.csv", subindex_rows),
        ("par_components.csv", component_rows),
        ("seed_figures.csv", seed_rows),
    ):
        _write(out_dir / name, LONG_COLUMNS, rows)
        written[name] = len(rows)
    averages = [
        {
            "indicator": INDEX_CODES[r["index"]],
            "year": r["year"],
            "scope": r["level"],
            "region": REGION_BY_OFFICIAL_NAME[r["region_6"]] if r["region_6"] else "",
            "value": r["value"],
            "source_title": source_title_from_url(r["source_url"]),
            "source_url": r["source_url"],
            "note": r["source_note"],
        }
        for r in _read(shared_dir / "index_averages.csv")
    ]
    _write(out_dir / AVERAGES_FILE, AVERAGE_COLUMNS, averages)
    written[AVERAGES_FILE] = len(averages)
    return written


@dataclass
class PublishedLoad:
    reports: dict[str, ImportReport] = field(default_factory=dict)
    averages: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports.values())


def published_load(*, data_dir: Path = PUBLISHED_DIR, user: object | None = None) -> PublishedLoad:
    """Load every published value file through the import service, then the published averages.

    Each file is one all-or-nothing import; a file with errors is reported and writes nothing.
    """
    result = PublishedLoad()
    units = UnitIndex.build()
    for name in VALUE_FILES:
        path = data_dir / name
        result.reports[name] = values_import(
            content=path.read_bytes(),
            file_name=name,
            user=user,
            note=f"loadpublished: {name}",
            units=units,
            publish=True,
        )
    if result.ok:
        result.averages = averages_load(path=data_dir / AVERAGES_FILE)
    return result


@transaction.atomic
def averages_load(*, path: Path) -> dict[str, int]:
    """Create or update the published national and regional figures of averages.csv (idempotent)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=INDEX_CODES.values())}
    for row in _read(path):
        with history_channel("loadpublished"):
            source, _created = Source.objects.get_or_create(
                title=row["source_title"],
                url=row["source_url"],
                defaults={"publisher": urlsplit(row["source_url"]).netloc},
            )
        wanted = {"value": row["value"], "source": source, "note": row["note"]}
        average, created = PublishedAverage.objects.get_or_create(
            indicator=indicators[row["indicator"]],
            year=int(row["year"]),
            scope=AverageScope(row["scope"]),
            region=row["region"],
            defaults=wanted,
        )
        if created:
            counts["created"] += 1
            continue
        same = average.value == Decimal(row["value"]) and average.source_id == source.pk and average.note == row["note"]
        if same:
            counts["unchanged"] += 1
            continue
        for name, value in wanted.items():
            setattr(average, name, value)
        average.save()
        counts["updated"] += 1
    return counts
