from django.contrib.auth.views import LoginView, LogoutView
from django.urls import path

from appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(template_name="appraisal/login.html"), name="login"),
    path("logout/", LogoutView.as_view(next_page="appraisal:login"), name="logout"),
    path("sets/", views.criteria_sets, name="criteria-sets"),
    path("sets/<int:pk>/", views.criteria_set, name="criteria-set"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/report/", views.group_report, name="group-report"),
    path("campaigns/<int:pk>/results.xlsx", views.results_download, name="results-xlsx"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("scores/<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
]
