from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("rankings/", views.ranking_view, name="ranking"),
    path("search/", views.search, name="search"),
    path("export/values.csv", views.export_values, name="export-values"),
]
