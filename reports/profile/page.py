"""Assemble the profile page from a UnitProfile: the value table, small multiples, rank history, children.

Pure functions over the selector's DataFrames (no queries): the view calls ``unit_profile`` and
hands the result here. Each chart comes with its display table (strings in the active language)
and its raw CSV rows (unlocalised numbers), so the figure, the table and the download agree.
"""

from html import escape

import pandas as pd
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.i18n import localised
from indicators.averages import stands_for_the_country
from indicators.figures import figure_outline, lines_figure, rank_figure
from indicators.formatting import is_missing, value_formatter
from indicators.models import AverageScope, IndicatorGroup, MeasureUnit
from provinces.models import Level
from reports.profile.selectors import MIN_UNITS_FOR_COMPUTED_AVERAGE, UnitProfile
from reports.reads import value_columns
from reports.shared.cells import FigureCells, rank_text, unit_label
from reports.shared.links import indicator_url_maker
from reports.shared.page_charts import PageCharts, wide_rows
from reports.shared.paging import Page, page_of
from reports.shared.sources import SourceList


def indicator_meta(profile: UnitProfile) -> dict[str, dict]:
    """Return the catalogue row of each indicator by code, with its name in the active language."""
    meta = {}
    for row in frame_records(profile.indicators):
        row["label"] = localised(row["name_vi"], row["name_en"])
        meta[row["code"]] = row
    return meta


def ordered_units(profile: UnitProfile) -> list[tuple[int, str, str]]:
    """Return (id, label, kind) of the unit and then its predecessors and successors."""
    units = [(profile.unit.pk, unit_label(profile.unit), "unit")]
    units += [(u.pk, unit_label(u), "related") for u in profile.related]
    return units


def value_table(profile: UnitProfile, *, sources: SourceList) -> dict:
    """Return the indicator × year table: one row per indicator and unit that has values, by indicator group.

    Each cell names its source by its number in ``sources`` (the page lists them once); a row that starts a
    new indicator group carries the group's name (``group``), shown as a heading row.
    """
    records = profile.value_records
    if not records:
        return {"years": [], "rows": []}
    years = sorted({int(record["year"]) for record in records})
    meta = indicator_meta(profile)
    units = ordered_units(profile)
    # Records grouped once by indicator and unit: filtering the frame per cell cost ~20 ms a page.
    grouped: dict[tuple[str, int], dict[int, dict]] = {}
    for record in records:
        grouped.setdefault((record["indicator"], record["unit_id"]), {})[int(record["year"])] = record
    figures = FigureCells(sources)
    rows, group, rank_word = [], None, _("rank")
    for code, info in meta.items():
        first = True
        for unit_id, label, kind in units:
            by_year = grouped.get((code, unit_id))
            if not by_year:
                continue
            cells = [
                figures.cell(
                    by_year[y],
                    decimals=info["decimals"],
                    measure_unit=info["measure_unit"],
                    disputes=profile.disputes.get(by_year[y]["value_id"]),
                )
                if y in by_year
                else None
                for y in years
            ]
            starts_group = first and info["group"] != group
            rows.append(
                {
                    "indicator": info["label"],
                    "code": code,
                    "first": first,
                    "group": _group_label(info["group"]) if starts_group else "",
                    "unit": label,
                    "is_main": kind == "unit",
                    "cells": cells,
                    "cells_html": cells_html(cells, rank_word=rank_word),
                }
            )
            if first:
                group = info["group"]
            first = False
    return {"years": years, "rows": rows, "body_html": value_rows_html(rows, years=years)}


def value_rows_html(rows: list[dict], *, years: list[int]) -> SafeString:
    """Return the value table's body rows as a template loop over ``rows`` would write them.

    Written here rather than in reports/province.html: ~160 rows of a national-scale profile, ~10 tags and
    lookups each, were a tenth of the page's time. Every text is escaped; ``cells_html`` is already safe.
    """
    parts = []
    colspan = len(years) + 2
    indicator_url = indicator_url_maker()
    for row in rows:
        if row["group"]:
            group = conditional_escape(row["group"])
            parts.append(
                f'\n            <tr class="group-head"><th scope="rowgroup" colspan="{colspan}">{group}</th></tr>'
            )
        classes = ("group-start" if row["first"] else "") + ("" if row["is_main"] else " related")
        attrs = f' class="{classes}"' if classes else ""
        link = ""
        if row["first"]:
            url = conditional_escape(indicator_url(row["code"]))
            link = f'<a href="{url}">{conditional_escape(row["indicator"])}</a>'
        parts.append(
            f"\n            <tr{attrs}>\n"
            f'              <th scope="row">{link}</th>\n'
            f'              <td class="text">{conditional_escape(row["unit"])}</td>\n'
            f"              {row['cells_html']}\n"
            "            </tr>\n          "
        )
    return mark_safe("".join(parts))  # noqa: S308 — built from escaped text and the cells' safe HTML


def frame_records(frame: pd.DataFrame) -> list[dict]:
    """Return the rows of a frame as dicts of plain values (missing numbers as pandas NA, not None).

    A column at a time (``tolist``): DataFrame.to_dict boxes every cell apart, ~10 ms for a profile's values.
    """
    names = list(frame.columns)
    return [dict(zip(names, record, strict=True)) for record in zip(*(frame[c].tolist() for c in names), strict=True)]


def cells_html(cells: list[dict | None], *, rank_word: str = "", with_year: bool = False) -> SafeString:
    """Return the <td> cells of one row of figures: the figure (its note on hover), its source's number, marks.

    Written here rather than in the template: a national-scale profile has ~2,000 such cells, and the
    template engine's per-cell tags and lookups were the largest part of the page's time. Every text
    is escaped; ``disputes`` is already safe HTML (reports.shared.sources.disputes_html).
    """
    parts = []
    rank_word = escape(rank_word)
    for cell in cells:
        if cell is None:
            parts.append("<td>—</td>")
            continue
        text = escape(cell["text"] or cell["rank"]) if with_year else escape(cell["text"])
        if cell["note"] and not with_year:
            text = f'<span title="{escape(cell["note"])}">{text}</span>'
        number = cell["source"]
        weak = '<span class="weak-source">†</span>' if cell["weak"] else ""  # explained under the table
        html = f'<td>{text}<a href="#src{number}">{number}</a>{weak}'
        if with_year:
            html += f"<small>({cell['year']})</small>"
        else:
            if cell["rank"]:
                html += f"<small>{rank_word} {escape(cell['rank'])}</small>"
            if cell["corrected"]:
                html += f'<small class="corrected">{escape(cell["corrected"])}</small>'
            html += cell["disputes"]
        parts.append(html + "</td>")
    return mark_safe("".join(parts))  # noqa: S308 — built from escaped text and safe dispute HTML


def _group_label(group: str) -> str:
    return str(IndicatorGroup(group).label) if group in IndicatorGroup.values else group


LINE_COLUMNS = ["series", "kind", "year", "value"]


def average_series(
    rows: list[tuple[str, bool, int, float, object]], *, level: str = Level.PROVINCE
) -> list[tuple[str, str, list[int], list[float]]]:
    """Return one indicator's average series, labelled official or computed over N units with data.

    ``rows`` are (scope, official, year, value, n) in the averages' order. A computed "national" series is
    called national only where every year reaches the threshold of indicators.averages.national_min_units;
    otherwise it is the mean of the few units with data.
    """
    groups: dict[tuple[str, bool], list[tuple[int, float, object]]] = {}
    for scope, official, year, value, n in rows:
        groups.setdefault((scope, bool(official)), []).append((int(year), float(value), n))
    series = []
    scope_names = {AverageScope.NATIONAL: _("National average"), AverageScope.REGION: _("Regional average")}
    for (scope, official), points in groups.items():  # in order of first appearance
        name = scope_names.get(scope, scope)
        if official:
            label = _("%(name)s (official)") % {"name": name}
        else:
            counts = [int(n) for _year, _value, n in points]
            low, high = min(counts), max(counts)
            count = str(low) if low == high else f"{low}–{high}"
            label = _("%(name)s (computed over %(count)s units with data)") % {"name": name, "count": count}
            if scope == AverageScope.NATIONAL and not all(
                stands_for_the_country(count=int(n), year=year, level=level) for year, _value, n in points
            ):
                label = _("Mean of the %(count)s units with data (too few to stand for the country)") % {"count": count}
        kind = "official" if official else "computed"
        series.append((label, kind, [year for year, _v, _n in points], [value for _y, value, _n in points]))
    return series


def indicator_lines(
    units: list[tuple[int, str, str]],
    values: dict[int, list[tuple[int, float]]],
    averages: list[tuple[str, bool, int, float, object]],
    *,
    level: str,
) -> dict[str, list]:
    """Return the columns (series, kind, year, value) of one small multiple: the units' lines, then the averages.

    ``units`` are (id, label, kind) in order (ordered_units), ``values`` the indicator's numbers by unit id
    (year, value), ``averages`` its average rows (see average_series). Plain lists: forty small DataFrames
    cost more than the lines they held.
    """
    records = [(label, kind, year, value) for unit_id, label, kind in units for year, value in values.get(unit_id, [])]
    if records:
        for label, kind, years, numbers in average_series(averages, level=level):
            records += [(label, kind, y, v) for y, v in zip(years, numbers, strict=True)]
    columns = {name: [] for name in LINE_COLUMNS}
    for record in records:
        for name, item in zip(LINE_COLUMNS, record, strict=True):
            columns[name].append(item)
    return columns


def _by_indicator(profile: UnitProfile) -> tuple[dict, dict, dict]:
    """Return the profile's numbers, averages and series breaks grouped by indicator code, in one pass each."""
    values: dict[str, dict[int, list[tuple[int, float]]]] = {}
    for code, unit_id, year, value in map(value_columns("indicator", "unit_id", "year", "value"), profile.value_rows):
        if not is_missing(value):
            values.setdefault(code, {}).setdefault(unit_id, []).append((int(year), float(value)))
    averages: dict[str, list[tuple]] = {}
    frame = profile.averages
    columns = (frame[c].tolist() for c in ("indicator", "scope", "official", "year", "value", "n"))
    for code, *row in zip(*columns, strict=True):
        averages.setdefault(code, []).append(tuple(row))
    breaks: dict[str, list[tuple[int, str]]] = {}
    frame = profile.series_breaks
    columns = (frame[c].tolist() for c in ("indicator", "year", "note_vi", "note_en"))
    for code, year, note_vi, note_en in zip(*columns, strict=True):
        breaks.setdefault(code, []).append((int(year), localised(note_vi, note_en)))
    return values, averages, breaks


def profile_charts(profile: UnitProfile, *, csv_base: str, tables: bool = True, figures: bool = True) -> PageCharts:
    """Return the small multiples (one per indicator with numeric data) and the rank-history chart.

    ``tables`` False (the page itself, whose charts' tables are fetched on demand): the charts' table
    and CSV rows are not built. ``figures`` False (the page, a table or a CSV: the figures are fetched from
    the page's figures URL): each figure is only its outline (``figure_outline``), None where none would be drawn.
    """
    page = PageCharts(csv_base=csv_base)
    year = _("Year")
    values, averages, breaks_by = _by_indicator(profile)
    units = ordered_units(profile)
    for code, info in indicator_meta(profile).items():
        if code not in values:  # a code is there only with a number: its lines are never empty
            continue
        breaks = breaks_by.get(code, [])
        series, display, raw, figure = [], [], [], figure_outline()
        if tables or figures:
            lines = indicator_lines(units, values[code], averages.get(code, []), level=profile.unit.level)
        if tables:
            fmt = value_formatter(decimals=info["decimals"], measure_unit=info["measure_unit"])
            series, display, raw = wide_rows(lines, fmt=fmt)
        if figures:
            figure = lines_figure(
                lines,
                y_title=str(MeasureUnit(info["measure_unit"]).label),
                breaks=breaks,
                break_label=_("Series break"),
                from_zero=info["measure_unit"] == MeasureUnit.COUNT,
            )
        page.add(
            chart_id=f"indicator-{code}",
            title=info["label"],
            figure=figure,
            columns=[year, *series],
            rows=display,
            csv_columns=["year", *series],
            csv_rows=raw,
            note=" ".join(_("Series break in %(year)s: %(note)s") % {"year": y, "note": n} for y, n in breaks),
            # One table per indicator would double the page at national scale: each is fetched when opened.
            table_on_demand=True,
        )
    rank_chart(profile, page, tables=tables, figures=figures)
    return page


def rank_frame(profile: UnitProfile) -> dict[str, list]:
    """Return computed and published ranks per indicator, unit and year, in catalogue and unit order (columns)."""
    meta = indicator_meta(profile)
    labels = {unit_id: (label, kind) for unit_id, label, kind in ordered_units(profile)}
    # Plain dicts, not a .loc per key (~0.3 s for Hồ Chí Minh's 2025 profile at national scale).
    ranks = profile.ranks
    columns = ("unit_id", "indicator", "year", "computed_rank", "ranked_units")
    computed = {
        (unit_id, code, year): (rank, n)
        for unit_id, code, year, rank, n in zip(*(ranks[c].tolist() for c in columns), strict=True)
    }
    columns = value_columns("unit_id", "indicator", "year", "rank", "rank_basis")
    published = {
        (unit_id, code, year): (rank, basis)
        for unit_id, code, year, rank, basis in map(columns, profile.value_rows)
        if not is_missing(rank)
    }
    indicator_order = {code: n for n, code in enumerate(meta)}
    unit_order = {unit_id: n for n, unit_id in enumerate(labels)}
    keys = sorted(
        set(computed) | set(published),
        key=lambda k: (indicator_order.get(k[1], 999), unit_order[k[0]], k[2]),
    )
    names = {code: _rank_series_name(code, meta) for code in {code for _unit, code, _year in keys}}
    frame = {name: [] for name in ["series", "indicator", "unit", "year", "rank", "ranked_units", "published_rank"]}
    frame["rank_basis"] = []
    frame["code"] = []
    for unit_id, code, year in keys:
        label, kind = labels[unit_id]
        comp = computed.get((unit_id, code, year))
        pub = published.get((unit_id, code, year))
        frame["code"].append(code)
        frame["series"].append(names[code] if kind == "unit" else f"{names[code]} — {label}")
        frame["indicator"].append(meta.get(code, {}).get("label", code))
        frame["unit"].append(label)
        frame["year"].append(int(year))
        frame["rank"].append(None if comp is None or is_missing(comp[0]) else int(comp[0]))
        frame["ranked_units"].append(None if comp is None else int(comp[1]))
        frame["published_rank"].append(None if pub is None else int(pub[0]))
        frame["rank_basis"].append("" if pub is None else pub[1])
    return frame


def _rank_series_name(code: str, meta: dict[str, dict]) -> str:
    """Return an indicator's name in the rank history's legend.

    The catalogue's short names are English (or acronyms): the Vietnamese page names the indicator in
    Vietnamese, shortened for the legend.
    """
    label_text = meta[code]["label"] if code in meta else code
    return localised(_shorten(label_text), (meta[code]["short_name"] or label_text) if code in meta else code)


def _shorten(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


RANK_COLUMNS = ["indicator", "unit", "year", "rank", "ranked_units", "published_rank", "rank_basis"]


def rank_chart(profile: UnitProfile, page: PageCharts, *, tables: bool = True, figures: bool = True) -> None:
    """Add the rank-history chart: computed ranks over the years, one line per indicator (and related unit).

    ``figures`` False: the figure's outline where a computed rank would draw a line (see profile_charts).
    """
    ranks = rank_frame(profile) if tables or figures else {}
    records = list(zip(*(ranks[c] for c in RANK_COLUMNS), strict=True)) if tables else []
    display = [
        [
            indicator,
            unit,
            year,
            "" if rank is None else _("%(rank)s of %(n)s") % {"rank": rank, "n": ranked_units},
            rank_text(published, basis=basis),
        ]
        for indicator, unit, year, rank, ranked_units, published, basis in records
    ]
    headline = _headline_codes(profile)
    if figures:
        figure = rank_figure(_charted_ranks(ranks, headline), y_title=_("Rank (1 = best)"))
    else:
        figure = figure_outline() if _has_computed_rank(profile) else None
    note = _(
        "Computed ranks are among the units of the same level that have a value that year (1-2-2-4 for ties); "
        "published ranks are those printed by the source."
    )
    if headline and set(profile.ranks["indicator"].tolist()) - headline:
        note += " " + _(
            "The chart draws the composite indices (PAR Index, SIPAS, PAPI, PCI); the table and the CSV hold "
            "the ranks of every indicator."
        )
    page.add(
        chart_id="rank-history",
        title=_("Rank history"),
        figure=figure,
        columns=[_("Indicator"), _("Unit"), _("Year"), _("Computed rank"), _("Published rank")],
        rows=display,
        csv_columns=["indicator", "unit", "year", "computed_rank", "ranked_units", "published_rank", "rank_basis"],
        csv_rows=[list(record) for record in records],
        empty_message=_("No rank can be computed: no numeric values for this unit.")
        if not _has_numbers(profile)
        else _(
            "No rank can be computed: in the years of this unit's figures, fewer than %(n)s units of its level "
            "have a figure of the same indicator."
        )
        % {"n": MIN_UNITS_FOR_COMPUTED_AVERAGE},
        note=note,
        table_on_demand=True,  # a row per indicator, unit and year: ~150 kB for a merged province
    )


#: Subordinate units per page of the profile's table (40 indicators a row: 20 rows keep the page light).
CHILDREN_PAGE_SIZE = 20


def children_page(profile: UnitProfile, *, asked_page: str = "") -> tuple[list, list, Page]:
    """Return the subordinate units with figures on the asked page, those without figures, and the page.

    The units with figures are shown CHILDREN_PAGE_SIZE at a time (``asked_page``: the ``?units_page=``
    parameter, ASCII digits); the view then reads the figures of that page's units only.
    """
    with_values = profile.children_with_values
    shown = [child for child in profile.children if child.pk in with_values]
    without = [child for child in profile.children if child.pk not in with_values]
    if not shown:
        return [], without, page_of(0, asked="", page_size=1)
    page = page_of(len(shown), asked=asked_page, page_size=CHILDREN_PAGE_SIZE)
    return shown[page.shown], without, page


def children_table(children: list, *, latest: list[dict], without: list, page: Page, sources: SourceList) -> dict:
    """Return one page of subordinate units with their latest value per indicator (and the year of it).

    ``latest`` holds the latest value of each of ``children`` per indicator (selectors.children_latest);
    the cells' sources are numbered in ``sources``. Units without figures are listed apart.
    """
    if not latest:
        return {"indicators": [], "rows": [], "without_data": without, "page": page}
    # Plain records, not a .loc per cell: 20 units × 40 indicators took ~0.3 s through pandas lookups.
    latest_of = {(r["unit_id"], r["indicator"]): r for r in latest}
    names_of = {
        r["indicator"]: (r["display_order"], r["indicator_name_vi"], r["indicator_name_en"]) for r in reversed(latest)
    }
    codes = sorted(names_of, key=lambda code: (names_of[code][0], code))
    figures = FigureCells(sources)
    rows = []
    for child in children:
        cells = []
        for code in codes:
            r = latest_of.get((child.pk, code))
            if r is None:
                cells.append(None)
                continue
            cell = figures.cell(r, decimals=r["decimals"], measure_unit=r["measure_unit"])
            cell["year"] = int(r["year"])
            cells.append(cell)
        rows.append({"unit": child, "cells": cells, "cells_html": cells_html(cells, with_year=True)})
    names = [localised(names_of[code][1], names_of[code][2]) for code in codes]
    return {"indicators": names, "rows": rows, "without_data": without, "page": page}


#: The indicator groups whose top-level indicator is a composite index: the rank history draws these.
HEADLINE_GROUPS = ("par", "sipas", "papi", "pci")


def _headline_codes(profile: UnitProfile) -> set[str]:
    """Return the composite indices (PAR Index, SIPAS, PAPI, PCI) that have a computed rank in this profile.

    A line per indicator and related unit made the rank history unreadable (a merged province: 40 indicators
    × 3 predecessors, 35 lines): the chart draws the composite indices, the table and CSV every indicator.
    """
    ranked = {
        code
        for code, rank in zip(*(profile.ranks[c].tolist() for c in ("indicator", "computed_rank")), strict=True)
        if not is_missing(rank)
    }
    frame = profile.indicators
    columns = (frame[c].tolist() for c in ("code", "group", "parent_id"))
    return {
        code
        for code, group, parent in zip(*columns, strict=True)
        if group in HEADLINE_GROUPS and is_missing(parent) and code in ranked
    }


def _charted_ranks(ranks: dict[str, list], headline: set[str]) -> dict[str, list]:
    """Return the rank history's rows of the composite indices, or all of them when the unit has none."""
    if not headline:
        return ranks
    keep = [code in headline for code in ranks["code"]]
    return {column: [item for item, kept in zip(items, keep, strict=True) if kept] for column, items in ranks.items()}


def _has_computed_rank(profile: UnitProfile) -> bool:
    """Return whether the rank history has a line to draw: a computed rank of the unit or a related unit."""
    return any(not is_missing(rank) for rank in profile.ranks["computed_rank"].tolist())


def _has_numbers(profile: UnitProfile) -> bool:
    """Return whether the unit itself has at least one numeric figure (a rank is then missing for another reason)."""
    unit_id = profile.unit.pk
    columns = value_columns("unit_id", "value")
    return any(owner == unit_id and not is_missing(value) for owner, value in map(columns, profile.value_rows))
