"""Token authentication: ``Authorization: Bearer <token>`` of an active staff member."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from api.models import ApiToken, token_hash

#: last_used_at is written at most this often per token (not on every request).
_USE_RESOLUTION = datetime.timedelta(minutes=5)


class ApiTokenAuthentication(BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
        if token is None or not token.is_active:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        if not (token.user.is_active and token.user.is_staff):
            raise exceptions.AuthenticationFailed(_("The token's user is no longer active staff."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _USE_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
