"""Third-party apps under the names the admin shows, in the site's languages (issue 15).

django-axes ships no verbose name (the admin showed "Axes"), and django-q2 takes its own from the
Q_CLUSTER "label" setting, a plain string that cannot be translated; its model names are translated in
locale/*/django.po like the site's own strings.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_q.apps import DjangoQConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login protection")


class BackgroundJobsConfig(DjangoQConfig):
    verbose_name = _("Background jobs")
