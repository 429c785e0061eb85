"""Assemble the profile page from a UnitProfile: the value table, small multiples, rank history, children.

Pure functions over the selector's DataFrames (no queries): the view calls ``unit_profile`` and
hands the result here. Each chart comes with its display table (strings in the active language)
and its raw CSV rows (unlocalised numbers), so the figure, the table and the download agree.
"""

import pandas as pd
from django.utils.translation import gettext as _

from config.i18n import localised
from indicators.averages import stands_for_the_country
from indicators.figures import lines_figure, rank_figure
from indicators.formatting import format_value, is_missing
from indicators.models import AverageScope, MeasureUnit
from provinces.models import Level
from reports.profile.selectors import MIN_UNITS_FOR_COMPUTED_AVERAGE, UnitProfile
from reports.shared.cells import rank_text, unit_label, value_cell
from reports.shared.page_charts import PageCharts, wide_rows
from reports.shared.paging import page_of


def indicator_meta(profile: UnitProfile) -> dict[str, dict]:
    """Return the catalogue row of each indicator by code, with its name in the active language."""
    meta = {}
    for row in profile.indicators.to_dict("records"):
        row["label"] = localised(row["name_vi"], row["name_en"])
        meta[row["code"]] = row
    return meta


def ordered_units(profile: UnitProfile) -> list[tuple[int, str, str]]:
    """Return (id, label, kind) of the unit and then its predecessors and successors."""
    units = [(profile.unit.pk, unit_label(profile.unit), "unit")]
    units += [(u.pk, unit_label(u), "related") for u in profile.related]
    return units


def value_table(profile: UnitProfile) -> dict:
    """Return the indicator × year table: one row per indicator and unit that has values."""
    values = profile.values
    if values.empty:
        return {"years": [], "rows": []}
    years = sorted(int(y) for y in values["year"].unique())
    meta = indicator_meta(profile)
    units = ordered_units(profile)
    # Records grouped once by indicator and unit: filtering the frame per cell cost ~20 ms a page.
    grouped: dict[tuple[str, int], dict[int, dict]] = {}
    for record in values.to_dict("records"):
        grouped.setdefault((record["indicator"], record["unit_id"]), {})[int(record["year"])] = record
    rows = []
    for code, info in meta.items():
        first = True
        for unit_id, label, kind in units:
            by_year = grouped.get((code, unit_id))
            if not by_year:
                continue
            cells = [
                value_cell(
                    by_year[y],
                    decimals=info["decimals"],
                    measure_unit=info["measure_unit"],
                    disputes=profile.disputes.get(by_year[y]["value_id"]),
                )
                if y in by_year
                else None
                for y in years
            ]
            rows.append(
                {
                    "indicator": info["label"],
                    "code": code,
                    "first": first,
                    "unit": label,
                    "is_main": kind == "unit",
                    "cells": cells,
                }
            )
            first = False
    return {"years": years, "rows": rows}


LINE_COLUMNS = ["series", "kind", "year", "value"]


def average_series(
    averages: pd.DataFrame, *, level: str = Level.PROVINCE
) -> list[tuple[str, str, list[int], list[float]]]:
    """Return one indicator's average series, labelled official or computed over N units with data.

    A computed "national" series is called national only where every year reaches the threshold of
    indicators.averages.national_min_units; otherwise it is the mean of the few units with data.
    """
    groups: dict[tuple[str, bool], list[tuple[int, float, object]]] = {}
    columns = (averages[c] for c in ("scope", "official", "year", "value", "n"))
    for scope, official, year, value, n in zip(*columns, strict=True):
        groups.setdefault((scope, bool(official)), []).append((int(year), float(value), n))
    series = []
    scope_names = {AverageScope.NATIONAL: _("National average"), AverageScope.REGION: _("Regional average")}
    for (scope, official), rows in groups.items():  # in order of first appearance
        name = scope_names.get(scope, scope)
        if official:
            label = _("%(name)s (official)") % {"name": name}
        else:
            counts = [int(n) for _year, _value, n in rows]
            low, high = min(counts), max(counts)
            count = str(low) if low == high else f"{low}–{high}"
            label = _("%(name)s (computed over %(count)s units with data)") % {"name": name, "count": count}
            if scope == AverageScope.NATIONAL and not all(
                stands_for_the_country(count=int(n), year=year, level=level) for year, _value, n in rows
            ):
                label = _("Mean of the %(count)s units with data (too few to stand for the country)") % {"count": count}
        kind = "official" if official else "computed"
        series.append((label, kind, [year for year, _v, _n in rows], [value for _y, value, _n in rows]))
    return series


def indicator_lines(profile: UnitProfile, values: pd.DataFrame, averages: pd.DataFrame) -> pd.DataFrame:
    """Return the long frame of one small multiple: the unit, its predecessors/successors, the averages.

    values and averages are those of one indicator; values without a number are left out.
    """
    by_unit: dict[int, list[tuple[int, float]]] = {}
    for unit_id, year, value in zip(values["unit_id"], values["year"], values["value"], strict=True):
        if not is_missing(value):
            by_unit.setdefault(unit_id, []).append((int(year), float(value)))
    records = []
    for unit_id, label, kind in ordered_units(profile):
        records += [(label, kind, year, value) for year, value in by_unit.get(unit_id, [])]
    if not records:
        return pd.DataFrame(columns=LINE_COLUMNS)
    for label, kind, years, numbers in average_series(averages, level=profile.unit.level):
        records += [(label, kind, y, v) for y, v in zip(years, numbers, strict=True)]
    return pd.DataFrame(records, columns=LINE_COLUMNS)


def breaks_of(profile: UnitProfile, code: str) -> list[tuple[int, str]]:
    """Return the (year, note) series breaks of one indicator."""
    rows = profile.series_breaks[profile.series_breaks["indicator"] == code]
    return [(int(r["year"]), localised(r["note_vi"], r["note_en"])) for _, r in rows.iterrows()]


def profile_charts(profile: UnitProfile, *, csv_base: str) -> PageCharts:
    """Return the small multiples (one per indicator with numeric data) and the rank-history chart."""
    page = PageCharts(csv_base=csv_base)
    year = _("Year")
    values = dict(tuple(profile.values.groupby("indicator")))
    averages = dict(tuple(profile.averages.groupby("indicator")))
    no_averages = profile.averages.iloc[0:0]
    for code, info in indicator_meta(profile).items():
        if code not in values:
            continue
        lines = indicator_lines(profile, values[code], averages.get(code, no_averages))
        if lines.empty:
            continue
        breaks = breaks_of(profile, code)
        series, display, raw = wide_rows(
            lines, fmt=lambda v, i=info: format_value(v, decimals=i["decimals"], measure_unit=i["measure_unit"])
        )
        page.add(
            chart_id=f"indicator-{code}",
            title=info["label"],
            figure=lines_figure(
                lines,
                y_title=str(MeasureUnit(info["measure_unit"]).label),
                breaks=breaks,
                break_label=_("Series break"),
                from_zero=info["measure_unit"] == MeasureUnit.COUNT,
            ),
            columns=[year, *series],
            rows=display,
            csv_columns=["year", *series],
            csv_rows=raw,
            note=" ".join(_("Series break in %(year)s: %(note)s") % {"year": y, "note": n} for y, n in breaks),
        )
    rank_chart(profile, page)
    return page


def rank_frame(profile: UnitProfile) -> pd.DataFrame:
    """Return computed and published ranks per indicator, unit and year, in catalogue and unit order."""
    meta = indicator_meta(profile)
    labels = {unit_id: (label, kind) for unit_id, label, kind in ordered_units(profile)}
    # Plain dicts, not a .loc per key (~0.3 s for Hồ Chí Minh's 2025 profile at national scale).
    ranks = profile.ranks
    computed = {
        (unit_id, code, year): {"computed_rank": rank, "ranked_units": n}
        for unit_id, code, year, rank, n in zip(
            ranks["unit_id"],
            ranks["indicator"],
            ranks["year"],
            ranks["computed_rank"],
            ranks["ranked_units"],
            strict=True,
        )
    }
    stated = profile.values.dropna(subset=["rank"])
    published = {
        (unit_id, code, year): {"rank": rank, "rank_basis": basis}
        for unit_id, code, year, rank, basis in zip(
            stated["unit_id"], stated["indicator"], stated["year"], stated["rank"], stated["rank_basis"], strict=True
        )
    }
    indicator_order = {code: n for n, code in enumerate(meta)}
    unit_order = {unit_id: n for n, unit_id in enumerate(labels)}
    keys = sorted(
        set(computed) | set(published),
        key=lambda k: (indicator_order.get(k[1], 999), unit_order[k[0]], k[2]),
    )
    rows = []
    for unit_id, code, year in keys:
        label, kind = labels[unit_id]
        comp = computed.get((unit_id, code, year))
        pub = published.get((unit_id, code, year))
        # The catalogue's short names are English (or acronyms): the Vietnamese page names the indicator in
        # Vietnamese, shortened for the legend.
        label_text = meta[code]["label"] if code in meta else code
        name = localised(_shorten(label_text), (meta[code]["short_name"] or label_text) if code in meta else code)
        rows.append(
            {
                "series": name if kind == "unit" else f"{name} — {label}",
                "indicator": meta.get(code, {}).get("label", code),
                "unit": label,
                "year": int(year),
                "rank": None if comp is None or is_missing(comp["computed_rank"]) else int(comp["computed_rank"]),
                "ranked_units": None if comp is None else int(comp["ranked_units"]),
                "published_rank": None if pub is None else int(pub["rank"]),
                "rank_basis": "" if pub is None else pub["rank_basis"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=["series", "indicator", "unit", "year", "rank", "ranked_units", "published_rank", "rank_basis"],
    )


def _shorten(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _int(value: object) -> int | None:
    return None if is_missing(value) else int(value)


def rank_chart(profile: UnitProfile, page: PageCharts) -> None:
    """Add the rank-history chart: computed ranks over the years, one line per indicator (and related unit)."""
    ranks = rank_frame(profile)
    display = [
        [
            r.indicator,
            r.unit,
            r.year,
            ""
            if r.rank is None or pd.isna(r.rank)
            else _("%(rank)s of %(n)s") % {"rank": int(r.rank), "n": int(r.ranked_units)},
            rank_text(r.published_rank, basis=r.rank_basis),
        ]
        for r in ranks.itertuples()
    ]
    raw = [
        [r.indicator, r.unit, r.year, _int(r.rank), _int(r.ranked_units), _int(r.published_rank), r.rank_basis]
        for r in ranks.itertuples()
    ]
    page.add(
        chart_id="rank-history",
        title=_("Rank history"),
        figure=rank_figure(ranks, y_title=_("Computed rank (1 = best)")),
        columns=[_("Indicator"), _("Unit"), _("Year"), _("Computed rank"), _("Published rank")],
        rows=display,
        csv_columns=["indicator", "unit", "year", "computed_rank", "ranked_units", "published_rank", "rank_basis"],
        csv_rows=raw,
        empty_message=_("No rank can be computed: no numeric values for this unit.")
        if not _has_numbers(profile)
        else _(
            "No rank can be computed: in the years of this unit's figures, fewer than %(n)s units of its level "
            "have a figure of the same indicator."
        )
        % {"n": MIN_UNITS_FOR_COMPUTED_AVERAGE},
        note=_(
            "Computed ranks are among the units of the same level that have a value that year (1-2-2-4 for ties); "
            "published ranks are those printed by the source."
        ),
    )


#: Subordinate units per page of the profile's table (40 indicators a row: 20 rows keep the page light).
CHILDREN_PAGE_SIZE = 20


def children_table(profile: UnitProfile, *, asked_page: str = "") -> dict:
    """Return the subordinate units with their latest value per indicator (and the year of it), one page of them.

    The units with figures are shown CHILDREN_PAGE_SIZE at a time (``asked_page``: the ``?units_page=``
    parameter, ASCII digits); the cells are built for the page's units only. Units without figures are listed.
    """
    latest = profile.children_values
    if latest.empty:
        return {
            "indicators": [],
            "rows": [],
            "without_data": profile.children,
            "page": page_of(0, asked="", page_size=1),
        }
    indicators = (
        latest[["indicator", "indicator_name_vi", "indicator_name_en", "display_order"]]
        .drop_duplicates("indicator")
        .sort_values(["display_order", "indicator"])
    )
    codes = indicators["indicator"].tolist()
    with_values = set(latest["unit_id"])
    shown_children = [child for child in profile.children if child.pk in with_values]
    without = [child for child in profile.children if child.pk not in with_values]
    page = page_of(len(shown_children), asked=asked_page, page_size=CHILDREN_PAGE_SIZE)
    shown_children = shown_children[page.shown]
    on_page = latest[latest["unit_id"].isin([child.pk for child in shown_children])]
    # Plain records, not a .loc per cell: 20 units × 40 indicators took ~0.3 s through pandas lookups.
    latest_of = {(r["unit_id"], r["indicator"]): r for r in on_page.to_dict("records")}
    rows = []
    for child in shown_children:
        cells = []
        for code in codes:
            r = latest_of.get((child.pk, code))
            if r is None:
                cells.append(None)
                continue
            cell = value_cell(r, decimals=r["decimals"], measure_unit=r["measure_unit"])
            cell["year"] = int(r["year"])
            cells.append(cell)
        rows.append({"unit": child, "cells": cells})
    names = [
        localised(vi, en)
        for vi, en in zip(indicators["indicator_name_vi"], indicators["indicator_name_en"], strict=True)
    ]
    return {"indicators": names, "rows": rows, "without_data": without, "page": page}


def _has_numbers(profile: UnitProfile) -> bool:
    """Return whether the unit itself has at least one numeric figure (a rank is then missing for another reason)."""
    values = profile.values
    if values.empty:
        return False
    own = values[values["unit_id"] == profile.unit.pk]
    return bool(own["value"].notna().any())
