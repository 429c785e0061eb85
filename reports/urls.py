from django.urls import path

from reports import coverage, views, views_profile

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("rankings/", views.ranking_view, name="ranking"),
    path("search/", views.search, name="search"),
    path("export/values.csv", views.export_values, name="export-values"),
    path("provinces/<str:code>/", views_profile.province, name="province"),
    path("units/<str:level>/<str:code>/", views_profile.unit, name="unit"),
    path("compare/", views_profile.compare, name="compare"),
    path("indicators/", views_profile.indicator_list, name="indicator-list"),
    path("indicators/<slug:code>/", views_profile.indicator_detail, name="indicator"),
    path("coverage/", coverage.coverage, name="coverage"),
]
