"""The staff user admin: the province (StaffProfile) on the user's page, and who may grant what.

Only a superuser grants superuser or staff status or direct permissions, or sees a superuser's account.
Anyone else with the right to change users (national administrators) grants a role only if they hold
every permission it gives ("nobody grants a role above their own"), and never changes their own roles or
province. A role granted by them brings staff status with it, since a role is only used in the admin.
These rules hold server-side: the fields are read-only (a POSTed value is ignored) and the groups are
validated, whatever the page showed.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import StaffProfile
from accounts.scope import has_all_provinces

#: Fields of Django's user page that only a superuser may change.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "user_permissions")


def group_grantable(actor: AbstractBaseUser, group: Group) -> bool:
    """Return whether ``actor`` may grant or withdraw ``group``: a superuser, or one holding all its permissions."""
    if actor.is_superuser:
        return True
    needed = {
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    return needed <= actor.get_all_permissions()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ("province",)
    extra = 1
    max_num = 1

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        actor = request.user
        if not actor.is_superuser and (obj == actor or not has_all_provinces(actor)):
            fields += ("province",)
        return fields


class StaffUserAdmin(UserAdmin):
    inlines = (*UserAdmin.inlines, StaffProfileInline)
    list_display = (*UserAdmin.list_display, "province")
    list_select_related = ("staff_profile__province",)

    @admin.display(description=StaffProfile._meta.get_field("province").verbose_name)
    def province(self, user: User) -> str:
        profile = getattr(user, "staff_profile", None)
        return str(profile.province) if profile and profile.province else "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """Hide superusers from everyone else: setting their password would be taking their account."""
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        fields += SUPERUSER_ONLY_FIELDS
        if obj is not None and obj == request.user:
            fields += ("groups",)
        return fields

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs: object) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if "groups" not in form.base_fields or request.user.is_superuser:
            return form
        actor, before = request.user, set(obj.groups.all()) if obj is not None else set()

        class GrantForm(form):
            def clean_groups(self) -> QuerySet[Group]:
                groups = self.cleaned_data["groups"]
                refused = sorted(g.name for g in set(groups) ^ before if not group_grantable(actor, g))
                if refused:
                    raise forms.ValidationError(
                        _("You may not grant or withdraw a role with permissions you do not have: %(roles)s.")
                        % {"roles": ", ".join(refused)}
                    )
                return groups

        return GrantForm

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not request.user.is_superuser and not user.is_staff and user.groups.exists():
            user.is_staff = True
            user.save(update_fields=["is_staff"])


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
