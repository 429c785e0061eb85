"""The rankings table (django-tables2) and the rows it shares with the CSV/XLSX export."""

import datetime
import inspect
from collections.abc import Callable

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.formatting import format_change, format_value, is_missing
from indicators.models import Indicator, Qualifier, RankBasis, SourceClass
from indicators.rankings import Ranking
from provinces.models import Region
from reports.shared.links import profile_url_maker, safe_url
from reports.shared.paging import Page, page_of
from reports.shared.sources import disputes_html, is_weak, source_link, weak_mark

#: The ranking export's columns (CSV and XLSX), by key; the header is written in the page's language
#: (export_columns), as are regions, rank bases, qualifiers and source classes (issue 15).
EXPORT_COLUMNS = [
    "rank",
    "region_rank",
    "unit_code",
    "unit_name",
    "region",
    "indicator_code",
    "year",
    "value",
    "previous_value",
    "value_change",
    "previous_rank",
    "rank_change",
    "published_rank",
    "rank_basis",
    "qualifier",
    "source_title",
    "source_url",
    "source_class",
]
EXPORT_HEADERS = {
    "rank": _("Rank"),
    "region_rank": _("Rank in region"),
    "unit_code": _("GSO code"),
    "unit_name": _("Unit"),
    "region": _("Region"),
    "indicator_code": _("Indicator code"),
    "year": _("Year"),
    "value": _("Value"),
    "previous_value": _("Previous year's value"),
    "value_change": _("Change in value"),
    "previous_rank": _("Previous year's rank"),
    "rank_change": _("Change in rank"),
    "published_rank": _("Published rank"),
    "rank_basis": _("Rank basis"),
    "qualifier": _("Qualifier"),
    "source_title": _("Source"),
    "source_url": _("Source address"),
    "source_class": _("Kind of source"),
}


def export_columns() -> list[str]:
    """Return the export's header in the active language."""
    return [str(EXPORT_HEADERS[key]) for key in EXPORT_COLUMNS]


def _label(choices: type, value: object) -> object:
    """Return a stored code's label in the active language (the code itself if unknown, None if empty)."""
    if value in (None, ""):
        return None
    return str(choices(value).label) if value in choices.values else value


def _plain(value: object) -> object:
    """Return None for pandas' missing markers, plain Python numbers otherwise."""
    if is_missing(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def ranking_rows(ranking: Ranking, *, highlight: str = "") -> list[dict]:
    """Return one dict per unit of the ranking (rank order, no-data units last) for the table and the export."""
    level, year = ranking.level, ranking.year
    rows = []
    # Link to the unit as it was in this year when it no longer exists today (one reverse per kind, not per unit).
    current_url = profile_url_maker(level=level)
    dated_url = profile_url_maker(level=level, on=datetime.date(year, 12, 31))
    for record in ranking.rows.to_dict("records"):
        row = {key: _plain(value) for key, value in record.items()}
        valid_to: datetime.date | None = row["valid_to"]
        row["url"] = (dated_url if valid_to is not None else current_url)(row["code"])
        row["source_link"] = safe_url(row["source_url"])
        row["highlight"] = bool(highlight) and row["code"] == highlight
        row["missing"] = row["value"] is None
        row["weak_source"] = is_weak(row["source_class"])
        row["disputes"] = (ranking.disputes or {}).get(row["value_id"], []) if row["value_id"] is not None else []
        rows.append(row)
    return rows


def export_rows(rows: list[dict], *, indicator: Indicator, year: int) -> list[list[object]]:
    """Return the rows as export cells in EXPORT_COLUMNS order (numbers unformatted)."""
    return [
        [
            row["rank"],
            row["region_rank"],
            row["code"],
            row["name"],
            _label(Region, row["region"]),
            indicator.code,
            year,
            row["value"],
            row["previous_value"],
            None if row["value_change"] is None else round(row["value_change"], 6),
            row["previous_rank"],
            row["rank_change"],
            row["published_rank"],
            _label(RankBasis, row["rank_basis"]),
            _label(Qualifier, row["qualifier"]),
            row["source_title"],
            row["source_url"],
            _label(SourceClass, row["source_class"]),
        ]
        for row in rows
    ]


def published_rank_label(basis: str) -> str:
    """Return how to label a published rank: official, implied, or derived (never shown as official)."""
    if basis == RankBasis.STATED:
        return gettext("official")
    if basis in (RankBasis.ORDER_IMPLIED, RankBasis.SCORE_ORDER_IMPLIED):
        return gettext("implied by the source's order")
    return gettext("derived, not official")


class RankingTable(tables.Table):
    """The ranking table: django-tables2 for the columns, their headers, sorting (?sort=) and attributes.

    The body is rendered by the template reports/_ranking_table.html from ``body_rows`` (row classes
    from ``_row_attrs``, cells from ``_cell_renderer``), so django-tables2's per-cell row attributes
    (``Meta.row_attrs``) and its default template setting are not used and not configured.
    """

    rank = tables.Column(
        verbose_name=_("Rank"), default="", attrs={"td": {"class": "number"}, "th": {"class": "number"}}
    )
    region_rank = tables.Column(
        verbose_name=_("Rank in region"), attrs={"td": {"class": "number"}, "th": {"class": "number"}}
    )
    name = tables.Column(verbose_name=_("Unit"), order_by=("sort_key",), attrs={"td": {"class": "unit"}})
    region = tables.Column(verbose_name=_("Region"))
    value = tables.Column(
        verbose_name=_("Value"), default=_("no data"), attrs={"td": {"class": "number"}, "th": {"class": "number"}}
    )
    value_change = tables.Column(
        verbose_name=_("Change in value"), attrs={"td": {"class": "number"}, "th": {"class": "number"}}
    )
    rank_change = tables.Column(
        verbose_name=_("Change in rank"),
        attrs={
            "td": {"class": "number"},
            "th": {"class": "number", "title": _("Among the units with a value in both years")},
        },
    )
    published_rank = tables.Column(verbose_name=_("Published rank"), attrs={"td": {"class": "number"}})
    source_title = tables.Column(verbose_name=_("Source"), orderable=False, attrs={"td": {"class": "source"}})

    class Meta:
        template_name = "reports/_ranking_table.html"
        attrs = {"class": "data-table ranking-table"}
        order_by_field = "sort"
        empty_text = _("No unit of this level in this selection.")

    def __init__(self, rows: list[dict], *, indicator: Indicator, year: int, with_region_rank: bool) -> None:
        super().__init__(rows, order_by=("rank",))
        self.indicator = indicator
        self.year = year
        self.shown = slice(None)  # the rows of the page shown (ranking_page); every row by default
        if not with_region_rank:
            self.columns.hide("region_rank")

    def body_rows(self) -> list[tuple[str, list[tuple[str, object]]]]:
        """Return each row's attributes and its (cell attributes, rendered cell) pairs, in display order.

        django-tables2's template recomputes a column's attributes for every cell, which was most of
        the page's rendering time; they are static here, so they are computed once per column.
        """
        columns = [(column.name, column.attrs["td"].as_html(), self._cell_renderer(column)) for column in self.columns]
        return [
            (self._row_attrs(record, n), [(attrs, render(record)) for _name, attrs, render in columns])
            for n, record in enumerate(self.shown_records())
        ]

    def shown_records(self) -> list[dict]:
        """Return the records of the page shown, in display order (sorted, units without a value last)."""
        return self.data.data[self.shown]

    @staticmethod
    def _row_attrs(record: dict, n: int) -> str:
        """Return the row's class attribute as django-tables2 would write it: highlight / no-data, then even/odd."""
        classes = [c for c, on in (("highlight", record["highlight"]), ("no-data", record["missing"])) if on]
        classes.append("odd" if n % 2 else "even")
        return format_html('class="{}"', " ".join(classes))

    def _cell_renderer(self, column: tables.columns.BoundColumn) -> Callable[[dict], object]:
        """Return what django-tables2's BoundRow.get_cell does for this column, minus its per-cell lookups.

        The records are plain dicts whose keys are the column names; an empty value shows the column's
        default, any other goes through the table's render_<name> method when there is one.
        """
        name, default = column.name, column.default
        method = getattr(self, f"render_{name}", None)
        if method is None:
            return lambda record: default if record.get(name) in (None, "") else record[name]
        wants_record = "record" in inspect.signature(method).parameters

        def render(record: dict) -> object:
            value = record.get(name)
            if value in (None, ""):
                return default
            return method(value=value, record=record) if wants_record else method(value=value)

        return render

    def keep_missing_last(self) -> None:
        """Move units without a value after the others, whatever column the reader sorted by."""
        self.data.data.sort(key=lambda row: row["missing"])

    def _fmt(self, value: float | None) -> str:
        return format_value(value, decimals=self.indicator.decimals, measure_unit=self.indicator.measure_unit)

    def render_name(self, value: str, record: dict) -> str:
        return format_html('<a href="{}">{}</a>', record["url"], value)

    def render_region(self, value: str) -> str:
        return Region(value).label if value in Region.values else value

    def render_value(self, value: float, record: dict) -> str:
        if record["weak_source"]:
            return format_html("{} {}", self._fmt(value), weak_mark())
        return self._fmt(value)

    def render_value_change(self, value: float, record: dict) -> str:
        text = format_change(value, decimals=self.indicator.decimals, measure_unit=self.indicator.measure_unit)
        if value > 0:
            mark, css, words = "▲", "change-up", gettext("up from %(year)s") % {"year": self.year - 1}
        elif value < 0:
            mark, css, words = "▼", "change-down", gettext("down from %(year)s") % {"year": self.year - 1}
        else:
            mark, css, words = "=", "", gettext("unchanged from %(year)s") % {"year": self.year - 1}
        if self.indicator.direction == "lower":
            css = {"change-up": "change-down", "change-down": "change-up"}.get(css, css)
        return format_html(
            '<span class="{}" title="{}"><span aria-hidden="true">{}</span> {}'
            '<span class="visually-hidden"> ({})</span></span>',
            css,
            words,
            mark,
            text,
            words,
        )

    def render_rank_change(self, value: int, record: dict) -> str:
        previous = record["previous_rank"]
        if value > 0:
            mark, css = "▲", "change-up"
            words = gettext("up %(n)s places among the units with values in both years (%(previous)s in %(year)s)")
        elif value < 0:
            mark, css = "▼", "change-down"
            words = gettext("down %(n)s places among the units with values in both years (%(previous)s in %(year)s)")
        else:
            mark, css = "=", ""
            words = gettext("same rank as in %(year)s among the units with values in both years")
        words = words % {"n": abs(value), "previous": previous, "year": self.year - 1}
        return format_html(
            '<span class="{}" title="{}"><span aria-hidden="true">{} {}</span>'
            '<span class="visually-hidden">{}</span></span>',
            css,
            words,
            mark,
            abs(value),
            words,
        )

    def render_published_rank(self, value: int, record: dict) -> str:
        if record["rank"] is not None and record["rank"] == value:
            return format_html('<span class="muted" title="{}">=</span>', gettext("same as the computed rank"))
        mark = weak_mark() if record["weak_source"] and record["value"] is None else ""
        return format_html(
            '{} <span class="badge">{}</span>{}', value, published_rank_label(record["rank_basis"]), mark
        )

    def render_source_title(self, value: str, record: dict) -> str:
        shown = source_link(value, record["source_link"], record["source_class"] or "")
        if record["disputes"]:
            return format_html("{}{}", shown, disputes_html(record["disputes"], shown=self._fmt))
        return shown


#: Rows per page of a ranking; the 3,321 communes of the country make 34 pages.
PAGE_SIZE = 100


def ranking_page(records: list[dict], *, asked: str, page_size: int = PAGE_SIZE) -> Page:
    """Return the page to show: the one asked (?page=), else the highlighted unit's, else the first."""
    highlighted = next((n for n, record in enumerate(records) if record["highlight"]), 0)
    return page_of(len(records), asked=asked, page_size=page_size, wanted_index=highlighted)
