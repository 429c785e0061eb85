"""The published PAR Index, SIPAS, PAPI and PCI results and the seed-article figures, as project data.

``published_convert`` turns the research collection (shared/data, described in its SOURCES.md)
into the project's own files under indicators/data/published/: value files in the documented
long import format (docs/import-format.md), with a source title, URL and note on every row, and
``averages.csv`` for the published national and regional figures. ``published_load`` loads the
value files through the same import service as any upload, and the averages into PublishedAverage.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.db import transaction

from indicators.importing.columns import FIGURE_TEXT_COLUMNS
from indicators.importing.service import ImportReport, values_import
from indicators.models import AverageScope, DisputedFigure, Indicator, PublishedAverage, Source, Value
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
    # Written by hand from shared/data/additions/README.md ("Seed figures still missing"), never by --convert.
    "seed_figures_additions.csv",
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
    *FIGURE_TEXT_COLUMNS,
]
DISPUTES_FILE = "disputed.csv"
DISPUTE_COLUMNS = [
    "indicator",
    "unit_code",
    "unit",
    "year",
    "figure",
    "rank",
    "source_title",
    "source_url",
    "source_class",
    "note",
]
AVERAGE_COLUMNS = [
    "indicator",
    "year",
    "scope",
    "region",
    "value",
    "source_title",
    "source_url",
    "source_class",
    "note",
]

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


@dataclass(frozen=True)
class Dispute:
    """A reading that differs from the chosen figure, as the collection's notes give it, with its source."""

    indicator: str
    gso_code: str
    year: str
    figure: str
    rank: str
    url: str
    source_class: str
    note: str


#: The conflicts the collection's notes name with the disputing page's address (SOURCES.md, "Known
#: conflicts"; the rows' ``source_note``). The value keeps the chosen reading; the disputing page is
#: never listed as "also reported by" it. PAPI 2020 Quảng Ninh (48.811) and PAPI 2023 Huế (46.0414)
#: are not here: the collection names no page giving those readings, and a dispute needs its source.
DISPUTES = [
    Dispute(
        "par_index", "31", "2023", "91.81", "",
        "https://en.doanhnghiephoinhap.vn/hai-phong-ranks-2nd-out-of-63-provinces-and-cities-in-the-par-index-with-91-81.html",
        "other",
        "doanhnghiephoinhap.vn says 91.81% (an increase of 1.72%); 91.87 is chosen: en.baochinhphu.vn, VNA and "
        "vietnam.vn give 91.87.",
    ),
    Dispute(
        "par_index", "96", "2023", "", "34",
        "https://baocamau.vn/ca-mau-dung-hang-32-chi-so-cai-cach-hanh-chinh-a32186.html",
        "major_news",
        "baocamau.vn now reads “đứng ở vị trí 34, đạt 86,89 điểm” (its address still says hạng 32); rank 32 "
        "(Kinh tế & Đô thị) is kept, flagged as doubtful: 32 provinces scored above the 86.98% mean and 86.89 is below it.",
    ),
    Dispute(
        "par_index", "22", "2018", "89.6", "",
        "https://en.vietnamplus.vn/da-nang-remains-in-top-4-in-administrative-reforms/157078.vnp",
        "major_news",
        "VNA English (Đà Nẵng article) gives 89.6, treated as a typo: VNS gives 89.06, and vietnamnet's 2019 "
        "“+1.03 points” to 90.09 agrees with 89.06.",
    ),
]  # fmt: skip
DISPUTED_URLS = {(d.indicator, d.gso_code, d.year): d.url for d in DISPUTES}

#: The additions folder (shared/data/additions, see its README): PCI tables from VCCI and from the
#: Vĩnh Phúc government pages, all official hosts. A partial table gives ranks only for the
#: provinces it lists; nothing is written for the others.
PCI_ADDITIONS = [
    "pci_2011_partial.csv",
    "pci_2012_partial.csv",
    "pci_2013_partial.csv",
    "pci_2014_partial.csv",
    "pci_2017_partial.csv",
    "pci_2018_partial.csv",
    "pci_2019_partial.csv",
    "pci_2020.csv",
    "pci_2021_partial.csv",
    "pci_series_binh_phuoc.csv",
    "pci_series_ninh_binh.csv",
]
ADDITION_YEAR = re.compile(r"pci_(\d{4})")


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


def _province_row(r: dict[str, str], *, indicator: str, note: str, **figure: str) -> dict[str, str]:
    """Return the long-layout row of a province's figure read from a shared file (GSO code, name, year, source URL)."""
    return {
        "unit_code": r["gso_code"],
        "unit": r["province"],
        "level": "province",
        "year": r["year"],
        "indicator": indicator,
        "qualifier": "eq",
        "note": note,
        **figure,
        **_url_source(r["source_url"]),
        "source_class": r["source_class"],
    }


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
        disputed = DISPUTED_URLS.get((code, r["gso_code"], r["year"]))
        also = [url for url in r["corroborating_urls"].split() if url != disputed]
        if also:
            note += " | Also reported by: " + "; ".join(also)
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
            "source_class": r["source_class"],
        }
        key = (code, r["gso_code"], r["year"])
        if key in SEED_WINS:
            article = seed[key]
            row |= _seed_source(article) | {"source_class": ""}
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


def _folded(name: str) -> str:
    """Return a province name without diacritics, case, punctuation or "TP."/"Tỉnh" prefixes, for matching."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^(tp|thanh pho|tinh)\s+", "", text)


def _province_codes(shared_dir: Path) -> dict[str, str]:
    """Return the GSO code of every spelling of a pre-2025 province in provinces_63.csv (name and aliases)."""
    codes: dict[str, str] = {}
    for r in _read(shared_dir / "provinces_63.csv"):
        for spelling in [r["name"], r["full_name"], *r["aliases"].split(";")]:
            if spelling.strip():
                codes[_folded(spelling)] = r["gso_code"]
    # Abbreviations printed by the additions' tables and not in the aliases.
    codes |= {"tt hue": "46", "hcm": "79", "brvt": "77"}
    return codes


def _addition_rows(shared_dir: Path) -> list[dict[str, str]]:
    """Return the PCI rows of the additions folder in the import format (the province's code resolved)."""
    codes = _province_codes(shared_dir)
    names = {r["gso_code"]: r["name"] for r in _read(shared_dir / "provinces_63.csv")}
    rows = []
    for name in PCI_ADDITIONS:
        for r in _read(shared_dir / "additions" / name):
            code = codes.get(_folded(r["province_name"]))
            if code is None:
                raise ValueError(f"{name}: province “{r['province_name']}” is not in provinces_63.csv")
            rows.append(
                {
                    "unit_code": code,
                    "unit": names[code],
                    "level": "province",
                    "year": r.get("year") or ADDITION_YEAR.match(name).group(1),
                    "indicator": "pci",
                    "value": r["score"],
                    "rank": r["rank"],
                    "rank_basis": "stated" if r["rank"] else "",
                    "qualifier": "eq",
                    "note": f"{r['note']} (printed as “{r['province_name']}”)",
                    "source_title": r["source_title"][:400],
                    "source_url": r["source_url"],
                    "source_publisher": urlsplit(r["source_url"]).netloc,
                    "source_class": "official",
                }
            )
    return rows


def _pci_merged(index_rows: list[dict[str, str]], additions: list[dict[str, str]]) -> list[dict[str, str]]:
    """Return pci.csv's rows with the additions merged in: one row per province-year.

    A province-year in both must agree (score and rank), or the conversion stops; the official
    reading keeps or becomes the source and the other page is listed as also reporting it.
    """
    by_key = {(r["unit_code"], r["year"]): r for r in index_rows}
    for add in additions:
        key = (add["unit_code"], add["year"])
        row = by_key.get(key)
        if row is None:
            by_key[key] = add
            index_rows.append(add)
            continue
        same_score = not row["value"] or not add["value"] or Decimal(row["value"]) == Decimal(add["value"])
        same_rank = not row["rank"] or not add["rank"] or int(row["rank"]) == int(add["rank"])
        if not (same_score and same_rank):
            raise ValueError(f"PCI {add['year']} {add['unit']}: pci.csv and the additions disagree; settle it first")
        if add["source_url"] == row["source_url"] or add["source_url"] in row["note"]:
            continue
        if row["source_class"] != "official":
            also, row["note"] = row["source_url"], add["note"] + " | Earlier reading: " + row["note"]
            row |= {k: add[k] for k in ("source_title", "source_url", "source_publisher", "source_class")}
            row["value"], row["rank"] = row["value"] or add["value"], row["rank"] or add["rank"]
            row["rank_basis"] = row["rank_basis"] or add["rank_basis"]
        else:
            also = add["source_url"]
        if also not in row["note"]:
            row["note"] += f" | Also reported by: {also}"
    return sorted(index_rows, key=lambda r: (int(r["year"]), r["unit_code"]))


def _dispute_rows(shared_dir: Path) -> list[dict[str, str]]:
    names = {r["gso_code"]: r["name"] for r in _read(shared_dir / "provinces_63.csv")}
    return [
        {
            "indicator": d.indicator,
            "unit_code": d.gso_code,
            "unit": names[d.gso_code],
            "year": d.year,
            "figure": d.figure,
            "rank": d.rank,
            "source_title": source_title_from_url(d.url),
            "source_url": d.url,
            "source_class": d.source_class,
            "note": d.note,
        }
        for d in DISPUTES
    ]


def published_convert(*, shared_dir: Path, out_dir: Path = PUBLISHED_DIR) -> dict[str, int]:
    """Write the project's published-data files from the research collection; return rows per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seed_records = _read(shared_dir / "seed_figures.csv")
    seed = {(r["indicator"], r["unit_code"], r["year"]): r for r in seed_records}
    written: dict[str, int] = {}
    for name, code in INDEX_FILES.items():
        rows = _index_rows(code, _read(shared_dir / name), seed)
        if code == "pci":
            rows = _pci_merged(rows, _addition_rows(shared_dir))
        _write(out_dir / name, LONG_COLUMNS, rows)
        written[name] = len(rows)
    disputes = _dispute_rows(shared_dir)
    _write(out_dir / DISPUTES_FILE, DISPUTE_COLUMNS, disputes)
    written[DISPUTES_FILE] = len(disputes)
    subindex_rows = [
        _province_row(
            r,
            indicator=PCI_SUBINDICES[r["subindex"]],
            note=f"PCI sub-index “{r['subindex']}” as printed",
            value=r["score"],
        )
        for r in _read(shared_dir / "pci_subindices.csv")
    ]
    component_rows = [
        _province_row(
            r,
            indicator=PAR_COMPONENTS[r["component"]],
            note=f"Component as printed: “{r['component']}”"
            + (f"; out of {r['max_score']} points" if r["max_score"] else ""),
            value=r["score"],
            rank=r["rank"],
            rank_basis="stated" if r["rank"] else "",
        )
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
            "source_class": r["source_class"],
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
    disputes: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})

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
            channel=f"loadpublished: {name}",
        )
    if result.ok:
        result.averages = averages_load(path=data_dir / AVERAGES_FILE)
        result.disputes = disputes_load(path=data_dir / DISPUTES_FILE)
    return result


def _source_get(row: dict[str, str]) -> Source:
    """Return the source of a row by title and URL, created or given the row's class when it differs."""
    with history_channel("loadpublished"):  # history data, not UI text
        source, created = Source.objects.get_or_create(
            title=row["source_title"],
            url=row["source_url"],
            defaults={"publisher": urlsplit(row["source_url"]).netloc, "source_class": row.get("source_class", "")},
        )
    if not created and row.get("source_class") and source.source_class != row["source_class"]:
        source.source_class = row["source_class"]
        source._change_reason = "loadpublished: source class"  # history data, not UI text
        source.save(update_fields=["source_class"])
    return source


@transaction.atomic
def disputes_load(*, path: Path) -> dict[str, int]:
    """Create or update the disputed readings of disputed.csv against the published values (idempotent).

    A dispute whose value is not stored is an error: the file and the value files disagree.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if not path.exists():
        return counts
    for row in _read(path):
        try:
            value = Value.objects.get(
                indicator__code=row["indicator"],
                unit__code=row["unit_code"],
                unit__level="province",
                year=int(row["year"]),
                correction_of__isnull=True,
            )
        except Value.DoesNotExist as exc:
            raise ValueError(
                f"{path.name}: no stored value {row['indicator']} {row['unit']} {row['year']} to dispute"
            ) from exc
        wanted = {
            "figure": Decimal(row["figure"]) if row["figure"] else None,
            "rank": int(row["rank"]) if row["rank"] else None,
            "note": row["note"],
        }
        dispute, created = DisputedFigure.objects.get_or_create(value=value, source=_source_get(row), defaults=wanted)
        if created:
            counts["created"] += 1
        elif all(getattr(dispute, name) == new for name, new in wanted.items()):
            counts["unchanged"] += 1
        else:
            for name, new in wanted.items():
                setattr(dispute, name, new)
            dispute._change_reason = f"loadpublished: {path.name}"
            dispute.save()
            counts["updated"] += 1
    return counts


@transaction.atomic
def averages_load(*, path: Path) -> dict[str, int]:
    """Create or update the published national and regional figures of averages.csv (idempotent)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=INDEX_CODES.values())}
    for row in _read(path):
        source = _source_get(row)
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
