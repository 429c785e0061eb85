from django.urls import path, register_converter

from provinces.models import Level
from reports.cache import cache_public_page
from reports.compare.views import compare
from reports.coverage.views import coverage, coverage_missing_csv
from reports.exports.views import export_values
from reports.home.views import home
from reports.import_format.views import import_format
from reports.indicator.views import indicator_detail, indicator_list
from reports.profile.views import province, unit
from reports.profile.yearly_report.views import unit_report, yearly_report
from reports.rankings.views import ranking_view
from reports.search.views import search


class LevelConverter:
    """A unit level in the URL (``province``, ``district``, ``commune``, ``ministry``, ``department``): any other
    text does not match, so an unknown level is a 404 for every unit page without a check in each view."""

    regex = "|".join(Level.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LevelConverter, "level")

app_name = "reports"

urlpatterns = [
    path("", cache_public_page(home), name="home"),
    path("rankings/", cache_public_page(ranking_view), name="ranking"),
    path("search/", search, name="search"),
    path("export/values.csv", export_values, name="export-values"),
    path("provinces/<str:code>/", cache_public_page(province), name="province"),
    path("provinces/<str:code>/report/", cache_public_page(yearly_report), name="yearly-report"),
    path("units/<level:level>/<str:code>/", cache_public_page(unit), name="unit"),
    path("units/<level:level>/<str:code>/report/", cache_public_page(unit_report), name="unit-report"),
    path("compare/", cache_public_page(compare), name="compare"),
    path("indicators/", cache_public_page(indicator_list), name="indicator-list"),
    path("indicators/<slug:code>/", cache_public_page(indicator_detail), name="indicator"),
    path("coverage/", cache_public_page(coverage), name="coverage"),
    path("coverage/missing.csv", coverage_missing_csv, name="coverage-missing"),
    path("import-format/", cache_public_page(import_format), name="import-format"),
]
