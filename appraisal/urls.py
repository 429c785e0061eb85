from django.contrib.auth.views import LoginView, LogoutView, PasswordResetCompleteView, PasswordResetConfirmView
from django.urls import path, reverse_lazy

from appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(template_name="appraisal/login.html"), name="login"),
    path("logout/", LogoutView.as_view(next_page="appraisal:login"), name="logout"),
    path("sets/", views.criteria_sets, name="criteria-sets"),
    path("sets/new/", views.criteria_set_edit, name="criteria-set-new"),
    path("sets/<int:pk>/", views.criteria_set, name="criteria-set"),
    path("sets/<int:pk>/edit/", views.criteria_set_edit, name="criteria-set-edit"),
    path("campaigns/new/", views.campaign_edit, name="campaign-new"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("reporters/", views.reporters, name="reporters"),
    path(
        "password/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(
            template_name="appraisal/password_set.html", success_url=reverse_lazy("appraisal:password-set-done")
        ),
        name="password-set",
    ),
    path(
        "password/done/",
        PasswordResetCompleteView.as_view(template_name="appraisal/password_set_done.html"),
        name="password-set-done",
    ),
    path("campaigns/<int:pk>/report/", views.group_report, name="group-report"),
    path("campaigns/<int:pk>/results.xlsx", views.results_download, name="results-xlsx"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("assessments/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("scores/<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
]
