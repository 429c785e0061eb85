"""Create or update a staff account with a role and, for province roles, a province."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import StaffProfile
from accounts.roles import ROLES
from provinces.models import AdministrativeUnit, Level


class Command(BaseCommand):
    help = "Create (or update) a staff user with a role: national-admin, province-editor, province-approver, viewer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument(
            "--province", help="GSO code of the province (the one in force today), or #id; province roles only."
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--password", help="Initial password (checked by the password validators); else unusable.")

    def handle(self, *args: object, **options: object) -> None:
        role = ROLES[options["role"]]
        province = self._province(options["province"]) if options["province"] else None
        if role.needs_province and province is None:
            raise CommandError(f"The role {role.slug} needs --province.")
        user_model = get_user_model()
        with transaction.atomic():
            user, created = user_model.objects.get_or_create(
                username=options["username"], defaults={"email": options["email"]}
            )
            if options["password"]:
                try:
                    password_validation.validate_password(options["password"], user)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from exc
                user.set_password(options["password"])
            elif created:
                user.set_unusable_password()
            user.is_staff = True
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=[r.group for r in ROLES.values()]))
            user.groups.add(Group.objects.get(name=role.group))
            StaffProfile.objects.update_or_create(user=user, defaults={"province": province})
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {user.username}: {role.group}"
            + (f", {province.short_name} ({province.code}, {province.validity_label})" if province else "")
        )

    def _province(self, text: str) -> AdministrativeUnit:
        """Find a province by GSO code (in force today, else the only one with that code) or by #id."""
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        if text.startswith("#") and text[1:].isdigit():
            found = provinces.filter(pk=int(text[1:])).first()
        else:
            code = text.zfill(2)
            found = provinces.current().filter(code=code).first()
            if found is None:
                matches = list(provinces.filter(code=code)[:2])
                found = matches[0] if len(matches) == 1 else None
        if found is None:
            raise CommandError(f"No province with GSO code (or #id) {text!r}.")
        return found
