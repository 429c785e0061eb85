"""The staff profile (province) on the user's admin page."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from accounts.models import StaffProfile


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ("province",)
    extra = 1
    max_num = 1


class StaffUserAdmin(UserAdmin):
    inlines = (*UserAdmin.inlines, StaffProfileInline)
    list_display = (*UserAdmin.list_display, "province")
    list_select_related = ("staff_profile__province",)

    @admin.display(description=StaffProfile._meta.get_field("province").verbose_name)
    def province(self, user: User) -> str:
        profile = getattr(user, "staff_profile", None)
        return str(profile.province) if profile and profile.province else "—"


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
