"""The search form: ``q``, part of a unit's name, with or without diacritics."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 100


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Search with at most %(limit_value)d characters (you typed %(show_value)d).")},
    )

    def query(self) -> str:
        """Return the text to search for ("" when there is none, or it is invalid)."""
        return self.cleaned_data["q"] if self.is_valid() else ""
