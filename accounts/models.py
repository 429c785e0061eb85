"""Staff accounts: the province a staff member works for (roles are Django groups, see accounts.roles)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from provinces.models import AdministrativeUnit, Level


class StaffProfile(models.Model):
    """The province whose figures a province editor or approver works on.

    The scope is the province, its districts and communes, and the provinces it succeeded on
    1 July 2025 (with theirs): staff of the new Bắc Ninh also enter the older figures of the
    former Bắc Ninh and Bắc Giang. National administrators and viewers have the permission
    ``accounts.all_provinces`` instead and need no province.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"level": Level.PROVINCE},
        related_name="+",
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        permissions = [
            ("all_provinces", _("Can work on every province")),
            ("restore_history", _("Can restore an earlier version from the history")),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.province or '—'}"
