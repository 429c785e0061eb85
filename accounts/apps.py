from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts and roles")

    def ready(self) -> None:
        # Staff scope is decided here; provinces (and every RestrictedQuerySet) asks through this hook.
        from accounts.scope import unit_scope_q
        from provinces.scope import unit_scope_register

        unit_scope_register(unit_scope_q)
