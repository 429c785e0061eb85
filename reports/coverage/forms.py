"""The coverage form: ``indicator``, the code of the indicator whose grid (or missing province-years) to show."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _

from indicators.models import Indicator


class CoverageForm(forms.Form):
    indicator = forms.CharField(required=False)

    def __init__(self, data: QueryDict, *, indicators: list[Indicator]) -> None:
        super().__init__(data)
        self.by_code = {i.code: i for i in indicators}

    def clean_indicator(self) -> Indicator | None:
        """Return the indicator of the code, None when no code is given."""
        code = self.cleaned_data["indicator"]
        if code and code not in self.by_code:
            raise forms.ValidationError(
                _("There is no indicator with the code “%(code)s”. Choose one from the list.") % {"code": code[:60]}
            )
        return self.by_code.get(code)

    def chosen(self) -> Indicator | None:
        """Return the indicator asked for, None when none (or an unknown one) is."""
        return self.cleaned_data["indicator"] if self.is_valid() else None
