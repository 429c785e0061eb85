from django.urls import path

from reports import coverage, docs, views, views_profile
from reports.cache import cache_public_page

app_name = "reports"

urlpatterns = [
    path("", cache_public_page(views.home), name="home"),
    path("rankings/", cache_public_page(views.ranking_view), name="ranking"),
    path("search/", views.search, name="search"),
    path("export/values.csv", views.export_values, name="export-values"),
    path("provinces/<str:code>/", cache_public_page(views_profile.province), name="province"),
    path("units/<str:level>/<str:code>/", cache_public_page(views_profile.unit), name="unit"),
    path("compare/", cache_public_page(views_profile.compare), name="compare"),
    path("indicators/", cache_public_page(views_profile.indicator_list), name="indicator-list"),
    path("indicators/<slug:code>/", cache_public_page(views_profile.indicator_detail), name="indicator"),
    path("coverage/", cache_public_page(coverage.coverage), name="coverage"),
    path("coverage/missing.csv", coverage.coverage_missing_csv, name="coverage-missing"),
    path("import-format/", cache_public_page(docs.import_format), name="import-format"),
]
