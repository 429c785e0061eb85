"""The rankings table (django-tables2) and the rows it shares with the CSV/XLSX export."""

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import django_tables2 as tables
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.templatetags.django_tables2 import render_attrs

from config.params import id_param
from indicators.formatting import change_formatter, integer_formatter, is_missing, value_formatter
from indicators.models import Indicator, Qualifier, RankBasis, SourceClass
from indicators.rankings import Ranking, ranking, summary_ranking_page
from provinces.models import AdministrativeUnit, Region
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


def ranking_rows(ranking: Ranking, *, highlight: str = "", records: list[dict] | None = None) -> list[dict]:
    """Return one dict per unit of the ranking (rank order, no-data units last) for the table and the export.

    ``records``: the rows to use instead of the ranking's own (one page read from the summary).
    """
    level, year = ranking.level, ranking.year
    rows = []
    # Link to the unit as it was in this year when it no longer exists today (one reverse per kind, not per unit).
    current_url = profile_url_maker(level=level)
    dated_url = profile_url_maker(level=level, on=datetime.date(year, 12, 31))
    # The summary's records hold plain Python values already; the pandas path's rows numpy and pandas ones.
    plain = records is not None
    for record in ranking.rows.to_dict("records") if records is None else records:
        row = dict(record) if plain else {key: _plain(value) for key, value in record.items()}
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

    The page writes it with ``html()``: what ``{% render_table %}`` writes with its template
    reports/_ranking_table.html (kept: the reference tests/test_rankings_html.py compares with), the body
    from ``body_rows`` (row classes from ``_row_attrs``, cells from ``_cell_renderer``), so django-tables2's
    per-cell row attributes (``Meta.row_attrs``) and its default template setting are not used and not configured.
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
        columns = [(column.attrs["td"].as_html(), self._cell_renderer(column)) for column in self.columns]
        return [
            (self._row_attrs(record, n), [(attrs, render(record)) for attrs, render in columns])
            for n, record in enumerate(self.shown_records())
        ]

    def body_html(self) -> str:
        """Return the table body's rows as the template's loop over ``body_rows`` wrote them, byte for byte.

        The template engine's loop cost ~10 render calls per cell (a third of the national ranking's time);
        each cell here goes through what ``{{ cell }}`` does: localize, then escape unless already safe.
        """
        integer = integer_formatter()  # the ranks: what localize writes for an int, the language looked up once
        rows = [
            "\n<tr "
            + row_attrs
            + ">"
            + "".join(
                f"<td {attrs}>{cell if type(cell) is SafeString else html.escape(integer(cell)) if type(cell) is int else _cell_html(cell)}</td>"
                for attrs, cell in cells
            )
            + "</tr>\n"
            for row_attrs, cells in self.body_rows()
        ]
        if not rows:
            empty = ""
            if self.empty_text:
                empty = f'<tr><td colspan="{len(self.columns)}">{_cell_html(self.empty_text)}</td></tr>'
            rows = [empty + "\n"]
        return mark_safe("".join(rows))  # noqa: S308 (every part escaped above)

    def html(self) -> SafeString:
        """Return the table as ``{% render_table %}`` writes it with reports/_ranking_table.html, byte for byte.

        django-tables2's template (its header loop, its tags, its whitespace) cost ~1–1.5 ms of each ranking
        page for nine header cells; tests/test_rankings_html.py compares this with the template's output.
        Sort links keep the request's other parameters, as its ``querystring_replace`` tag writes them.
        """
        return SafeString(
            '\n\n\n<div class="table-container">\n    \n        <table '
            + render_attrs(self.attrs)
            + ">\n            \n            "
            + (self._header_html() if self.show_header else "")
            + "\n            \n            \n<tbody "
            + _attrs_html(self.attrs, "tbody")
            + ">\n"
            + self.body_html()
            # No column has a footer: the template's tfoot block writes only its whitespace.
            + "\n</tbody>\n\n            \n            \n            \n        </table>\n    \n\n    \n        \n    \n</div>\n\n"
        )

    def _header_html(self) -> str:
        params = dict(self.request.GET)
        cells = []
        for column in self.columns:
            header = _cell_html(column.header)
            if column.orderable:
                params[self.prefixed_order_by_field] = column.order_by_alias.next
                link = html.escape("?" + urlencode(params, doseq=True))
                inside = (
                    f'\n                                <a href="{link}">{header}</a>\n                            '
                )
            else:
                inside = f"\n                                {header}\n                            "
            cells.append(
                f"\n                        <th {column.attrs['th'].as_html()}>\n                            "
                f"{inside}\n                        </th>\n                    "
            )
        return (
            f"\n                <thead {_attrs_html(self.attrs, 'thead')}>\n                    <tr>\n                    "
            + "".join(cells)
            + "\n                    </tr>\n                </thead>\n            "
        )

    def shown_records(self) -> list[dict]:
        """Return the records of the page shown, in display order (sorted, units without a value last)."""
        return self.data.data[self.shown]

    @staticmethod
    def _row_attrs(record: dict, n: int) -> SafeString:
        """Return the row's class attribute as django-tables2 would write it: highlight / no-data, then even/odd."""
        return _ROW_ATTRS[(bool(record["highlight"]), bool(record["missing"]), n % 2)]

    def _cell_renderer(self, column: tables.columns.BoundColumn) -> Callable[[dict], object]:
        """Return what django-tables2's BoundRow.get_cell does for this column, minus its per-cell lookups.

        The records are plain dicts whose keys are the column names; an empty value shows the column's
        default, any other goes through the table's render_<name> method when there is one (each takes the
        value and the record: inspecting their signatures per request cost ~1 ms).
        """
        # The default as ``{{ cell }}`` writes it, once per column rather than once per empty cell.
        name, default = column.name, SafeString(_cell_html(column.default))
        method = getattr(self, f"render_{name}", None)
        if method is None:
            return lambda record: default if record.get(name) in (None, "") else record[name]

        def render(record: dict) -> object:
            value = record.get(name)
            if value in (None, ""):
                return default
            return method(value=value, record=record)

        return render

    def keep_missing_last(self) -> None:
        """Move units without a value after the others, whatever column the reader sorted by."""
        self.data.data.sort(key=lambda row: row["missing"])

    # The cells' texts are the same on every row: translated, escaped and formatted once per table (a page
    # of 100 rows had ~3,600 escapes and ~2,900 translation calls), then put together with the row's own
    # figures, each escaped as format_html would (html.escape is what django.utils.html.escape runs), and
    # wrapped in SafeString: what mark_safe returns for a str, without its lazy-text check per call.

    @cached_property
    def _weak_mark(self) -> SafeString:
        return weak_mark()

    @cached_property
    def _region_labels(self) -> dict[str, SafeString]:
        return {value: SafeString(html.escape(str(label))) for value, label in Region.choices}

    @cached_property
    def _value_change_spans(self) -> dict[int, tuple[str, str]]:
        """Return, by the change's sign, the change cell's HTML before and after the formatted change."""
        year = self.year - 1
        spans = {}
        for sign, mark, css, words in (
            (1, "▲", "change-up", gettext("up from %(year)s") % {"year": year}),
            (-1, "▼", "change-down", gettext("down from %(year)s") % {"year": year}),
            (0, "=", "", gettext("unchanged from %(year)s") % {"year": year}),
        ):
            if self.indicator.direction == "lower":
                css = {"change-up": "change-down", "change-down": "change-up"}.get(css, css)
            words = html.escape(words)
            spans[sign] = (
                f'<span class="{css}" title="{words}"><span aria-hidden="true">{mark}</span> ',
                f'<span class="visually-hidden"> ({words})</span></span>',
            )
        return spans

    @cached_property
    def _rank_change_words(self) -> dict[int, tuple[str, str, str]]:
        """Return, by the change's sign, its mark, class and translated words (holding %(n)s, %(previous)s, %(year)s)."""
        return {
            1: (
                "▲",
                "change-up",
                gettext("up %(n)s places among the units with values in both years (%(previous)s in %(year)s)"),
            ),
            -1: (
                "▼",
                "change-down",
                gettext("down %(n)s places among the units with values in both years (%(previous)s in %(year)s)"),
            ),
            0: ("=", "", gettext("same rank as in %(year)s among the units with values in both years")),
        }

    @cached_property
    def _same_rank(self) -> SafeString:
        return format_html('<span class="muted" title="{}">=</span>', gettext("same as the computed rank"))

    @cached_property
    def _rank_labels(self) -> dict[str, str]:
        return {}

    @cached_property
    def _source_links(self) -> dict[tuple[str, str, str], SafeString]:
        return {}

    @cached_property
    def _format_value(self) -> Callable[[float | None], str]:
        return value_formatter(decimals=self.indicator.decimals, measure_unit=self.indicator.measure_unit)

    @cached_property
    def _format_change(self) -> Callable[[float | None], str]:
        return change_formatter(decimals=self.indicator.decimals, measure_unit=self.indicator.measure_unit)

    def _fmt(self, value: float | None) -> str:
        return self._format_value(value)

    def render_name(self, value: str, record: dict) -> SafeString:
        return SafeString(f'<a href="{html.escape(record["url"])}">{html.escape(value)}</a>')

    def render_region(self, value: str, record: dict) -> str:
        label = self._region_labels.get(value)
        return value if label is None else label

    def render_value(self, value: float, record: dict) -> SafeString:
        text = html.escape(self._fmt(value))
        return SafeString(f"{text} {self._weak_mark}" if record["weak_source"] else text)

    def render_value_change(self, value: float, record: dict) -> SafeString:
        text = self._format_change(value)
        before, after = self._value_change_spans[(value > 0) - (value < 0)]
        return SafeString(f"{before}{html.escape(text)}{after}")

    def render_rank_change(self, value: int, record: dict) -> SafeString:
        mark, css, words = self._rank_change_words[(value > 0) - (value < 0)]
        words = html.escape(words % {"n": abs(value), "previous": record["previous_rank"], "year": self.year - 1})
        return SafeString(  # escaped above
            f'<span class="{css}" title="{words}"><span aria-hidden="true">{mark} {abs(value)}</span>'
            f'<span class="visually-hidden">{words}</span></span>'
        )

    def render_published_rank(self, value: int, record: dict) -> SafeString:
        if record["rank"] is not None and record["rank"] == value:
            return self._same_rank
        basis = record["rank_basis"]
        label = self._rank_labels.get(basis)
        if label is None:
            label = self._rank_labels[basis] = html.escape(published_rank_label(basis))
        mark = self._weak_mark if record["weak_source"] and record["value"] is None else ""
        return SafeString(f'{html.escape(str(value))} <span class="badge">{label}</span>{mark}')

    def render_source_title(self, value: str, record: dict) -> SafeString:
        key = (value, record["source_link"], record["source_class"] or "")
        shown = self._source_links.get(key)
        if shown is None:
            shown = self._source_links[key] = source_link(*key)
        if record["disputes"]:
            return format_html("{}{}", shown, disputes_html(record["disputes"], shown=self._fmt))
        return shown


#: A row's class attribute by (highlighted, without a value, odd), as django-tables2 writes it.
_ROW_ATTRS = {
    (highlight, missing, odd): format_html(
        'class="{}"',
        " ".join([c for c, on in (("highlight", highlight), ("no-data", missing)) if on] + ["odd" if odd else "even"]),
    )
    for highlight in (False, True)
    for missing in (False, True)
    for odd in (0, 1)
}


def _attrs_html(attrs: dict, name: str) -> str:
    """Return ``{{ table.attrs.<name>.as_html }}`` as the template writes it ("" when the table sets none)."""
    part = attrs.get(name)
    return part.as_html() if hasattr(part, "as_html") else ""


def _cell_html(value: object) -> str:
    """Return a value as the template engine's ``{{ value }}`` writes it (render_value_in_context).

    That is localize, then conditional_escape; html.escape is what its escape runs, without the lazy-text
    check conditional_escape and escape make on every call.
    """
    if isinstance(value, SafeString):
        return value
    text = str(localize(value))
    return conditional_escape(text) if hasattr(text, "__html__") else html.escape(text)


#: Rows per page of a ranking; the 3,321 communes of the country make 34 pages.
PAGE_SIZE = 100


def ranking_page(records: list[dict], *, asked: str, page_size: int = PAGE_SIZE) -> Page:
    """Return the page to show: the one asked (?page=), else the highlighted unit's, else the first."""
    highlighted = next((n for n, record in enumerate(records) if record["highlight"]), 0)
    return page_of(len(records), asked=asked, page_size=page_size, wanted_index=highlighted)


@dataclass
class RankingRows:
    """The rows a ranking page shows or exports, and what the page says about the units left out."""

    ranking: Ranking
    rows: list[dict]  # ranking_rows, after the "figures" filter
    page: Page | None  # the page these rows are, when read from the summary; None: every row (page them yourself)
    missing: int  # units with neither a value nor a published rank
    only_with_figures: bool
    has_published_ranks: bool


def ranking_table_rows(
    *,
    indicator: Indicator,
    year: int,
    level: str,
    region: str,
    within: AdministrativeUnit | None,
    figures: str,
    highlight: str,
    asked_page: str,
    whole: bool,
) -> RankingRows:
    """Return the rows of the ranking: one page from the summary when it can (not ``whole``), else every row.

    ``whole``: every row is needed (exports, a sort order other than the rank's); the pandas path (the
    reference the summary is tested against) computes them. ``figures``: the form's "with", "all" or "".
    """
    if not whole:
        read = summary_ranking_page(
            indicator=indicator,
            year=year,
            level=level,
            region=region,
            within=within,
            figures=figures,
            highlight=highlight,
            find_highlight=id_param(asked_page) is None,
            paginate=lambda n_rows, wanted: page_of(n_rows, asked=asked_page, page_size=PAGE_SIZE, wanted_index=wanted),
        )
        if read is not None:
            return RankingRows(
                ranking=read.ranking,
                rows=ranking_rows(read.ranking, highlight=highlight, records=read.records),
                page=read.page,
                missing=read.missing,
                only_with_figures=read.only_with_figures,
                has_published_ranks=read.has_published_ranks,
            )
    result = ranking(indicator=indicator, year=year, level=level, region=region, within=within)
    rows = ranking_rows(result, highlight=highlight)
    # A unit "with a figure" has a value or at least a published rank (some sources publish only ranks).
    missing = sum(1 for row in rows if row["value"] is None and row["published_rank"] is None)
    only_with_figures = figures == "with" or (not figures and missing * 2 > len(rows))
    if only_with_figures:
        rows = [row for row in rows if row["value"] is not None or row["published_rank"] is not None]
    return RankingRows(
        ranking=result,
        rows=rows,
        page=None,
        missing=missing,
        only_with_figures=only_with_figures,
        has_published_ranks=any(r["published_rank"] is not None for r in rows),
    )
