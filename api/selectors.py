"""Read functions of the API: every figure starts from ``indicators.selectors.public_values()``."""

import datetime

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from indicators.models import AverageScope, Indicator, PublishedAverage, Source, Value
from indicators.selectors import public_values
from provinces.models import AdministrativeUnit, Level


def _inside(province_id: int, *, prefix: str = "") -> Q:
    """Return the filter for the districts and communes of a province (communes sit under either)."""
    return Q(**{f"{prefix}parent_id": province_id}) | Q(**{f"{prefix}parent__parent_id": province_id})


def units(
    *,
    level: str | None = None,
    code: str | None = None,
    province: int | None = None,
    on: datetime.date | None = None,
    q: str | None = None,
) -> QuerySet[AdministrativeUnit]:
    """Return units of both structures (before and after 1 July 2025), with parents and successors."""
    queryset = AdministrativeUnit.objects.prefetch_related("successors", "predecessors")
    if q is not None:
        queryset = queryset.search(q)
    if level:
        queryset = queryset.filter(level=level)
    if code:
        queryset = queryset.filter(code=code)
    if province is not None:
        queryset = queryset.filter(_inside(province))
    if on is not None:
        queryset = queryset.in_force_on(on)
    return queryset


def indicators(*, group: str | None = None) -> QuerySet[Indicator]:
    """Return the indicator catalogue with its series breaks."""
    queryset = Indicator.objects.select_related("parent").prefetch_related("series_breaks")
    return queryset.filter(group=group) if group else queryset


def values(
    *,
    indicator: str | None = None,
    year: int | None = None,
    unit: int | None = None,
    level: str | None = None,
    region: str | None = None,
    within: int | None = None,
    changed_since: datetime.datetime | None = None,
) -> QuerySet[Value]:
    """Return the public values (approved, never drafts or pending corrections) matching the filters."""
    queryset = public_values().select_related("indicator", "unit", "source")
    conditions = {
        "indicator__code": indicator,
        "year": year,
        "unit_id": unit,
        "unit__level": level,
        "unit__region": region,
        "updated_at__gte": changed_since,
    }
    queryset = queryset.filter(**{name: wanted for name, wanted in conditions.items() if wanted is not None})
    if within is not None:
        queryset = queryset.filter(_inside(within, prefix="unit__"))
    return queryset


def sources() -> QuerySet[Source]:
    """Return the sources of public figures: cited by a public value or a published average."""
    cited = Exists(public_values().filter(source=OuterRef("pk"))) | Exists(
        PublishedAverage.objects.filter(source=OuterRef("pk"))
    )
    return Source.objects.filter(cited)


def _number(value: object) -> float | None:
    return None if value is None else round(float(value), 4)


def averages(*, indicator: str | None = None, year: int | None = None) -> list[dict]:
    """Return the national and regional averages: official (published, with source) and computed (with n).

    Computed averages are the mean of the public province values held for the year; the n says how many
    provinces that was, since coverage differs from year to year. Three queries.
    """
    wanted = {"indicator__code": indicator, "year": year}
    wanted = {name: value for name, value in wanted.items() if value is not None}
    rows = [
        {
            "indicator": code,
            "year": year_,
            "scope": scope,
            "region": region,
            "value": _number(value),
            "official": True,
            "n": None,
            "source": source_id,
            "source_title": title,
        }
        for code, year_, scope, region, value, source_id, title in PublishedAverage.objects.filter(**wanted)
        .order_by()
        .values_list("indicator__code", "year", "scope", "region", "value", "source_id", "source__title")
    ]
    provinces = public_values().filter(unit__level=Level.PROVINCE, value__isnull=False, **wanted).order_by()
    groupings = (
        (("indicator__code", "year"), AverageScope.NATIONAL),
        (("indicator__code", "year", "unit__region"), AverageScope.REGION),
    )
    for group_by, scope in groupings:
        for row in provinces.values(*group_by).annotate(mean=Avg("value"), n=Count("value")):
            if scope == AverageScope.REGION and not row["unit__region"]:
                continue  # provinces without a region (none in the 63-province data) are in the national one only
            rows.append(
                {
                    "indicator": row["indicator__code"],
                    "year": row["year"],
                    "scope": scope,
                    "region": row.get("unit__region", ""),
                    "value": _number(row["mean"]),
                    "official": False,
                    "n": row["n"],
                    "source": None,
                    "source_title": "",
                }
            )
    scope_order = {scope: i for i, scope in enumerate(AverageScope.values)}
    rows.sort(key=lambda r: (r["indicator"], r["year"], scope_order[r["scope"]], r["region"], not r["official"]))
    return rows
