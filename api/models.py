"""Per-user API tokens: created and revoked in the admin, stored only as a hash."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "cchc_"  # noqa: S105 -- the public beginning of every token, not a secret


def token_hash(raw: str) -> str:
    """Return the stored form of a token: its SHA-256, hex.

    A fast hash is enough here (unlike passwords): the token is 256 random bits, so it cannot be
    guessed from its hash, and authentication must stay cheap on every request.
    """
    return hashlib.sha256(raw.encode()).hexdigest()


def token_new() -> str:
    """Return a new random token (shown once, never stored)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A token a staff member's system (a province portal, an HR system) sends as ``Authorization: Bearer …``.

    Requests with it act as that user, with their role and province: the token grants nothing of its own.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        # Only staff authenticate with a token (api.authentication); offer only them.
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. the province portal."))
    prefix = models.CharField(_("beginning"), max_length=12, editable=False, help_text=_("To recognise the token."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def key_set(self) -> str:
        """Give the token a new random key; return the key, which is kept only as its hash."""
        raw = token_new()
        self.prefix = raw[: len(TOKEN_PREFIX) + 6]
        self.key_hash = token_hash(raw)
        return raw
