"""The yearly report as text: the title, the rows of the figures table and the notes, in the active language.

The page, the DOCX and the PDF all show these same strings, so the three cannot disagree.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators.formatting import format_change, format_value
from provinces.models import AGENCY_LEVELS, AdministrativeUnit, Level
from reports.profile.yearly_report.selectors import Average, ReportLine, YearReport


@dataclass(frozen=True)
class ReportText:
    title: str
    subtitle: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str]
    sources: list[str]  # "title — url", numbered from 1 by the documents
    generated: str


def unit_title(report: YearReport) -> str:
    return report.unit.label


def peers_name(unit: AdministrativeUnit) -> str:
    """Return who the unit is ranked and averaged among: the country's provinces, the ministries, …"""
    if unit.level == Level.PROVINCE:
        return _("Country")
    if unit.level == Level.DEPARTMENT and unit.parent_id:
        return _("Departments of %(province)s") % {"province": unit.parent.short_name}
    return {
        Level.MINISTRY: _("Ministries and ministry-level agencies"),
        Level.DISTRICT: _("Districts"),
        Level.COMMUNE: _("Communes"),
    }.get(unit.level, str(unit.get_level_display()))


def code_text(unit: AdministrativeUnit) -> str:
    if unit.level in AGENCY_LEVELS:
        return _("code %(code)s (this site's own; agencies have no GSO code)") % {"code": unit.code}
    return _("GSO code %(code)s") % {"code": unit.code}


def average_text(average: Average | None, line: ReportLine, *, national: bool, threshold: int) -> str:
    """Return an average with what it is: official [source], or the mean of n units (national only above the threshold)."""
    if average is None:
        return "—"
    number = format_value(average.value, decimals=line.decimals, measure_unit=line.measure_unit)
    if average.official:
        cite = f" [{average.source_number}]" if average.source_number else ""
        return _("%(value)s (official%(cite)s)") % {"value": number, "cite": cite}
    if national and not average.representative:
        return _("%(value)s (mean of only %(n)s units with a figure: not a national figure)") % {
            "value": number,
            "n": average.n,
        }
    return _("%(value)s (mean of %(n)s units with a figure)") % {"value": number, "n": average.n}


def rank_text(line: ReportLine) -> str:
    if line.computed_rank is None:
        return "—"
    text = _("%(rank)s of %(n)s") % {"rank": line.computed_rank, "n": line.ranked_units}
    if line.rank_change:
        text += f" ({'+' if line.rank_change > 0 else '−'}{abs(line.rank_change)})"
    return text


def report_text(report: YearReport) -> ReportText:
    """Return every string of the report in the active language."""
    unit = report.unit
    region = unit.get_region_display() if unit.region else ""
    is_province = unit.level == Level.PROVINCE
    peers = peers_name(unit)
    columns = [
        _("Indicator"),
        _("Value %(year)s") % {"year": report.year},
        _("Change on %(year)s") % {"year": report.year - 1},
        _("Rank among units with a figure"),
        _("Published rank"),
        *([_("Region") + (f" ({region})" if region else "")] if is_province else []),
        _("Country") if is_province else _("Average: %(peers)s") % {"peers": peers},
        _("Source"),
    ]
    rows = []
    for line in report.lines:
        value = format_value(line.value, decimals=line.decimals, measure_unit=line.measure_unit) or "—"
        rows.append(
            [
                line.name,
                value,
                format_change(line.change, decimals=line.decimals, measure_unit=line.measure_unit) or "—",
                rank_text(line),
                str(line.published_rank) if line.published_rank else "—",
                *(
                    [average_text(line.regional, line, national=False, threshold=report.national_min_units)]
                    if is_province
                    else []
                ),
                average_text(line.national, line, national=is_province, threshold=report.national_min_units),
                f"[{line.source_number}]" if line.source_number else "—",
            ]
        )
    notes = [
        _(
            "Ranks are computed over the units with a figure that year (ties share a rank); the change in rank "
            "(in brackets) counts places gained since the previous year. A published rank is the source's own."
        ),
    ]
    if not is_province:
        notes.append(
            _("Ranks and averages are among the units of this group that have a figure that year: %(peers)s.")
            % {"peers": peers}
        )
    if report.national_min_units:
        notes.append(
            _(
                "An average computed from the figures we hold is called national only when at least %(n)s "
                "provinces have a figure; otherwise it is the mean of the provinces that do."
            )
            % {"n": report.national_min_units}
        )
    return ReportText(
        title=_("Administrative reform indicators of %(unit)s, %(year)s")
        % {"unit": unit_title(report), "year": report.year},
        subtitle=", ".join(part for part in (unit.name, unit.get_level_display(), code_text(unit), region) if part),
        columns=columns,
        rows=rows,
        notes=notes,
        sources=[f"{title} — {url}" if url else title for title, url in report.sources],
        generated=_("Made on %(date)s from the CCHC dashboard; every figure is cited to its published source.")
        % {"date": date_format(timezone.localdate(), "SHORT_DATE_FORMAT")},
    )
