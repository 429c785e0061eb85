"""Create or update a staff account with a role and, for province roles, a province."""

import getpass
import sys

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
        passwords = parser.add_mutually_exclusive_group()
        passwords.add_argument("--password", help="Initial password (checked by the password validators).")
        passwords.add_argument(
            "--password-stdin", action="store_true", help="Read the password from the first line of standard input."
        )
        parser.add_argument(
            "--no-input", action="store_true", help="Never prompt: a new user without a password cannot log in yet."
        )

    def handle(self, *args: object, **options: object) -> None:
        role = ROLES[options["role"]]
        province = self._province(options["province"]) if options["province"] else None
        if role.needs_province and province is None:
            raise CommandError(f"The role {role.slug} needs --province.")
        password = self._password(options)
        user_model = get_user_model()
        with transaction.atomic():
            user, created = user_model.objects.get_or_create(
                username=options["username"], defaults={"email": options["email"]}
            )
            if password:
                try:
                    password_validation.validate_password(password, user)
                except ValidationError as exc:
                    raise CommandError(" ".join(exc.messages)) from exc
                user.set_password(password)
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
        if not user.has_usable_password():
            self.stdout.write(
                f"{user.username} cannot log in until a password is set: python manage.py changepassword {user.username}"
            )

    def _password(self, options: dict) -> str:
        """Return the password from --password, standard input, or a prompt on a terminal ('' for none)."""
        if options["password"]:
            return options["password"]
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\r\n")
        if options["no_input"] or not sys.stdin.isatty():
            return ""
        first = getpass.getpass("Password (empty: set it later): ")
        if first and getpass.getpass("Password again: ") != first:
            raise CommandError("The two passwords differ.")
        return first

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
